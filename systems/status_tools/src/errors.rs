//! `get_recent_errors`: extraction failures, unresolved imports, reload, config, watcher,
//! snapshot, plugin loop-system and build errors.

use omnysys_api::prelude::*;
use omnysys_api::schema::{ErrorRecord, RecentErrors};

use crate::status::NoArgs;

/// An import whose local-looking specifier resolved to no project file.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct UnresolvedImport {
    /// The importing file.
    pub file: String,
    /// The specifier as written.
    pub specifier: String,
    /// 1-based line.
    pub line: u32,
}

/// Recent errors by kind, newest last.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecentErrorsReport {
    /// Files that could not be analysed (binary, too large, unreadable, extractor failure).
    pub extraction: Vec<ErrorRecord>,
    /// Local imports that resolve to no file (at most 100).
    pub unresolved_imports: Vec<UnresolvedImport>,
    /// Refused or aborted reloads.
    pub reload: Vec<ErrorRecord>,
    /// Rejected tool-set edits.
    pub config: Vec<ErrorRecord>,
    /// Watcher problems.
    pub watcher: Vec<ErrorRecord>,
    /// Snapshots that could not be read, restored whole, or written.
    pub snapshot: Vec<ErrorRecord>,
    /// Plugin loop systems that failed (an `Err` or a contained panic).
    pub plugin_system: Vec<ErrorRecord>,
    /// The project root itself (deleted while served).
    pub project: Vec<ErrorRecord>,
    /// Failed builds on save: the first compiler errors with file:line:column.
    pub build: Vec<ErrorRecord>,
}

/// Collects the recent errors and scans the facts for unresolved local imports.
pub fn get_recent_errors(
    ctx: &ToolContext<'_>,
    _: NoArgs,
) -> Result<RecentErrorsReport, ToolError> {
    let world = ctx.world();
    let recent = world
        .get_resource::<RecentErrors>()
        .cloned()
        .unwrap_or_default();
    let of = |kind: &str| {
        recent
            .0
            .iter()
            .filter(|r| r.kind == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    Ok(RecentErrorsReport {
        extraction: of("extraction"),
        unresolved_imports: unresolved_imports(world, 100),
        reload: of("reload"),
        config: of("config"),
        watcher: of("watcher"),
        snapshot: of("snapshot"),
        plugin_system: of("plugin-system"),
        project: of("project"),
        build: of("build"),
    })
}

fn unresolved_imports(world: &World, limit: usize) -> Vec<UnresolvedImport> {
    let Some(index) = world.get_resource::<FileIndex>() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (path, entity) in &index.0 {
        let Some(entry) = world.get::<CacheEntry>(*entity) else {
            continue;
        };
        let unresolved = world.get_resource::<UnresolvedImports>();
        for import in entry.facts.imports.iter().filter(|i| {
            i.resolved.is_none()
                && unresolved.is_some_and(|u| u.contains(path, i.line, &i.specifier))
        }) {
            found.push(UnresolvedImport {
                file: path.clone(),
                specifier: import.specifier.clone(),
                line: import.line,
            });
            if found.len() == limit {
                return found;
            }
        }
    }
    found
}
