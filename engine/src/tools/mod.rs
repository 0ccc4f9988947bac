//! Serving plugin code as systems of the engine's `World`: tools (one-shot systems run per call),
//! extractors (one-shot systems run per batch) and loop systems (in the engine's schedule), and
//! the catalogs of what is served.

mod catalog;
mod effects;
mod extract;
mod loop_system;
mod paths;
mod system;

pub use catalog::{CatalogEntry, ExtractorCatalog, ExtractorEntry, ToolCatalog};
pub use effects::{PendingAdmin, apply_effects};
pub use extract::extractor_system;
pub use loop_system::{LoopEdits, loop_system};
pub use paths::path_arguments;
pub use system::{run_tool, tool_system};

/// Initialises the resources this module owns.
pub fn init_resources(world: &mut bevy_ecs::world::World) {
    world.init_resource::<ToolCatalog>();
    world.init_resource::<ExtractorCatalog>();
    world.init_resource::<PendingAdmin>();
    world.init_resource::<LoopEdits>();
}
