//! The project view, pages and shared errors (from the `tool_support` rlib, re-exported here),
//! and the graph look-ups every tool of this plugin shares.

use omnysys_api::prelude::*;

pub use tool_support::{MAX_ENTRIES, Page, PageRequest, Project, cap, paginate, unknown_symbol};

/// The number of files importing `path`.
pub fn fan_in(graph: &DependencyGraph, path: &str) -> usize {
    graph.reverse.get(path).map_or(0, |s| s.len())
}

/// The number of project files `path` imports.
pub fn fan_out(graph: &DependencyGraph, path: &str) -> usize {
    graph.forward.get(path).map_or(0, |m| m.len())
}
