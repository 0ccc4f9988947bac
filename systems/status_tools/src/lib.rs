//! Tool plugin: the engine's own state — `get_server_status` (under 2 KB), `get_recent_errors`,
//! `get_tunnel_vision_stats`, and `restart_server`.

mod errors;
mod restart;
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
    let mut restart = ToolSpec::query(
        "restart_server",
        "Reloads every plugin (or rolls one back to its previous good library) and reconciles the index, right after this call and before the next one is served, keeping the client and all state.",
    );
    restart.annotations = ToolAnnotations {
        title: None,
        read_only: false,
        destructive: false,
        idempotent: false,
        open_world: false,
    };
    r.add_tool(restart, restart::restart_server);
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
