//! `get_call_graph`: callers and callees of a symbol, breadth first, to a depth.
//!
//! Both directions are lists of edges `(file, caller) --line--> target`. Callees stop at
//! unresolved calls (listed, with the reason); callers stop at module-level calls (no symbol to
//! expand). Each symbol is expanded once, so cycles end.

use std::collections::{BTreeSet, VecDeque};

use omnysys_api::prelude::*;

use crate::calls::{callers_of, calls_inside};
use crate::project::{Project, cap, find_symbol};
use crate::resolve::{SymbolRef, Via};

/// Depth used when none is given.
const DEFAULT_DEPTH: u32 = 2;
/// The deepest a client may ask for.
const MAX_DEPTH: u32 = 5;

/// Arguments of `get_call_graph`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallGraphArgs {
    /// The file defining the symbol, relative to the project root.
    pub file_path: String,
    /// The function, method or class; at most 512 characters.
    #[schemars(length(max = 512))]
    pub symbol_name: String,
    /// How many calls away to go in each direction (default 2, at most 5).
    pub depth: Option<u32>,
}

/// One call: `caller` in `file` calls `callee` at `line`, which resolves to `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallEdge {
    /// Calls away from the symbol asked about (1 = direct).
    pub depth: u32,
    /// The file where the call is.
    pub file: String,
    /// 1-based line of the call.
    pub line: u32,
    /// The calling symbol, `null` at module level.
    pub caller: Option<String>,
    /// The callee as written.
    pub callee: String,
    /// The called symbol, `null` when unresolved.
    pub target: Option<SymbolRef>,
    /// The rule that resolved it, or why it is unresolved.
    pub via: Via,
}

/// Result of `get_call_graph`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallGraph {
    /// The symbol asked about.
    pub root: SymbolRef,
    /// The depth used.
    pub depth: u32,
    /// What it calls, and what those call, nearest first.
    pub callees: Vec<CallEdge>,
    /// Who calls it, and who calls those, nearest first.
    pub callers: Vec<CallEdge>,
    /// Whether either list was cut to 200 entries.
    pub truncated: bool,
}

/// The tool.
pub fn get_call_graph(ctx: &ToolContext<'_>, args: CallGraphArgs) -> Result<CallGraph, ToolError> {
    tool_support::check_name("symbolName", &args.symbol_name)?;
    let p = Project::of(ctx);
    let (file, facts) = p.file(&args.file_path)?;
    let symbol = find_symbol(facts, &file, &args.symbol_name)?;
    let depth = args.depth.unwrap_or(DEFAULT_DEPTH).clamp(1, MAX_DEPTH);
    let root = SymbolRef::new(&file, &symbol.name);
    let (callees, a) = cap(walk(p, &root, depth, callee_edges));
    let (callers, b) = cap(walk(p, &root, depth, caller_edges));
    Ok(CallGraph {
        root,
        depth,
        callees,
        callers,
        truncated: a || b,
    })
}

