//! The file-level dependency graph, kept as a resource and rebuilt incrementally by the engine.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, OnceLock};

use bevy_ecs::resource::Resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::facts::ImportKind;

/// The kind of a file-to-file edge (the strongest import between the two files).
pub type EdgeKind = ImportKind;

/// One edge `from → to`, with the names that cross it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileEdge {
    /// The importing file.
    pub from: String,
    /// The imported file.
    pub to: String,
    /// Names imported along this edge.
    pub names: BTreeSet<String>,
    /// Edge kinds present between the two files.
    pub kinds: BTreeSet<EdgeKind>,
}

/// File → file edges, forward and reverse, keyed by project-relative path.
///
/// Read `forward` and `reverse` freely; change them only through [`DependencyGraph::set_edges`]
/// and [`DependencyGraph::remove_file_edges`], which also drop the interned view that
/// [`DependencyGraph::importers_by_depth`] builds on first use after a change.
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
pub struct DependencyGraph {
    /// `from → (to → edge)`.
    pub forward: BTreeMap<String, BTreeMap<String, FileEdge>>,
    /// `to → set of from`.
    pub reverse: BTreeMap<String, BTreeSet<String>>,
    /// A fingerprint of the file→file edges (the XOR of a hash of each `from → to`): equal
    /// graphs have equal fingerprints, whatever their history, so a view derived from the graph
    /// and stored with it knows whether it is current. Kept by the edge mutators; recomputed
    /// by [`DependencyGraph::refresh_fingerprint`] after deserialising.
    #[serde(skip)]
    fingerprint: u64,
    #[serde(skip)]
    interned: OnceLock<Arc<InternedImporters>>,
}

impl PartialEq for DependencyGraph {
    fn eq(&self, other: &Self) -> bool {
        self.forward == other.forward && self.reverse == other.reverse
    }
}

impl Eq for DependencyGraph {}

/// The reverse edges with files numbered in path order, for walks that visit thousands of files.
#[derive(Debug)]
struct InternedImporters {
    /// Every file of the graph, sorted: a file's number is its index here.
    names: Vec<String>,
    /// For each file, the numbers of the files that import it.
    importers: Vec<Vec<u32>>,
}

impl InternedImporters {
    fn of(graph: &DependencyGraph) -> Self {
        let names: Vec<String> = graph
            .forward
            .keys()
            .chain(graph.reverse.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .cloned()
            .collect();
        let mut interned = InternedImporters {
            importers: vec![Vec::new(); names.len()],
            names,
        };
        for (to, froms) in &graph.reverse {
            if let Some(to) = interned.id(to) {
                let ids = froms.iter().filter_map(|f| interned.id(f)).collect();
                interned.importers[to as usize] = ids;
            }
        }
        interned
    }

    fn id(&self, path: &str) -> Option<u32> {
        self.names
            .binary_search_by(|n| n.as_str().cmp(path))
            .ok()
            .map(|i| i as u32)
    }
}

impl DependencyGraph {
    /// Files that import one of `seeds` (listed themselves at depth 1), directly or through
    /// others, each at its nearest depth, sorted by depth then path. `skip` is neither listed
    /// nor walked through; seeds that are not in the graph are ignored.
    pub fn importers_by_depth<S: AsRef<str>>(
        &self,
        seeds: impl IntoIterator<Item = S>,
        skip: &str,
    ) -> Vec<(u32, &str)> {
        let index = self
            .interned
            .get_or_init(|| Arc::new(InternedImporters::of(self)));
        let skip = index.id(skip);
        let mut depth = vec![0u32; index.names.len()];
        let mut queue: VecDeque<(u32, u32)> = seeds
            .into_iter()
            .filter_map(|s| index.id(s.as_ref()))
            .map(|id| (id, 1))
            .collect();
        while let Some((id, d)) = queue.pop_front() {
            if Some(id) == skip || depth[id as usize] != 0 {
                continue;
            }
            depth[id as usize] = d;
            queue.extend(index.importers[id as usize].iter().map(|&i| (i, d + 1)));
        }
        let mut found: Vec<(u32, u32)> = (0..depth.len() as u32)
            .filter(|&i| depth[i as usize] > 0)
            .map(|i| (depth[i as usize], i))
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .map(|(d, i)| (d, index.names[i as usize].as_str()))
            .collect()
    }

    /// Replaces every outgoing edge of `from` with `edges`, keeping the reverse index exact.
    /// Edges equal to the current ones change nothing (the interned view is kept).
    pub fn set_edges(&mut self, from: &str, edges: Vec<FileEdge>) {
        let out: BTreeMap<String, FileEdge> =
            edges.into_iter().map(|e| (e.to.clone(), e)).collect();
        let unchanged = match self.forward.get(from) {
            Some(current) => *current == out,
            None => out.is_empty(),
        };
        if unchanged {
            return;
        }
        self.remove_file_edges(from);
        self.interned = OnceLock::new();
        if out.is_empty() {
            return;
        }
        for to in out.keys() {
            self.fingerprint ^= edge_hash(from, to);
            self.reverse
                .entry(to.clone())
                .or_default()
                .insert(from.to_owned());
        }
        self.forward.insert(from.to_owned(), out);
    }

