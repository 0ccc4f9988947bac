//! Hand-built worlds for the unit tests: facts written out as the JavaScript extractor would
//! produce them, the file index, and a dependency graph built from the resolved imports.

use std::collections::BTreeMap;
use std::sync::Arc;

use omnysys_api::prelude::*;

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
    }
}

/// An export.
pub fn exp(name: &str, local: Option<&str>, line: u32) -> Export {
    Export {
        name: name.to_owned(),
        local: local.map(str::to_owned),
        line,
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
    }
}

/// A call site.
pub fn call(caller: Option<&str>, callee: &str, line: u32) -> CallSite {
    CallSite {
        caller: caller.map(str::to_owned),
        callee: callee.to_owned(),
        line,
    }
}

/// A world holding `files`, their index and their import graph.
pub fn world_of(files: Vec<(&str, FileFacts)>) -> World {
    let mut world = World::new();
    let mut index = BTreeMap::new();
    let mut graph = DependencyGraph::default();
    for (path, facts) in files {
        graph.set_edges(path, edges(path, &facts));
        let entry = CacheEntry {
            facts: Arc::new(facts),
            extractor: "javascript".to_owned(),
            extractor_version: "1".to_owned(),
            content_hash: 0,
        };
        index.insert(path.to_owned(), world.spawn(entry).id());
    }
    world.insert_resource(FileIndex(index));
    world.insert_resource(graph);
    world.insert_resource(ProjectRoot("/nonexistent/project".into()));
    world
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
    }
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

/// A class with methods, a barrel file with named and `*` re-exports, default, namespace and
/// external imports:
///
/// ```js
/// // src/log.js
/// 1 export function log(msg) {
/// 3 }
/// 5 export default function format(x) {
/// 7 }
/// // src/shapes.js
/// 1 import { log } from './log';
/// 2 import lodash from 'lodash';
/// 3 export class Shape {
/// 4   constructor(name) { this.name = name; }
/// 5   area() { return 0; }
/// 6   describe(prefix, suffix) { log(this.area()); return lodash(prefix, suffix); }
/// 7   static create(name) { return new Shape(name); }
/// 8 }
/// 9 export function makeShape(name, size = 1) { const s = Shape.create(name); s.describe('a', 'b'); return s; }
/// // src/index.js
/// 1 export { makeShape } from './shapes';
/// 2 export * from './log';
/// // src/main.js
/// 1 import { makeShape, log } from './index';
/// 2 import * as logger from './log';
/// 3 import format from './log';
/// 4 async function run() { makeShape('sq'); log('x'); logger.log('y'); format(1); console.log(2); }
/// 5 run();
/// ```
pub fn shapes_world() -> World {
    use ImportKind::*;
    use SymbolKind::*;
    let mut run = sym("run", Function, (4, 4), &[], false);
    run.is_async = true;
    world_of(vec![
        (
            "src/log.js",
            facts(
                vec![],
                vec![exp("log", None, 1), exp("default", Some("format"), 5)],
                vec![
                    sym("log", Function, (1, 3), &["msg"], true),
                    sym("format", Function, (5, 7), &["x"], true),
                ],
                vec![],
                7,
            ),
        ),
        (
            "src/shapes.js",
            facts(
                vec![
                    imp("./log", Some("src/log.js"), &["log"], Static, 1),
                    imp("lodash", None, &["default"], Static, 2),
                ],
                vec![exp("Shape", None, 3), exp("makeShape", None, 9)],
                vec![
                    sym("Shape", Class, (3, 8), &[], true),
                    sym("Shape.constructor", Method, (4, 4), &["name"], false),
                    sym("Shape.area", Method, (5, 5), &[], false),
                    sym(
                        "Shape.describe",
                        Method,
                        (6, 6),
                        &["prefix", "suffix"],
                        false,
                    ),
                    sym("Shape.create", Method, (7, 7), &["name"], false),
                    sym("makeShape", Function, (9, 9), &["name", "size"], true),
                ],
                vec![
                    call(Some("Shape.describe"), "log", 6),
                    call(Some("Shape.describe"), "this.area", 6),
                    call(Some("Shape.describe"), "lodash", 6),
                    call(Some("Shape.create"), "Shape", 7),
                    call(Some("makeShape"), "Shape.create", 9),
                    call(Some("makeShape"), "s.describe", 9),
                ],
                9,
            ),
        ),
        (
            "src/index.js",
            facts(
                vec![
                    imp(
                        "./shapes",
                        Some("src/shapes.js"),
                        &["makeShape"],
                        ReExport,
                        1,
                    ),
                    imp("./log", Some("src/log.js"), &["*"], ReExport, 2),
                ],
                vec![exp("makeShape", None, 1)],
                vec![],
                vec![],
                2,
            ),
        ),
        (
            "src/main.js",
            facts(
                vec![
                    imp(
                        "./index",
                        Some("src/index.js"),
                        &["makeShape", "log"],
                        Static,
                        1,
                    ),
                    imp("./log", Some("src/log.js"), &["*"], Static, 2),
                    imp("./log", Some("src/log.js"), &["default"], Static, 3),
                ],
                vec![],
                vec![run],
                vec![
                    call(Some("run"), "makeShape", 4),
                    call(Some("run"), "log", 4),
                    call(Some("run"), "logger.log", 4),
                    call(Some("run"), "format", 4),
                    call(Some("run"), "console.log", 4),
                    call(None, "run", 5),
                ],
                5,
            ),
        ),
    ])
}