/// The edges of one symbol in one direction, and the symbols to expand next.
type Step = fn(Project<'_>, &SymbolRef, u32) -> Vec<(CallEdge, Option<SymbolRef>)>;

/// Breadth-first expansion from `root` to `max` levels; each symbol expanded once.
fn walk(p: Project<'_>, root: &SymbolRef, max: u32, step: Step) -> Vec<CallEdge> {
    let mut seen = BTreeSet::from([root.clone()]);
    let mut queue = VecDeque::from([(root.clone(), 1)]);
    let mut edges = Vec::new();
    while let Some((node, depth)) = queue.pop_front() {
        if p.stop().stopped() {
            break;
        }
        for (edge, next) in step(p, &node, depth) {
            edges.push(edge);
            let Some(next) = next else { continue };
            if depth < max && seen.insert(next.clone()) {
                queue.push_back((next, depth + 1));
            }
        }
        if edges.len() > crate::project::MAX_ENTRIES {
            break;
        }
    }
    edges
}

/// The calls `node` makes.
fn callee_edges(
    p: Project<'_>,
    node: &SymbolRef,
    depth: u32,
) -> Vec<(CallEdge, Option<SymbolRef>)> {
    let Some(facts) = p.facts(&node.file) else {
        return Vec::new();
    };
    calls_inside(p, &node.file, facts, &node.symbol)
        .into_iter()
        .map(|c| {
            let edge = CallEdge {
                depth,
                file: node.file.clone(),
                line: c.line,
                caller: Some(node.symbol.clone()),
                callee: c.callee,
                target: c.target.clone(),
                via: c.via,
            };
            (edge, c.target)
        })
        .collect()
}

/// The calls that resolve to `node`.
fn caller_edges(
    p: Project<'_>,
    node: &SymbolRef,
    depth: u32,
) -> Vec<(CallEdge, Option<SymbolRef>)> {
    callers_of(p, node)
        .into_iter()
        .map(|c| {
            let next = c.caller.as_deref().map(|s| SymbolRef::new(&c.file, s));
            let via = c.via;
            let edge = CallEdge {
                depth,
                file: c.file,
                line: c.line,
                caller: c.caller,
                callee: c.callee,
                target: Some(node.clone()),
                via,
            };
            (edge, next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn graph(
        world: &World,
        file: &str,
        name: &str,
        depth: Option<u32>,
    ) -> Result<CallGraph, ToolError> {
        let args = CallGraphArgs {
            file_path: file.into(),
            symbol_name: name.into(),
            depth,
        };
        get_call_graph(&ctx(world), args)
    }

    fn flat(edges: &[CallEdge]) -> Vec<(u32, String, u32, Option<String>)> {
        edges
            .iter()
            .map(|e| {
                (
                    e.depth,
                    e.file.clone(),
                    e.line,
                    e.target.as_ref().map(|t| t.symbol.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn callers_two_levels_up_from_a_leaf() {
        let w = js_basic_world();
        let g = graph(&w, "src/app.js", "createApp", None).unwrap();
        assert_eq!(g.depth, 2);
        let callers: Vec<(u32, &str, Option<&str>)> = g
            .callers
            .iter()
            .map(|e| (e.depth, e.file.as_str(), e.caller.as_deref()))
            .collect();
        assert_eq!(
            callers,
            vec![
                (1, "src/index.js", Some("main")),
                (1, "src/router/index.js", Some("router")),
                (2, "src/index.js", Some("main"))
            ]
        );
        assert_eq!(
            flat(&g.callees),
            vec![(1, "src/app.js".into(), 4, Some("helper".into()))]
        );
    }

    #[test]
    fn callees_expand_through_resolved_calls_and_stop_at_unresolved_ones() {
        let w = shapes_world();
        let g = graph(&w, "src/main.js", "run", Some(9)).unwrap();
        assert_eq!(g.depth, 5);
        let first: Vec<(&str, Via)> = g
            .callees
            .iter()
            .filter(|e| e.depth == 1)
            .map(|e| (e.callee.as_str(), e.via))
            .collect();
        assert_eq!(
            first,
            vec![
                ("makeShape", Via::NamedImport),
                ("log", Via::NamedImport),
                ("logger.log", Via::NamespaceImport),
                ("format", Via::DefaultImport),
                ("console.log", Via::Unknown),
            ]
        );
        let deeper: Vec<(u32, &str)> = g
            .callees
            .iter()
            .filter(|e| e.depth > 1)
            .map(|e| (e.depth, e.callee.as_str()))
            .collect();
        assert_eq!(
            deeper,
            vec![(2, "Shape.create"), (2, "s.describe"), (3, "Shape")]
        );
    }

    #[test]
    fn an_unknown_symbol_gets_close_matches() {
        let w = shapes_world();
        let e = graph(&w, "src/shapes.js", "makeShap", None).err().unwrap();
        assert_eq!(e.suggestions[0], "makeShape");
    }
}
