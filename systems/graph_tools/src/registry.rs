//! The plugin's tools, registered with their names and descriptions.

use omnysys_api::prelude::*;

use crate::impact::{ImpactArgs, ImpactMap};
use crate::{analyze, connection, diff, repo_map, risk, search, validate};

/// The function serving `get_impact_map`.
pub type ImpactTool = fn(&ToolContext<'_>, ImpactArgs) -> Result<ImpactMap, ToolError>;

/// Registers every tool of the plugin, `get_impact_map` served by `impact_map`.
pub fn register(r: &mut Registrar, impact_map: ImpactTool) {
    r.add_tool(
        ToolSpec::query(
            "get_impact_map",
            "Files that import the given file directly and transitively, its exports, and the risk of changing it.",
        ),
        impact_map,
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