/// Two modules exporting `go`, both imported whole and by name into `src/both.js`.
pub fn ambiguous_world() -> World {
    use ImportKind::*;
    let go = |line| {
        facts(
            vec![],
            vec![exp("go", None, line)],
            vec![sym("go", SymbolKind::Function, (line, line), &[], true)],
            vec![],
            line,
        )
    };
    world_of(vec![
        ("src/a.js", go(1)),
        ("src/b.js", go(2)),
        (
            "src/both.js",
            facts(
                vec![
                    imp("./a", Some("src/a.js"), &["*"], Require, 1),
                    imp("./b", Some("src/b.js"), &["*"], Require, 2),
                    imp("./a", Some("src/a.js"), &["go"], Static, 3),
                    imp("./b", Some("src/b.js"), &["go"], Static, 4),
                ],
                vec![],
                vec![],
                vec![
                    call(None, "x.go", 5),
                    call(None, "go", 6),
                    call(None, "a.go", 7),
                ],
                7,
            ),
        ),
    ])
}

/// Two files re-exporting each other with `export *`.
pub fn cycle_world() -> World {
    use ImportKind::ReExport;
    world_of(vec![
        (
            "src/p.js",
            facts(
                vec![imp("./q", Some("src/q.js"), &["*"], ReExport, 1)],
                vec![],
                vec![],
                vec![],
                1,
            ),
        ),
        (
            "src/q.js",
            facts(
                vec![imp("./p", Some("src/p.js"), &["*"], ReExport, 1)],
                vec![],
                vec![],
                vec![],
                1,
            ),
        ),
    ])
}

/// A Python package: `app.py` imports `pkg.util` whole and the submodule `core` by name.
pub fn python_world() -> World {
    use ImportKind::Static;
    use SymbolKind::Function;
    let module = |name: &str| {
        let symbols = vec![sym(name, Function, (1, 2), &[], true)];
        facts(vec![], vec![exp(name, None, 1)], symbols, vec![], 2)
    };
    world_of(vec![
        (
            "pkg/__init__.py",
            facts(
                vec![imp(".core", Some("pkg/core.py"), &["run"], Static, 1)],
                vec![exp("run", None, 3)],
                vec![],
                vec![],
                3,
            ),
        ),
        ("pkg/util.py", module("helper")),
        ("pkg/core.py", module("run")),
        (
            "app.py",
            facts(
                vec![
                    imp("pkg.util", Some("pkg/util.py"), &["*"], Static, 1),
                    imp("pkg", Some("pkg/__init__.py"), &["core"], Static, 2),
                ],
                vec![],
                vec![],
                vec![call(None, "pkg.util.helper", 4), call(None, "core.run", 5)],
                5,
            ),
        ),
    ])
}

/// A tool context over `world`.
pub fn ctx(world: &World) -> ToolContext<'_> {
    ToolContext::new(world, "symbol_tools", None)
}
