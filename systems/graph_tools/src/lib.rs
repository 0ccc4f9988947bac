//! Tool plugin: questions answered from the file-level import graph.
//!
//! `get_impact_map {filePath}`: the files that import a file directly and transitively, its
//! exports, and a risk level derived from fan-in and depth.

mod impact;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "graph_tools", build: build);

fn build(r: &mut Registrar) {
    r.add_tool(
        ToolSpec::query(
            "get_impact_map",
            "Files that import the given file directly and transitively, its exports, and the risk of changing it.",
        ),
        impact::get_impact_map,
    );
}
