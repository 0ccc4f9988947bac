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
//! - `repo_map {focusFiles?, tokenBudget?}` ([`repo_map`])
//! - `search_files {pattern, cursor?, limit?}` ([`search`])
//! - `impact_of_diff {base?}` ([`diff`])
//!
//! Shared: [`project`] (the read-only view of the World, pages and the common errors, mostly
//! from the `tool_support` rlib), [`cycles`] (import cycles by Tarjan's strongly connected
//! components).

pub mod analyze;
pub mod connection;
pub mod cycles;
pub mod diff;
mod impact;
pub mod project;
pub mod repo_map;
pub mod risk;
pub mod search;
pub mod validate;

#[cfg(test)]
mod testkit;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "graph_tools", build: build);

/// Registers every tool of the plugin.
fn build(r: &mut Registrar) {
    r.add_tool(
        ToolSpec::query(
            "get_impact_map",
            "Files that import the given file directly and transitively, its exports, and the risk of changing it.",
        ),
        impact::get_impact_map,
    );
    r.add_tool(
        ToolSpec::query(
            "analyze_change",
            "Who imports or calls a symbol, directly and through importer files by depth, with a risk level, its reasons and a one-line recommendation.",
        ),
        analyze::analyze_change,
    );
    r.add_tool(
        ToolSpec::query(
            "explain_connection",
            "The shortest import path between two files in each direction, the names crossing each hop, and the files both depend on.",
        ),
        connection::explain_connection,
    );
    r.add_tool(
        ToolSpec::query(
            "get_risk_assessment",
            "Import cycles, the most-imported files, hubs, orphans, very large files and functions, and unresolved imports, each with a severity and why.",
        ),
        risk::get_risk_assessment,
    );
    r.add_tool(
        ToolSpec::query(
            "validate_imports",
            "Local imports that resolve to no file, imported names the target does not export, and import cycles, for one file or the whole project.",
        ),
        validate::validate_imports,
    );
    r.add_tool(
        ToolSpec::query(
            "repo_map",
            "A ranked outline of the project (PageRank over imports, personalised to focus files) with each file's exports, functions and classes, within a token budget.",
        ),
        repo_map::repo_map,
    );
    r.add_tool(
        ToolSpec::query(
            "search_files",
            "Project files whose paths match a glob or a regular expression, with language, lines, fan-in and fan-out.",
        ),
        search::search_files,
    );
    r.add_tool(
        ToolSpec::query(
            "impact_of_diff",
            "The symbols changed in the working tree against a git revision (default HEAD), each with its direct users, affected files and risk, and the aggregated impact.",
        ),
        diff::impact_of_diff,
    );
}
