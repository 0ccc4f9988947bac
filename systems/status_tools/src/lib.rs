//! Tool plugin: the engine's own state — `get_server_status` (under 2 KB), `get_recent_errors`,
//! `get_tunnel_vision_stats`.

mod errors;
mod status;
mod tunnel;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "status_tools", build: build);

fn build(r: &mut Registrar) {
    r.add_tool(
        ToolSpec::query(
            "get_server_status",
            "Indexing progress, queue by priority, files and facts, stale entries, loaded plugin generations and the last reloads.",
        ),
        status::get_server_status,
    );
    r.add_tool(
        ToolSpec::query("get_recent_errors", "Extraction failures, unresolved imports, refused reloads, rejected tool-set edits and watcher problems."),
        errors::get_recent_errors,
    );
    r.add_tool(
        ToolSpec::query(
            "get_tunnel_vision_stats",
            "Recent edits whose direct dependents were not changed since: the places an edit may have missed.",
        ),
        tunnel::get_tunnel_vision_stats,
    );
}
