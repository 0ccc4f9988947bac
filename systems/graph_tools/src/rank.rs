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
    /// Every indexed file's rank, in units of [`RANK_UNIT`] (whole numbers survive the JSON
    /// of plugin state and snapshots exactly; floats would come back a bit off, and a warm
    /// start would not digest like a cold one).
    pub ranks: BTreeMap<String, u64>,
}

/// The unit ranks are stored in: ranks sum to 1, and nothing reads them finer than 1e-6.
pub const RANK_UNIT: f64 = 1e-12;

/// A rank as it is stored (and as `repo_map` uses it, stored or computed).
pub fn quantize(rank: f64) -> u64 {
    (rank / RANK_UNIT).round() as u64
}

/// A stored rank as a fraction.
pub fn dequantize(units: u64) -> f64 {
    units as f64 * RANK_UNIT
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
        ranks: paths
            .iter()
            .map(|p| (*p).to_owned())
            .zip(ranks.into_iter().map(quantize))
            .collect(),
    };
    ctx.set_state(&state);
    Ok(())
}

/// The stored rank of `paths` (sorted, in [`RANK_UNIT`]s), if it is current for `graph` and
/// covers exactly them.
pub fn stored_rank(
    ctx: &ToolContext<'_>,
    graph: &DependencyGraph,
    paths: &[&str],
) -> Option<Vec<u64>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    /// `a → c`, `b → c`.
    fn vee() -> World {
        world_of(vec![
            ("a.js", imports_only(&[("./c", Some("c.js"))])),
            ("b.js", imports_only(&[("./c", Some("c.js"))])),
            ("c.js", imports_only(&[])),
        ])
    }

    /// Runs the loop system and applies its state writes, as the engine does.
    fn keep(world: &mut World) {
        let context = ctx(world);
        keep_rank(&context).unwrap();
        let effects = context.finish();
        world
            .get_resource_or_init::<PluginStates>()
            .0
            .extend(effects.writes);
    }

    #[test]
    fn the_kept_rank_survives_json_exactly_and_is_read_only_while_the_graph_is_the_same() {
        let mut world = vee();
        keep(&mut world);
        let json = omnysys_api::serde_json::to_string(world.resource::<PluginStates>()).unwrap();
        let back: PluginStates = omnysys_api::serde_json::from_str(&json).unwrap();
        assert_eq!(
            &back,
            world.resource::<PluginStates>(),
            "exact through JSON"
        );
        let graph = world.resource::<DependencyGraph>().clone();
        let paths = ["a.js", "b.js", "c.js"];
        let stored = stored_rank(&ctx(&world), &graph, &paths).expect("current");
        let computed: Vec<u64> = pagerank(&graph, &paths, &[])
            .into_iter()
            .map(quantize)
            .collect();
        assert_eq!(stored, computed);
        assert!(stored[2] > stored[0], "the imported file ranks higher");
        let mut moved = graph.clone();
        moved.remove_file_edges("b.js");
        assert_eq!(stored_rank(&ctx(&world), &moved, &paths), None);
        assert_eq!(stored_rank(&ctx(&world), &graph, &paths[..2]), None);
    }
}