    /// Removes the outgoing edges of `from` (a deleted or re-extracted file).
    pub fn remove_file_edges(&mut self, from: &str) {
        let Some(old) = self.forward.remove(from) else {
            return;
        };
        self.interned = OnceLock::new();
        for to in old.keys() {
            self.fingerprint ^= edge_hash(from, to);
            if let Some(importers) = self.reverse.get_mut(to) {
                importers.remove(from);
                if importers.is_empty() {
                    self.reverse.remove(to);
                }
            }
        }
    }

    /// Removes every edge.
    pub fn clear(&mut self) {
        *self = DependencyGraph::default();
    }

    /// The fingerprint of the edges (see the field's docs).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Recomputes the fingerprint from the edges (after deserialising a graph).
    pub fn refresh_fingerprint(&mut self) {
        self.fingerprint = self
            .forward
            .iter()
            .flat_map(|(from, out)| out.keys().map(move |to| edge_hash(from, to)))
            .fold(0, |acc, h| acc ^ h);
    }

    /// Files that import `path` directly.
    pub fn dependents(&self, path: &str) -> impl Iterator<Item = &str> {
        self.reverse
            .get(path)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Files `path` imports directly.
    pub fn dependencies(&self, path: &str) -> impl Iterator<Item = &FileEdge> {
        self.forward.get(path).into_iter().flat_map(|m| m.values())
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.forward.values().map(BTreeMap::len).sum()
    }
}

/// The hash of one edge in the graph's fingerprint.
fn edge_hash(from: &str, to: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(&(from, to), &mut h);
    std::hash::Hasher::finish(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: &str, to: &str) -> FileEdge {
        FileEdge {
            from: from.into(),
            to: to.into(),
            names: BTreeSet::new(),
            kinds: [ImportKind::Static].into(),
        }
    }

    #[test]
    fn equal_graphs_have_equal_fingerprints_whatever_their_history() {
        let mut a = DependencyGraph::default();
        a.set_edges("a.js", vec![edge("a.js", "b.js"), edge("a.js", "c.js")]);
        a.set_edges("d.js", vec![edge("d.js", "b.js")]);
        let mut b = DependencyGraph::default();
        b.set_edges("d.js", vec![edge("d.js", "b.js"), edge("d.js", "x.js")]);
        b.set_edges("a.js", vec![edge("a.js", "c.js")]);
        assert_ne!(a.fingerprint(), b.fingerprint());
        b.set_edges("a.js", vec![edge("a.js", "c.js"), edge("a.js", "b.js")]);
        b.set_edges("d.js", vec![edge("d.js", "b.js")]);
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut restored: DependencyGraph =
            serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
        assert_eq!(restored.fingerprint(), 0, "not serialised");
        restored.refresh_fingerprint();
        assert_eq!(restored.fingerprint(), a.fingerprint());
        a.clear();
        assert_eq!(a.fingerprint(), 0);
    }

    #[test]
    fn replacing_edges_keeps_the_reverse_index_exact() {
        let mut g = DependencyGraph::default();
        g.set_edges("a.js", vec![edge("a.js", "b.js"), edge("a.js", "c.js")]);
        g.set_edges("d.js", vec![edge("d.js", "b.js")]);
        g.set_edges("a.js", vec![edge("a.js", "c.js")]);
        assert_eq!(g.dependents("b.js").collect::<Vec<_>>(), vec!["d.js"]);
        assert_eq!(g.dependents("c.js").collect::<Vec<_>>(), vec!["a.js"]);
        g.remove_file_edges("d.js");
        assert!(!g.reverse.contains_key("b.js"));
        assert_eq!(g.edge_count(), 1);
    }

    #[test]
    fn importers_by_depth_walks_chains_and_cycles_and_follows_changes() {
        let mut g = DependencyGraph::default();
        g.set_edges("b.js", vec![edge("b.js", "a.js")]);
        g.set_edges("c.js", vec![edge("c.js", "b.js"), edge("c.js", "a.js")]);
        g.set_edges("d.js", vec![edge("d.js", "c.js")]);
        g.set_edges("a.js", vec![edge("a.js", "d.js")]);
        let direct: Vec<&str> = g.dependents("a.js").collect();
        let by_depth = g.importers_by_depth(direct, "a.js");
        assert_eq!(by_depth, vec![(1, "b.js"), (1, "c.js"), (2, "d.js")]);
        g.remove_file_edges("d.js");
        assert_eq!(
            g.importers_by_depth(["b.js", "c.js"], "a.js"),
            vec![(1, "b.js"), (1, "c.js")]
        );
        assert_eq!(g.importers_by_depth(["nowhere.js"], "a.js"), vec![]);
    }
}
