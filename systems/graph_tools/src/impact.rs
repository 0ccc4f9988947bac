//! `get_impact_map`: who is affected when a file changes.

use omnysys_api::paths::known_file;
use omnysys_api::prelude::*;

use crate::project::{MAX_ENTRIES, PageRequest, paginate};

/// Arguments of `get_impact_map`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImpactArgs {
    /// The file, relative to the project root.
    pub file_path: String,
    /// The `nextCursor` of the previous page, to continue `transitiveDependents`.
    pub cursor: Option<String>,
    /// The most transitive dependents per page (1 to 200, default 200).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

/// A file affected transitively, with its distance from the changed file.
#[derive(Serialize, JsonSchema)]
pub struct Affected {
    /// Project-relative path.
    pub path: String,
    /// 1 for direct importers, 2 for their importers, and so on.
    pub depth: u32,
}

/// Result of `get_impact_map`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImpactMap {
    /// The file asked about.
    pub file_path: String,
    /// Files that import it directly.
    pub direct_dependents: Vec<String>,
    /// This page of the files that import it, directly or through others, nearest first.
    pub transitive_dependents: Vec<Affected>,
    /// The cursor of the next page of `transitiveDependents`; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Names the file exports.
    pub exports: Vec<String>,
    /// Number of affected files.
    pub total_affected: usize,
    /// `low`, `medium`, `high` or `critical`.
    pub risk_level: String,
    /// Why that risk level.
    pub reasons: Vec<String>,
}

pub fn get_impact_map(ctx: &ToolContext<'_>, args: ImpactArgs) -> Result<ImpactMap, ToolError> {
    let world = ctx.world();
    let path = known_file(world, &args.file_path)?;
    let empty = DependencyGraph::default();
    let graph = world.get_resource::<DependencyGraph>().unwrap_or(&empty);
    // Borrowed from the graph until the page is known: only that page is copied.
    let transitive = graph.importers_by_depth(graph.dependents(&path), &path);
    let mut direct: Vec<String> = graph.dependents(&path).map(str::to_owned).collect();
    direct.sort();
    let max_depth = transitive.last().map_or(0, |(depth, _)| *depth);
    let total_affected = transitive.len();
    let (risk_level, reasons) = risk(direct.len(), total_affected, max_depth);
    let request = PageRequest::new(args.cursor.as_deref(), args.limit);
    let page = paginate(
        transitive,
        request,
        &format!("get_impact_map {path}"),
        MAX_ENTRIES,
    )?;
    let affected = page.items.into_iter().map(|(depth, file)| Affected {
        path: file.to_owned(),
        depth,
    });
    Ok(ImpactMap {
        exports: exports_of(world, &path),
        total_affected,
        file_path: path,
        direct_dependents: direct,
        transitive_dependents: affected.collect(),
        next_cursor: page.next_cursor,
        risk_level,
        reasons,
    })
}

fn exports_of(world: &World, path: &str) -> Vec<String> {
    let entity = world
        .get_resource::<FileIndex>()
        .and_then(|i| i.0.get(path).copied());
    let entry = entity.and_then(|e| world.get::<CacheEntry>(e));
    entry
        .map(|e| e.facts.exports.iter().map(|x| x.name.clone()).collect())
        .unwrap_or_default()
}

fn risk(direct: usize, total: usize, max_depth: u32) -> (String, Vec<String>) {
    let mut reasons = vec![format!(
        "{direct} direct and {total} transitive dependents, up to depth {max_depth}"
    )];
    let level = match (direct, total) {
        (_, t) if t >= 50 => "critical",
        (d, t) if d >= 10 || t >= 20 => "high",
        (d, t) if d >= 3 || t >= 5 => "medium",
        _ => "low",
    };
    if total == 0 {
        reasons.push("nothing imports this file".to_owned());
    }
    (level.to_owned(), reasons)
}
