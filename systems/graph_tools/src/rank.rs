//! The project's PageRank, kept by a loop system instead of recomputed by every `repo_map` call.
//!
//! [`keep_rank`] runs in the engine loop's link set once an indexing pass has settled the graph
//! ([`RunWhen::GraphSettled`]); it stores the unfocused rank of every file, with the graph
//! revision it was computed from, as plugin state — so it survives a swap of this plugin, and a
//! build without the system leaves a stored rank that `repo_map` no longer trusts once the graph
//! moves on. `repo_map` uses the stored rank only when it is current and covers exactly the
//! files it ranks; otherwise it computes the rank itself.

use std::collections::BTreeMap;

use omnysys_api::prelude::*;

use crate::repo_map::pagerank;

/// The stored rank.
#[derive(Serialize, Deserialize, Default, Debug, Clone, PartialEq)]
pub struct RankState {
    /// The dependency graph's revision the rank was computed from.
    pub graph_revision: u64,
    /// Every indexed file's rank (they sum to 1).
    pub ranks: BTreeMap<String, f64>,
}

impl Persistent for RankState {
    const KEY: &'static str = "rank";
}

/// The loop system: recomputes the rank when the graph's revision moved since the stored one.
///
/// # Errors
///
/// None today; the signature is the loop systems' (an `Err` would be recorded as a recent error).
pub fn keep_rank(ctx: &ToolContext<'_>) -> Result<(), String> {
    let world = ctx.world();
    let Some(graph) = world.get_resource::<DependencyGraph>() else {
        return Ok(());
    };
    let paths: Vec<&str> = world
        .get_resource::<FileIndex>()
        .map(|i| i.0.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let stored = ctx.state::<RankState>();
    if stored.graph_revision == graph.revision && stored.ranks.len() == paths.len() {
        return Ok(());
    }
    let ranks = pagerank(graph, &paths, &[]);
    let state = RankState {
        graph_revision: graph.revision,
        ranks: paths.iter().map(|p| (*p).to_owned()).zip(ranks).collect(),
    };
    ctx.set_state(&state);
    Ok(())
}

/// The stored rank of `paths` (sorted), if it is current for `graph` and covers exactly them.
pub fn stored_rank(
    ctx: &ToolContext<'_>,
    graph: &DependencyGraph,
    paths: &[&str],
) -> Option<Vec<f64>> {
    let stored = ctx.state::<RankState>();
    if stored.graph_revision != graph.revision || stored.ranks.len() != paths.len() {
        return None;
    }
    paths
        .iter()
        .map(|p| stored.ranks.get(*p).copied())
        .collect()
}
