//! A plugin's loop system wrapped into an exclusive system of the engine's schedule.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bevy_ecs::world::World;
use omnysys_api::schema::RecentErrors;
use omnysys_api::tool::ToolContext;

use super::effects::apply_effects;
use crate::plugin::thread::{run_on_plugin_thread, thread_name};
use crate::plugin::{GenerationSystems, LoadedSystem};

/// The schedule system for `system`: runs the plugin function on a thread of its generation with
/// read access to the `World`, then applies the plugin-state writes it made. A failure (an `Err`
/// or a contained panic) is logged and recorded as a recent error; the loop goes on.
pub fn loop_system(system: Arc<LoadedSystem>) -> impl FnMut(&mut World) + Send + Sync + 'static {
    let thread = thread_name(&system.plugin, system.generation);
    move |world: &mut World| {
        if system.retired.load(Ordering::Acquire) {
            return;
        }
        let ctx = ToolContext::new(world, &system.plugin, None);
        let outcome = run_on_plugin_thread(&thread, || (system.decl.run)(&ctx))
            .and_then(|r| r.map_err(|p| p.to_string()))
            .and_then(|r| r);
        let effects = ctx.finish();
        apply_effects(world, effects);
        if let Err(reason) = outcome {
            let subject = format!(
                "{}.g{}:{}",
                system.plugin,
                system.generation,
                system.label()
            );
            tracing::warn!(system = %subject, %reason, "plugin loop system failed");
            RecentErrors::record(world, "plugin-system", &subject, &reason);
        }
    }
}

/// Changes to the plugin systems of the engine's loop, made by a reload and applied by the loop
/// before its next run (a reload may happen while the loop runs: the loop's schedule cannot be
/// edited then; a retired generation's systems do nothing in the meantime).
#[derive(bevy_ecs::resource::Resource, Default)]
pub struct LoopEdits {
    /// Generations whose systems join the loop.
    pub add: Vec<(GenerationSystems, Vec<Arc<LoadedSystem>>)>,
    /// Generations whose systems leave it.
    pub remove: Vec<GenerationSystems>,
}

impl LoopEdits {
    /// True when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}
