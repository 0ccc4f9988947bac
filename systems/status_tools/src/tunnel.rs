//! `get_tunnel_vision_stats`: recent edits whose direct dependents were not changed since.

use std::collections::BTreeMap;

use omnysys_api::prelude::*;
use omnysys_api::schema::RecentEdits;

use crate::status::NoArgs;

/// An edit that may have missed its dependents.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Suspect {
    /// The edited file.
    pub file: String,
    /// When it was last edited (ms since the epoch).
    pub edited_at_ms: u64,
    /// Files that import it directly and were not edited since.
    pub untouched_dependents: Vec<String>,
    /// How many files import it directly.
    pub dependents: usize,
}

/// The places an edit may have missed.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TunnelVision {
    /// Distinct files edited recently.
    pub recent_edits: usize,
    /// Edits with at least one untouched direct dependent, most recent first.
    pub suspects: Vec<Suspect>,
}

/// Compares each recent edit with later edits of its direct dependents.
pub fn get_tunnel_vision_stats(
    ctx: &ToolContext<'_>,
    _: NoArgs,
) -> Result<TunnelVision, ToolError> {
    let world = ctx.world();
    let edits = world
        .get_resource::<RecentEdits>()
        .cloned()
        .unwrap_or_default();
    let empty = DependencyGraph::default();
    let graph = world.get_resource::<DependencyGraph>().unwrap_or(&empty);
    let mut last: BTreeMap<String, u64> = BTreeMap::new();
    for (path, at) in &edits.0 {
        last.insert(path.clone(), *at);
    }
    let mut suspects: Vec<Suspect> = last
        .iter()
        .filter_map(|(file, at)| suspect(file, *at, graph, &last))
        .collect();
    suspects.sort_by(|a, b| {
        b.edited_at_ms
            .cmp(&a.edited_at_ms)
            .then(a.file.cmp(&b.file))
    });
    Ok(TunnelVision {
        recent_edits: last.len(),
        suspects,
    })
}

fn suspect(
    file: &str,
    at: u64,
    graph: &DependencyGraph,
    last: &BTreeMap<String, u64>,
) -> Option<Suspect> {
    let dependents: Vec<&str> = graph.dependents(file).collect();
    let untouched: Vec<String> = dependents
        .iter()
        .filter(|d| last.get(**d).is_none_or(|t| *t < at))
        .map(|d| (*d).to_owned())
        .collect();
    (!untouched.is_empty()).then(|| Suspect {
        file: file.to_owned(),
        edited_at_ms: at,
        untouched_dependents: untouched,
        dependents: dependents.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn an_edit_whose_importer_was_edited_afterwards_is_not_a_suspect() {
        let mut world = World::new();
        let mut graph = DependencyGraph::default();
        let edge = |from: &str, to: &str| FileEdge {
            from: from.into(),
            to: to.into(),
            names: BTreeSet::new(),
            kinds: [ImportKind::Static].into(),
        };
        graph.set_edges("a.js", vec![edge("a.js", "util.js")]);
        graph.set_edges("b.js", vec![edge("b.js", "util.js")]);
        world.insert_resource(graph);
        let mut edits = RecentEdits::default();
        edits.push("util.js", 10);
        edits.push("a.js", 20);
        world.insert_resource(edits);
        let ctx = ToolContext::new(&world, "status_tools", None);
        let got = get_tunnel_vision_stats(&ctx, NoArgs {}).unwrap();
        assert_eq!(got.recent_edits, 2);
        assert_eq!(
            got.suspects,
            vec![Suspect {
                file: "util.js".into(),
                edited_at_ms: 10,
                untouched_dependents: vec!["b.js".into()],
                dependents: 2
            }]
        );
    }
}
