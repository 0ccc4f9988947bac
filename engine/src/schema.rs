//! Registering every `World` type at start-up.
//!
//! A component type first registered by plugin code keeps its drop function inside that plugin's
//! library; after the library closes, dropping the component would jump into unmapped memory. So
//! the engine registers every type of [`omnysys_api::schema`] — and the internal types bevy
//! registers when the engine runs a plugin's systems — before any plugin loads.

use bevy_ecs::system::In;
use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{
    CacheEntry, FileHash, FileIndex, IndexingState, ProjectRoot, QueueItem, SourceFile,
};
use omnysys_api::state::PluginStates;

use crate::plugin::{ToolInvocation, ToolReply};
use crate::reload::ReloadHistory;
use crate::tools::{ExtractJob, ExtractResult, ExtractorCatalog, ToolCatalog};

/// Registers every component and resource type the engine and its plugins use.
pub fn register_schema(world: &mut World) {
    world.register_component::<SourceFile>();
    world.register_component::<FileHash>();
    world.register_component::<CacheEntry>();
    world.register_component::<QueueItem>();
    world.register_component::<ProjectRoot>();
    world.init_resource::<IndexingState>();
    world.init_resource::<PluginStates>();
    world.init_resource::<omnysys_api::schema::EngineStatus>();
    world.init_resource::<omnysys_api::schema::RecentErrors>();
    world.init_resource::<omnysys_api::schema::RecentEdits>();
    world.init_resource::<omnysys_api::schema::UnresolvedImports>();
    world.init_resource::<DependencyGraph>();
    world.init_resource::<FileIndex>();
    world.init_resource::<ToolCatalog>();
    world.init_resource::<ExtractorCatalog>();
    world.init_resource::<ReloadHistory>();
    world.init_resource::<crate::watch::ChangeLog>();
    world.init_resource::<crate::index::QueueIndex>();
    world.init_resource::<crate::admin::PendingAdmin>();
    world.init_resource::<crate::admin::ForcedExtraction>();
    world.init_resource::<crate::index::IndexConfig>();
    register_system_types(world);
}

/// Registers (then removes) one system of each shape plugins' tools and extractors become, so
/// bevy's own bookkeeping components for them are registered by engine code.
fn register_system_types(world: &mut World) {
    let tool = world.register_system(|In(_): In<ToolInvocation>, _: &mut World| -> ToolReply {
        Err(omnysys_api::tool::ToolError::failed("placeholder"))
    });
    let _ = world.unregister_system(tool);
    let extract =
        world.register_system(|In(_): In<Vec<ExtractJob>>| -> Vec<ExtractResult> { Vec::new() });
    let _ = world.unregister_system(extract);
}
