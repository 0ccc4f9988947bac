//! The unit tests' kit: the shared one, with a tool context of this plugin.

pub use tool_support::testing::*;

use omnysys_api::prelude::*;

/// A tool context over `world`.
pub fn ctx(world: &World) -> ToolContext<'_> {
    context(world, "graph_tools")
}
