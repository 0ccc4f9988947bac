//! The unit tests' kit: the shared one, the worlds only this plugin's tests use, and a tool
//! context of this plugin.

pub use tool_support::testing::*;

use omnysys_api::prelude::*;

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
    context(world, "symbol_tools")
}

/// `import` with its local bindings `(imported name, local name, line)`.
pub fn bound(import: Import, bindings: &[(&str, &str, u32)]) -> Import {
    let bindings = bindings.iter().map(|&(name, local, line)| Binding {
        name: name.to_owned(),
        local: local.to_owned(),
        line,
    });
    Import {
        bindings: bindings.collect(),
        ..import
    }
}

/// An export written as a name (`module.exports.f = f`).
pub fn exp_by_name(name: &str, local: Option<&str>, line: u32) -> Export {
    Export {
        by_name: true,
        ..exp(name, local, line)
    }
}

/// A value reference.
pub fn value(name: &str, line: u32, caller: Option<&str>) -> ValueRef {
    ValueRef {
        name: name.to_owned(),
        line,
        caller: caller.map(str::to_owned),
        receiver: None,
    }
}

/// CommonJS files as webpack writes them, with the bindings, exports by name, value references
/// and shadows the extractor records:
///
/// ```js
/// // lib/comparators.js
/// 1 function compareIds(a, b) {}
/// 2 function compareSelect(getter, comparator) {}
/// 3 function compareRuntime(a, b) {}
/// 4 const byRuntime = compareSelect(c => c.runtime, compareRuntime);
/// 5 module.exports.compareIds = compareIds;
/// 6 module.exports.compareSelect = compareSelect;
/// 7 module.exports.compareRuntime = compareRuntime;
/// 8 function eat() { return module.exports.compareIds(1, 2); }
/// // lib/user.js
/// 1 const {
/// 2   compareIds,
/// 3   compareSelect: select
/// 4 } = require("./comparators");
/// 5 function sortBy(list) { return select(x => x, compareIds); }
/// 6 function show({ compareIds }) { return compareIds(1); }
/// // lib/memoize.js
/// 1 function memoize(fn) {}
/// 2 module.exports = memoize;
/// // lib/identifier.js
/// 1 const memoize = require("./memoize");
/// 2 module.exports.makePathsRelative = memoize(x);
/// // lib/use.js
/// 1 const { makePathsRelative } = require("./identifier");
/// 2 const cached = require("./memoize");
/// 3 makePathsRelative(cached(1));
/// ```
pub fn commonjs_world() -> World {
    use ImportKind::Require;
    use SymbolKind::Function;
    let comparators = facts(
        vec![],
        vec![
            exp_by_name("compareIds", None, 5),
            exp_by_name("compareSelect", None, 6),
            exp_by_name("compareRuntime", None, 7),
        ],
        vec![
            sym("compareIds", Function, (1, 1), &["a", "b"], true),
            sym(
                "compareSelect",
                Function,
                (2, 2),
                &["getter", "comparator"],
                true,
            ),
            sym("compareRuntime", Function, (3, 3), &["a", "b"], true),
            sym("eat", Function, (8, 8), &[], false),
        ],
        vec![
            call(None, "compareSelect", 4),
            call(Some("eat"), "module.exports.compareIds", 8),
        ],
        8,
    );
    let comparators = FileFacts {
        references: vec![value("compareRuntime", 4, None)],
        ..comparators
    };
    let user = facts(
        vec![bound(
            imp(
                "./comparators",
                Some("lib/comparators.js"),
                &["compareIds", "compareSelect"],
                Require,
                4,
            ),
            &[
                ("compareIds", "compareIds", 2),
                ("compareSelect", "select", 3),
            ],
        )],
        vec![],
        vec![
            sym("sortBy", Function, (5, 5), &["list"], false),
            sym("show", Function, (6, 6), &["{ compareIds }"], false),
        ],
        vec![
            call(Some("sortBy"), "select", 5),
            call(Some("show"), "compareIds", 6),
        ],
        6,
    );
    let user = FileFacts {
        references: vec![value("compareIds", 5, Some("sortBy"))],
        shadows: vec![Shadow {
            name: "compareIds".to_owned(),
            start_line: 6,
            end_line: 6,
        }],
        ..user
    };
    let memoize = facts(
        vec![],
        vec![exp_by_name("default", Some("memoize"), 2)],
        vec![sym("memoize", Function, (1, 1), &["fn"], true)],
        vec![],
        2,
    );
    let identifier = facts(
        vec![bound(
            imp("./memoize", Some("lib/memoize.js"), &["*"], Require, 1),
            &[("*", "memoize", 1)],
        )],
        vec![exp("makePathsRelative", None, 2)],
        vec![],
        vec![call(None, "memoize", 2)],
        2,
    );
    let user_of_identifier = facts(
        vec![
            bound(
                imp(
                    "./identifier",
                    Some("lib/identifier.js"),
                    &["makePathsRelative"],
                    Require,
                    1,
                ),
                &[("makePathsRelative", "makePathsRelative", 1)],
            ),
            bound(
                imp("./memoize", Some("lib/memoize.js"), &["*"], Require, 2),
                &[("*", "cached", 2)],
            ),
        ],
        vec![],
        vec![],
        vec![call(None, "makePathsRelative", 3), call(None, "cached", 3)],
        3,
    );
    world_of(vec![
        ("lib/comparators.js", comparators),
        ("lib/user.js", user),
        ("lib/memoize.js", memoize),
        ("lib/identifier.js", identifier),
        ("lib/use.js", user_of_identifier),
    ])
}
