//! A plugin tool run on a thread of its generation: alone, as an exclusive system of the
//! engine's `World`, or beside other read-only calls on a shared `&World`.

use std::sync::Arc;

use bevy_ecs::system::In;
use bevy_ecs::world::World;
use omnysys_api::tool::{ToolContext, ToolEffects, ToolError};

use super::effects::apply_effects;

use crate::plugin::thread::{run_labelled, thread_name};
use crate::plugin::{LoadedTool, ToolAnswer, ToolInvocation, ToolReply};

/// Runs `tool` on a thread of its generation with read access to `world`, under the
/// invocation's limits; returns its value and what it left behind (state writes, admin requests,
/// content blocks), which the caller applies once it may write.
pub fn run_tool(
    world: &World,
    tool: &LoadedTool,
    invocation: ToolInvocation,
) -> (Result<serde_json::Value, ToolError>, ToolEffects) {
    let ToolInvocation {
        args,
        events,
        limits,
    } = invocation;
    let sink = events.as_deref();
    let ctx = ToolContext::new(world, &tool.plugin, sink.map(|s| s as _)).with_stop(limits.stop());
    let thread = thread_name(&tool.plugin, tool.generation);
    let label = format!("{thread} {}", tool.decl.spec.name);
    let value = run_labelled(&thread, &label, || (tool.decl.run)(&ctx, &args))
        .unwrap_or_else(|e| Err(ToolError::failed(e)));
    (value, ctx.finish())
}

/// The system for `tool`: runs it ([`run_tool`]), then applies the plugin-state writes it made
/// and queues its admin requests for right after the call.
pub fn tool_system(
    tool: Arc<LoadedTool>,
) -> impl FnMut(In<ToolInvocation>, &mut World) -> ToolReply + Send + Sync + 'static {
    move |In(invocation), world: &mut World| {
        let (value, effects) = run_tool(world, &tool, invocation);
        let content = apply_effects(world, effects);
        value.map(|value| ToolAnswer { value, content })
    }
}
