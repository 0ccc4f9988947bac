//! Tool plugin: questions answered from the file-level import graph.
//!
//! Tools (issue 6, OmnySys's names and parameters):
//! - `get_impact_map {filePath, cursor?, limit?}` ([`impact`]): the files that import a file
//!   directly and transitively (the transitive list paged), its exports, and a risk level
//!   derived from fan-in and depth.
//! - `analyze_change {filePath, symbolName}` ([`analyze`])
//! - `explain_connection {fileA, fileB}` ([`connection`])
//! - `get_risk_assessment {minSeverity?, cursor?, limit?}` ([`risk`])
//! - `validate_imports {filePath?}` ([`validate`])
//! - `repo_map {focusFiles?, tokenBudget?}` ([`repo_map`]), ranked by the PageRank the loop
//!   system `keep_rank` ([`rank`]) keeps current after each indexing pass
//! - `search_files {pattern, cursor?, limit?}` ([`search`])
//! - `impact_of_diff {base?}` ([`diff`])
//!
//! [`registry`] registers them (a plugin built from these modules can swap one tool's function).
//! Shared: [`project`] (the read-only view of the World, pages and the common errors, mostly
//! from the `tool_support` rlib), [`cycles`] (import cycles by Tarjan's strongly connected
//! components).

pub mod analyze;
pub mod connection;
pub mod cycles;
pub mod diff;
pub mod impact;
pub mod project;
pub mod rank;
pub mod registry;
pub mod repo_map;
pub mod risk;
pub mod search;
pub mod validate;

#[cfg(test)]
mod testkit;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "graph_tools", build: build);

/// Registers every tool of the plugin, and the loop system that keeps the project's rank.
fn build(r: &mut Registrar) {
    registry::register(r, impact::get_impact_map);
    r.add_state::<rank::RankState>();
    r.add_system(
        "keep_rank",
        EngineSet::Link,
        RunWhen::GraphSettled,
        rank::keep_rank,
    );
}
