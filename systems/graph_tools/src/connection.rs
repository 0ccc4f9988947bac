//! `explain_connection`: how two files are linked through imports.
//!
//! The shortest path in each direction is a breadth-first search over the forward graph,
//! visiting importees in path order (so among equally short paths the first by path order wins).
//! Shared dependencies are the files both reach through imports (transitively), other than the
//! two files themselves.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use omnysys_api::prelude::*;

use crate::project::Project;

/// Arguments of `explain_connection`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionArgs {
    /// The first file, relative to the project root.
    pub file_a: String,
    /// The second file, relative to the project root.
    pub file_b: String,
}

/// One import edge of a path.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct Hop {
    /// The importing file.
    pub from: String,
    /// The imported file.
    pub to: String,
    /// Names imported along this edge.
    pub names: Vec<String>,
    /// Kinds of import along this edge.
    pub kinds: Vec<ImportKind>,
}

/// A shortest import path.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct ImportPath {
    /// The files from start to end.
    pub files: Vec<String>,
    /// The edges between them, with the names that cross each.
    pub hops: Vec<Hop>,
}

/// Result of `explain_connection`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The first file.
    pub file_a: String,
    /// The second file.
    pub file_b: String,
    /// Whether an import path exists in either direction.
    pub connected: bool,
    /// The shortest path from A to B (A imports, …, B), or `null`.
    pub a_to_b: Option<ImportPath>,
    /// The shortest path from B to A, or `null`.
    pub b_to_a: Option<ImportPath>,
    /// Files both depend on, directly or transitively.
    pub shared_dependencies: Vec<String>,
    /// The answer in one sentence.
    pub message: String,
}

/// The `explain_connection` tool.
///
/// # Errors
///
/// Paths outside the project, unknown files, or the same file twice.
pub fn explain_connection(
    ctx: &ToolContext<'_>,
    args: ConnectionArgs,
) -> Result<Connection, ToolError> {
    let p = Project::of(ctx);
    let a = p.path(&args.file_a)?;
    let b = p.path(&args.file_b)?;
    if a == b {
        return Err(ToolError::invalid_arguments(format!(
            "fileA and fileB are the same file `{a}`"
        )));
    }
    let graph = p.graph();
    let a_to_b = shortest_path(&graph, &a, &b);
    let b_to_a = shortest_path(&graph, &b, &a);
    let shared = shared_dependencies(&graph, &a, &b);
    let message = describe(&a, &b, a_to_b.as_ref(), b_to_a.as_ref(), shared.len());
    Ok(Connection {
        connected: a_to_b.is_some() || b_to_a.is_some(),
        file_a: a,
        file_b: b,
        a_to_b,
        b_to_a,
        shared_dependencies: shared,
        message,
    })
}

