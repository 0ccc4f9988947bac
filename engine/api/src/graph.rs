//! The file-level dependency graph, kept as a resource and rebuilt incrementally by the engine.

use std::collections::{BTreeMap, BTreeSet};

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
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyGraph {
    /// `from → (to → edge)`.
    pub forward: BTreeMap<String, BTreeMap<String, FileEdge>>,
    /// `to → set of from`.
    pub reverse: BTreeMap<String, BTreeSet<String>>,
}

impl DependencyGraph {
    /// Replaces every outgoing edge of `from` with `edges`, keeping the reverse index exact.
    pub fn set_edges(&mut self, from: &str, edges: Vec<FileEdge>) {
        self.remove_file_edges(from);
        if edges.is_empty() {
            return;
        }
        let mut out = BTreeMap::new();
        for edge in edges {
            self.reverse
                .entry(edge.to.clone())
                .or_default()
                .insert(from.to_owned());
            out.insert(edge.to.clone(), edge);
        }
        self.forward.insert(from.to_owned(), out);
    }

    /// Removes the outgoing edges of `from` (a deleted or re-extracted file).
    pub fn remove_file_edges(&mut self, from: &str) {
        let Some(old) = self.forward.remove(from) else {
            return;
        };
        for to in old.keys() {
            if let Some(importers) = self.reverse.get_mut(to) {
                importers.remove(from);
                if importers.is_empty() {
                    self.reverse.remove(to);
                }
            }
        }
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
}
