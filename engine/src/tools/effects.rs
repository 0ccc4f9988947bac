//! What plugin code leaves behind besides its value — plugin-state writes and admin requests —
//! applied to the `World` once the plugin's thread has returned.

use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use omnysys_api::state::PluginStates;
use omnysys_api::tool::{AdminRequest, ToolEffects};

/// Requests made by tools (`restart_server`), applied by the loop's admin set right after the
/// call that made them returns.
#[derive(Resource, Default, Debug)]
pub struct PendingAdmin(pub Vec<AdminRequest>);

/// Writes the plugin state `effects` carry and queues their admin requests; returns the content
/// blocks, which only a tool's answer uses.
pub fn apply_effects(
    world: &mut World,
    effects: ToolEffects,
) -> Vec<omnysys_api::tool::ContentItem> {
    let mut states = world.resource_mut::<PluginStates>();
    for (key, value) in effects.writes {
        states.0.insert(key, value);
    }
    if !effects.admin.is_empty() {
        world.resource_mut::<PendingAdmin>().0.extend(effects.admin);
    }
    effects.content
}