/// The shortest import path `from → … → to`, if any.
pub fn shortest_path(graph: &DependencyGraph, from: &str, to: &str) -> Option<ImportPath> {
    let mut parent: BTreeMap<&str, &FileEdge> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(file) = queue.pop_front() {
        if file == to {
            return Some(rebuild(&parent, from, to));
        }
        for edge in graph.dependencies(file) {
            let next = edge.to.as_str();
            if next != from && !parent.contains_key(next) {
                parent.insert(next, edge);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The path to `to`, walked back through the BFS parents.
fn rebuild(parent: &BTreeMap<&str, &FileEdge>, from: &str, to: &str) -> ImportPath {
    let mut hops = Vec::new();
    let mut at = to;
    while at != from {
        let Some(edge) = parent.get(at) else { break };
        hops.push(Hop {
            from: edge.from.clone(),
            to: edge.to.clone(),
            names: edge.names.iter().cloned().collect(),
            kinds: edge.kinds.iter().copied().collect(),
        });
        at = edge.from.as_str();
    }
    hops.reverse();
    let mut files = vec![from.to_owned()];
    files.extend(hops.iter().map(|h| h.to.clone()));
    ImportPath { files, hops }
}

/// Every file reachable from `start` through imports (`start` itself only through a cycle).
pub fn reachable(graph: &DependencyGraph, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([start.to_owned()]);
    while let Some(file) = queue.pop_front() {
        for edge in graph.dependencies(&file) {
            if seen.insert(edge.to.clone()) {
                queue.push_back(edge.to.clone());
            }
        }
    }
    seen
}

/// Files both `a` and `b` depend on, other than `a` and `b`.
fn shared_dependencies(graph: &DependencyGraph, a: &str, b: &str) -> Vec<String> {
    let of_b = reachable(graph, b);
    reachable(graph, a)
        .into_iter()
        .filter(|f| of_b.contains(f) && f != a && f != b)
        .collect()
}

/// The one-sentence answer.
fn describe(
    a: &str,
    b: &str,
    a_to_b: Option<&ImportPath>,
    b_to_a: Option<&ImportPath>,
    shared: usize,
) -> String {
    let one = |x: &str, y: &str, p: &ImportPath| match p.hops.len() {
        1 => format!("`{x}` imports `{y}` directly"),
        n => format!("`{x}` reaches `{y}` in {n} hops"),
    };
    match (a_to_b, b_to_a) {
        (Some(p), Some(q)) => format!("{}, and {} (a cycle)", one(a, b, p), one(b, a, q)),
        (Some(p), None) => one(a, b, p),
        (None, Some(q)) => one(b, a, q),
        (None, None) => format!(
            "not connected: no import path between `{a}` and `{b}` in either direction ({shared} shared dependencies)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(world: &World, a: &str, b: &str) -> Result<Connection, ToolError> {
        let args = ConnectionArgs {
            file_a: a.into(),
            file_b: b.into(),
        };
        explain_connection(&ctx(world), args)
    }

    #[test]
    fn a_two_hop_path_lists_the_names_crossing_each_hop() {
        let w = js_basic_world();
        let c = run(&w, "src/router/index.js", "src/util.js").unwrap();
        assert!(c.connected);
        let p = c.a_to_b.unwrap();
        assert_eq!(
            p.files,
            vec!["src/router/index.js", "src/app.js", "src/util.js"]
        );
        assert_eq!(p.hops[0].names, vec!["createApp"]);
        assert_eq!(p.hops[1].names, vec!["helper"]);
        assert_eq!(p.hops[1].kinds, vec![ImportKind::Static]);
        assert!(c.b_to_a.is_none());
        assert!(c.shared_dependencies.is_empty());
        assert_eq!(
            c.message,
            "`src/router/index.js` reaches `src/util.js` in 2 hops"
        );
    }

    #[test]
    fn the_shortest_path_wins_over_a_longer_one() {
        // index → util directly, and index → app → util.
        let w = js_basic_world();
        let c = run(&w, "src/index.js", "src/util.js").unwrap();
        let p = c.a_to_b.unwrap();
        assert_eq!(p.files, vec!["src/index.js", "src/util.js"]);
        assert_eq!(p.hops[0].names, vec!["*"]);
        assert_eq!(p.hops[0].kinds, vec![ImportKind::Require]);
    }

    #[test]
    fn the_reverse_direction_and_shared_dependencies_are_reported() {
        let w = js_basic_world();
        let c = run(&w, "src/app.js", "src/router/index.js").unwrap();
        assert!(c.a_to_b.is_none());
        assert_eq!(
            c.b_to_a.unwrap().files,
            vec!["src/router/index.js", "src/app.js"]
        );
        assert_eq!(c.shared_dependencies, vec!["src/util.js"]);
    }

    #[test]
    fn unconnected_files_say_so() {
        let w = js_basic_world();
        let c = run(&w, "src/config.ts", "src/util.js").unwrap();
        assert!(!c.connected);
        assert!(c.message.starts_with("not connected"));
    }

    #[test]
    fn a_cycle_is_a_path_both_ways() {
        let w = world_of(vec![
            ("a.js", imports_only(&[("./b", Some("b.js"))])),
            ("b.js", imports_only(&[("./a", Some("a.js"))])),
        ]);
        let c = run(&w, "a.js", "b.js").unwrap();
        assert!(c.a_to_b.is_some() && c.b_to_a.is_some());
        assert!(c.message.ends_with("(a cycle)"));
    }

    #[test]
    fn bad_paths_and_the_same_file_twice_are_errors() {
        let w = js_basic_world();
        assert!(run(&w, "src/app.js", "src/app.js").is_err());
        let e = run(&w, "src/app.js", "src/utl.js").err().unwrap();
        assert_eq!(e.suggestions[0], "src/util.js");
        let e = run(&w, "/etc/passwd", "src/app.js").err().unwrap();
        assert!(e.message.contains("is outside the project"));
    }
}
