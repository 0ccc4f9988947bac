//! A plugin tool wrapped into an exclusive system of the engine's `World`.

use std::sync::Arc;

use bevy_ecs::system::In;
use bevy_ecs::world::World;
use omnysys_api::tool::{ToolContext, ToolError};

use super::effects::apply_effects;

use crate::plugin::thread::{run_on_plugin_thread, thread_name};
use crate::plugin::{LoadedTool, ToolAnswer, ToolInvocation, ToolReply};

/// The system for `tool`: runs the plugin function on a thread of its generation with read
/// access to the `World`, then applies the plugin-state writes it made and queues its admin
/// requests for right after the call.
pub fn tool_system(
    tool: Arc<LoadedTool>,
) -> impl FnMut(In<ToolInvocation>, &mut World) -> ToolReply + Send + Sync + 'static {
    let thread = thread_name(&tool.plugin, tool.generation);
    move |In(invocation), world: &mut World| {
        let ToolInvocation { args, events } = invocation;
        let sink = events.as_deref();
        let ctx = ToolContext::new(world, &tool.plugin, sink.map(|s| s as _));
        let value = run_on_plugin_thread(&thread, || (tool.decl.run)(&ctx, &args))
            .unwrap_or_else(|e| Err(ToolError::failed(e)));
        let effects = ctx.finish();
        let content = apply_effects(world, effects);
        value.map(|value| ToolAnswer { value, content })
    }
}
