//! A world of classes reached through typed receivers, for the tests of every plugin that
//! resolves calls (`symbol_tools`, `graph_tools`).

use omnysys_api::prelude::*;

use super::{call_on, exp, facts, imp, sym, type_path, world_of};

/// Classes reached through typed receivers (the type facts the JavaScript extractor gives):
///
/// ```js
/// // lib/base.js
/// 1 class Base { addDependency(d) {} }            module.exports = Base;
/// // lib/graph.js
/// 1 class Graph { getModuleId(m) {} }             module.exports = Graph;
/// // lib/compilation.js
/// 1 /** @typedef {import("./graph")} Graph */
/// 2 class Compilation { constructor() { this.chunkGraph = new Graph(); }
/// 3   /** @returns {Graph} */ getGraph() {} }    module.exports = Compilation;
/// // lib/mod.js
/// 1 /** @typedef {import("./compilation")} Compilation */
/// 2 const Base = require("./base");
/// 3 class Mod extends Base {
/// 4   /** @param {Compilation} compilation */ build(compilation, other) {
/// 5     this.addDependency(1);
/// 6     compilation.chunkGraph.getModuleId(this);
/// 7     compilation.getGraph().getModuleId(this);
/// 8     other.getModuleId(this);
/// 9 } }
/// ```
pub fn receivers_world() -> World {
    use SymbolKind::{Class, Method};
    let path = type_path;
    let alias = |name: &str, spec: &str, resolved: &str| TypeAlias {
        name: name.to_owned(),
        specifier: Some(spec.to_owned()),
        resolved: Some(resolved.to_owned()),
        line: 1,
        ..TypeAlias::default()
    };
    let class = |name: &str, bases: &[&str], fields: Vec<Field>| ClassFacts {
        name: name.to_owned(),
        bases: bases.iter().map(|b| (*b).to_owned()).collect(),
        fields,
    };
    let with = |mut f: FileFacts, types: Vec<TypeAlias>, classes: Vec<ClassFacts>| {
        f.types = types;
        f.classes = classes;
        f
    };
    let base = facts(
        vec![],
        vec![exp("default", Some("Base"), 1)],
        vec![
            sym("Base", Class, (1, 1), &[], false),
            sym("Base.addDependency", Method, (1, 1), &["d"], false),
        ],
        vec![],
        1,
    );
    let graph = facts(
        vec![],
        vec![exp("default", Some("Graph"), 1)],
        vec![
            sym("Graph", Class, (1, 1), &[], false),
            sym("Graph.getModuleId", Method, (1, 1), &["m"], false),
        ],
        vec![],
        1,
    );
    let mut get_graph = sym("Compilation.getGraph", Method, (3, 3), &[], false);
    get_graph.returns = Some(path("Graph", &[]));
    let compilation = facts(
        vec![],
        vec![exp("default", Some("Compilation"), 3)],
        vec![sym("Compilation", Class, (2, 3), &[], false), get_graph],
        vec![],
        3,
    );
    let chunk_graph = Field {
        name: "chunkGraph".to_owned(),
        ty: path("Graph", &[]),
    };
    let typed = |callee, line, receiver| call_on(Some("Mod.build"), callee, line, receiver);
    let module = facts(
        vec![imp(
            "./base",
            Some("lib/base.js"),
            &["*"],
            ImportKind::Require,
            2,
        )],
        vec![],
        vec![
            sym("Mod", Class, (3, 9), &[], false),
            sym(
                "Mod.build",
                Method,
                (4, 9),
                &["compilation", "other"],
                false,
            ),
        ],
        vec![
            typed("this.addDependency", 5, Some(path("Mod", &[]))),
            typed(
                "compilation.chunkGraph.getModuleId",
                6,
                Some(path("Compilation", &["chunkGraph"])),
            ),
            typed(
                "compilation.getGraph().getModuleId",
                7,
                Some(path("Compilation", &["getGraph()"])),
            ),
            typed("other.getModuleId", 8, None),
        ],
        9,
    );
    world_of(vec![
        ("lib/base.js", base),
        ("lib/graph.js", graph),
        (
            "lib/compilation.js",
            with(
                compilation,
                vec![alias("Graph", "./graph", "lib/graph.js")],
                vec![class("Compilation", &[], vec![chunk_graph])],
            ),
        ),
        (
            "lib/mod.js",
            with(
                module,
                vec![alias("Compilation", "./compilation", "lib/compilation.js")],
                vec![class("Mod", &["Base"], vec![])],
            ),
        ),
    ])
}
