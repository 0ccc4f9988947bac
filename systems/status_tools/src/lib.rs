//! Tool plugin: `get_server_status`, what the engine is doing, in under 2 KB.

mod status;

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
}
