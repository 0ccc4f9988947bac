//! Registering every type of the plugin contract at start-up.
//!
//! A component type first registered by plugin code keeps its drop function inside that plugin's
//! library; after the library closes, dropping the component would jump into unmapped memory. So
//! the engine registers every type of [`omnysys_api::schema`] — and the internal types bevy
//! registers when the engine runs a plugin's systems — before any plugin loads. Resources only
//! engine code can name (catalogs, histories, queues) are initialised by the modules that own
//! them; plugins cannot reach those.

use bevy_ecs::system::In;
use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{
    CacheEntry, EngineStatus, FileHash, FileIndex, IndexingState, ProjectRoot, QueueItem,
    RecentEdits, RecentErrors, SourceFile, UnresolvedImports,
};
use omnysys_api::state::PluginStates;

use crate::plugin::{ExtractJob, ExtractResult, ToolInvocation, ToolReply};

/// Registers every component and resource type plugins can name, and bevy's bookkeeping for the
/// shapes of system plugin code becomes.
pub fn register_schema(world: &mut World) {
    world.register_component::<SourceFile>();
    world.register_component::<FileHash>();
    world.register_component::<CacheEntry>();
    world.register_component::<QueueItem>();
    world.register_component::<ProjectRoot>();
    world.init_resource::<IndexingState>();
    world.init_resource::<PluginStates>();
    world.init_resource::<EngineStatus>();
    world.init_resource::<RecentErrors>();
    world.init_resource::<RecentEdits>();
    world.init_resource::<UnresolvedImports>();
    world.init_resource::<DependencyGraph>();
    world.init_resource::<FileIndex>();
    register_system_types(world);
}

/// Registers (then removes) one system of each shape plugins' tools, extractors and loop
/// systems become, so bevy's own bookkeeping components for them are registered by engine code.
fn register_system_types(world: &mut World) {
    let tool = world.register_system(|In(_): In<ToolInvocation>, _: &mut World| -> ToolReply {
        Err(omnysys_api::tool::ToolError::failed("placeholder"))
    });
    let _ = world.unregister_system(tool);
    let extract =
        world.register_system(|In(_): In<Vec<ExtractJob>>| -> Vec<ExtractResult> { Vec::new() });
    let _ = world.unregister_system(extract);
    let looped = world.register_system(|_: &mut World| {});
    let _ = world.unregister_system(looped);
}
