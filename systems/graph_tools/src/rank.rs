//! The project's PageRank, kept by a loop system instead of recomputed by every `repo_map` call.
//!
//! [`keep_rank`] runs in the engine loop's link set once an indexing pass has settled the graph
//! ([`RunWhen::GraphSettled`]); it stores the unfocused rank of every file, with the fingerprint
//! of the graph it was computed from, as plugin state — so it survives a swap of this plugin, and a
//! build without the system leaves a stored rank that `repo_map` no longer trusts once the graph
//! changes. `repo_map` uses the stored rank only when it is current and covers exactly the
//! files it ranks; otherwise it computes the rank itself.

use std::collections::BTreeMap;

use omnysys_api::prelude::*;

/// The damping factor: the probability of following an import rather than restarting.
const DAMPING: f64 = 0.85;
/// The most power iterations.
const ITERATIONS: usize = 100;

/// The stored rank.
#[derive(Serialize, Deserialize, Default, Debug, Clone, PartialEq)]
pub struct RankState {
    /// The fingerprint of the dependency graph the rank was computed from.
    pub graph_fingerprint: u64,
    /// Every indexed file's rank (they sum to 1).
    pub ranks: BTreeMap<String, f64>,
}

impl Persistent for RankState {
    const KEY: &'static str = "rank";
}

/// The loop system: recomputes the rank when the graph is not the one the stored rank was
/// computed from.
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
    if stored.graph_fingerprint == graph.fingerprint() && stored.ranks.len() == paths.len() {
        return Ok(());
    }
    let ranks = pagerank(graph, &paths, &[]);
    let state = RankState {
        graph_fingerprint: graph.fingerprint(),
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
    if stored.graph_fingerprint != graph.fingerprint() || stored.ranks.len() != paths.len() {
        return None;
    }
    paths
        .iter()
        .map(|p| stored.ranks.get(*p).copied())
        .collect()
}

/// PageRank of `paths` over the import graph, restarting on `focus` (or everywhere).
pub fn pagerank(graph: &DependencyGraph, paths: &[&str], focus: &[String]) -> Vec<f64> {
    let n = paths.len();
    if n == 0 {
        return Vec::new();
    }
    let id = |p: &str| paths.binary_search(&p).ok();
    let out: Vec<Vec<usize>> = paths
        .iter()
        .map(|p| graph.dependencies(p).filter_map(|e| id(&e.to)).collect())
        .collect();
    let restart = restart_vector(paths, focus);
    let mut rank = restart.clone();
    for _ in 0..ITERATIONS {
        let next = step(&out, &rank, &restart);
        let change: f64 = next.iter().zip(&rank).map(|(a, b)| (a - b).abs()).sum();
        rank = next;
        if change < 1e-12 {
            break;
        }
    }
    rank
}

/// The restart distribution: uniform over the focus files found, else over every file.
fn restart_vector(paths: &[&str], focus: &[String]) -> Vec<f64> {
    let hits: Vec<bool> = paths.iter().map(|p| focus.iter().any(|f| f == p)).collect();
    let count = hits.iter().filter(|h| **h).count();
    if count == 0 {
        return vec![1.0 / paths.len() as f64; paths.len()];
    }
    hits.iter()
        .map(|h| if *h { 1.0 / count as f64 } else { 0.0 })
        .collect()
}

/// One power iteration.
fn step(out: &[Vec<usize>], rank: &[f64], restart: &[f64]) -> Vec<f64> {
    let mut next = vec![0.0; rank.len()];
    let mut dangling = 0.0;
    for (u, targets) in out.iter().enumerate() {
        if targets.is_empty() {
            dangling += rank[u];
        } else {
            let share = rank[u] / targets.len() as f64;
            for &v in targets {
                next[v] += DAMPING * share;
            }
        }
    }
    let restart_mass = (1.0 - DAMPING) + DAMPING * dangling;
    for (v, r) in next.iter_mut().enumerate() {
        *r += restart_mass * restart[v];
    }
    next
}
