//! Hand-built worlds for the tool plugins' unit tests: facts written out as an extractor would
//! produce them, the file index, the unresolved local imports and a dependency graph built from
//! the resolved imports. Shared by `graph_tools` and `symbol_tools` (each adds its own worlds and
//! its `ctx`), the way `extract_support::testing` serves the extractors' tests.

mod receivers;

use std::collections::BTreeMap;
use std::sync::Arc;

use omnysys_api::prelude::*;

pub use receivers::receivers_world;

/// An import.
pub fn imp(
    specifier: &str,
    resolved: Option<&str>,
    names: &[&str],
    kind: ImportKind,
    line: u32,
) -> Import {
    Import {
        specifier: specifier.to_owned(),
        resolved: resolved.map(str::to_owned),
        names: names.iter().map(|n| (*n).to_owned()).collect(),
        kind,
        line,
        bindings: Vec::new(),
    }
}

/// An export.
pub fn exp(name: &str, local: Option<&str>, line: u32) -> Export {
    Export {
        name: name.to_owned(),
        local: local.map(str::to_owned),
        line,
        by_name: false,
    }
}

/// A symbol (not async).
pub fn sym(
    name: &str,
    kind: SymbolKind,
    lines: (u32, u32),
    params: &[&str],
    exported: bool,
) -> Symbol {
    Symbol {
        name: name.to_owned(),
        kind,
        start_line: lines.0,
        end_line: lines.1,
        params: params.iter().map(|p| (*p).to_owned()).collect(),
        exported,
        is_async: false,
        returns: None,
    }
}

/// A call site.
pub fn call(caller: Option<&str>, callee: &str, line: u32) -> CallSite {
    CallSite {
        caller: caller.map(str::to_owned),
        callee: callee.to_owned(),
        line,
        receiver: None,
    }
}

/// A call site whose receiver has the type `receiver` (as the extractors type one).
pub fn call_on(
    caller: Option<&str>,
    callee: &str,
    line: u32,
    receiver: Option<TypePath>,
) -> CallSite {
    CallSite {
        receiver,
        ..call(caller, callee, line)
    }
}

/// The type `base`, then `members` read from it.
pub fn type_path(base: &str, members: &[&str]) -> TypePath {
    TypePath {
        base: base.to_owned(),
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        guessed: false,
    }
}

/// Facts from their parts.
pub fn facts(
    imports: Vec<Import>,
    exports: Vec<Export>,
    symbols: Vec<Symbol>,
    calls: Vec<CallSite>,
    lines: u32,
) -> FileFacts {
    FileFacts {
        imports,
        exports,
        symbols,
        calls,
        lines,
        partial: false,
        ..FileFacts::default()
    }
}

/// Facts with only imports (each `(specifier, resolved)` a static import of `x`).
pub fn imports_only(imports: &[(&str, Option<&str>)]) -> FileFacts {
    let imports = imports
        .iter()
        .zip(1..)
        .map(|((s, r), line)| imp(s, *r, &["x"], ImportKind::Static, line))
        .collect();
    facts(imports, vec![exp("x", None, 1)], vec![], vec![], 10)
}

/// A world holding `files` (extracted by `extractor`), their index and their import graph.
pub fn world_with(extractor: &str, files: Vec<(&str, FileFacts)>) -> World {
    let mut world = World::new();
    let mut index = BTreeMap::new();
    let mut graph = DependencyGraph::default();
    let mut unresolved = UnresolvedImports::default();
    for (path, facts) in files {
        graph.set_edges(path, edges(path, &facts));
        let misses = unresolved_locals(&facts);
        if !misses.is_empty() {
            unresolved.0.insert(path.to_owned(), misses);
        }
        let entry = CacheEntry {
            facts: Arc::new(facts),
            extractor: extractor.to_owned(),
            extractor_version: "1".to_owned(),
            content_hash: 0,
        };
        index.insert(path.to_owned(), world.spawn(entry).id());
    }
    world.insert_resource(FileIndex(index));
    world.insert_resource(graph);
    world.insert_resource(unresolved);
    world.insert_resource(ProjectRoot("/nonexistent/project".into()));
    world
}

/// The unresolved imports the engine would record without manifests: relative paths and Rust
/// `crate::`/`super::`/`self::` paths that resolve to nothing.
fn unresolved_locals(facts: &FileFacts) -> Vec<(u32, String)> {
    let local = |s: &str| {
        s.starts_with('.')
            || s.starts_with("crate::")
            || s.starts_with("super")
            || s.starts_with("self::")
    };
    facts
        .imports
        .iter()
        .filter(|i| i.resolved.is_none() && local(&i.specifier))
        .map(|i| (i.line, i.specifier.clone()))
        .collect()
}

/// A world of JavaScript files.
pub fn world_of(files: Vec<(&str, FileFacts)>) -> World {
    world_with("javascript", files)
}

/// The graph edges of one file, from its resolved imports.
fn edges(path: &str, facts: &FileFacts) -> Vec<FileEdge> {
    let mut by_target: BTreeMap<String, FileEdge> = BTreeMap::new();
    for import in &facts.imports {
        let Some(to) = &import.resolved else { continue };
        let edge = by_target.entry(to.clone()).or_insert_with(|| FileEdge {
            from: path.to_owned(),
            to: to.clone(),
            names: Default::default(),
            kinds: Default::default(),
        });
        edge.names.extend(import.names.iter().cloned());
        edge.kinds.insert(import.kind);
    }
    by_target.into_values().collect()
}

/// A bare graph from `(from, to)` pairs.
pub fn graph_of(pairs: &[(&str, &str)]) -> DependencyGraph {
    let mut by_from: BTreeMap<&str, Vec<FileEdge>> = BTreeMap::new();
    for (from, to) in pairs {
        by_from.entry(from).or_default().push(FileEdge {
            from: (*from).to_owned(),
            to: (*to).to_owned(),
            names: Default::default(),
            kinds: [ImportKind::Static].into(),
        });
    }
    let mut graph = DependencyGraph::default();
    for (from, edges) in by_from {
        graph.set_edges(from, edges);
    }
    graph
}

/// `tests/fixtures/projects/js_basic`, as the JavaScript extractor sees it.
pub fn js_basic_world() -> World {
    use ImportKind::*;
    use SymbolKind::Function;
    world_of(vec![
        (
            "src/app.js",
            facts(
                vec![imp("./util", Some("src/util.js"), &["helper"], Static, 1)],
                vec![exp("createApp", None, 3)],
                vec![sym("createApp", Function, (3, 5), &[], true)],
                vec![call(Some("createApp"), "helper", 4)],
                5,
            ),
        ),
        (
            "src/config.ts",
            facts(
                vec![imp("./types", Some("src/types.ts"), &["Options"], Type, 1)],
                vec![exp("config", None, 3)],
                vec![],
                vec![],
                3,
            ),
        ),
        (
            "src/index.js",
            facts(
                vec![
                    imp("./app", Some("src/app.js"), &["createApp"], Static, 1),
                    imp(
                        "./router",
                        Some("src/router/index.js"),
                        &["default"],
                        Static,
                        2,
                    ),
                    imp("./util.js", Some("src/util.js"), &["*"], Require, 3),
                ],
                vec![exp("main", None, 5)],
                vec![sym("main", Function, (5, 7), &[], true)],
                vec![
                    call(Some("main"), "createApp", 6),
                    call(Some("main"), "router", 6),
                    call(Some("main"), "util.helper", 6),
                ],
                7,
            ),
        ),
        (
            "src/router/index.js",
            facts(
                vec![imp("../app", Some("src/app.js"), &["createApp"], Static, 1)],
                vec![exp("default", Some("router"), 3)],
                vec![sym("router", Function, (3, 5), &[], true)],
                vec![call(Some("router"), "createApp", 4)],
                5,
            ),
        ),
        (
            "src/types.ts",
            facts(vec![], vec![exp("Options", None, 1)], vec![], vec![], 3),
        ),
        (
            "src/util.js",
            facts(
                vec![],
                vec![exp("helper", None, 1)],
                vec![sym("helper", Function, (1, 3), &[], true)],
                vec![],
                3,
            ),
        ),
    ])
}

/// A tool context over `world` for the plugin named `plugin` (whose state it reads and writes).
pub fn context<'w>(world: &'w World, plugin: &str) -> ToolContext<'w> {
    ToolContext::new(world, plugin, None)
}
