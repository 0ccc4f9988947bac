//! Unit tests of [`crate::resolve`] (the resolution now lives in `tool_support::resolve`).

use omnysys_api::prelude::*;

use crate::project::Project;
use crate::resolve::*;
use crate::testkit::*;

fn resolve(world: &World, file: &str, caller: Option<&str>, callee: &str) -> Resolution {
    let site = CallSite {
        caller: caller.map(str::to_owned),
        callee: callee.to_owned(),
        line: 1,
        receiver: None,
    };
    resolve_call(Project::new(world), file, &site)
}

fn target(
    world: &World,
    file: &str,
    caller: Option<&str>,
    callee: &str,
) -> Option<(String, String, Via)> {
    let r = resolve(world, file, caller, callee);
    r.target.map(|t| (t.file, t.symbol, r.via))
}

fn some(file: &str, symbol: &str, via: Via) -> Option<(String, String, Via)> {
    Some((file.to_owned(), symbol.to_owned(), via))
}

#[test]
fn stems_drop_directories_extensions_and_index() {
    assert_eq!(stem("./util.js"), "util");
    assert_eq!(stem("../app"), "app");
    assert_eq!(stem("./router/index.js"), "router");
    assert_eq!(stem("./router/"), "router");
    assert_eq!(stem("lodash"), "lodash");
    assert_eq!(stem("@scope/pkg"), "pkg");
}

#[test]
fn local_names_and_static_members_defined_in_the_file_resolve_locally() {
    let w = shapes_world();
    assert_eq!(
        target(&w, "src/shapes.js", Some("Shape.create"), "Shape"),
        some("src/shapes.js", "Shape", Via::Local)
    );
    assert_eq!(
        target(&w, "src/shapes.js", Some("makeShape"), "Shape.create"),
        some("src/shapes.js", "Shape.create", Via::Local)
    );
    assert_eq!(
        target(&w, "src/main.js", None, "run"),
        some("src/main.js", "run", Via::Local)
    );
}

#[test]
fn this_calls_resolve_to_methods_of_the_enclosing_class() {
    let w = shapes_world();
    assert_eq!(
        target(&w, "src/shapes.js", Some("Shape.describe"), "this.area"),
        some("src/shapes.js", "Shape.area", Via::ThisClass)
    );
    assert_eq!(
        target(&w, "src/shapes.js", Some("Shape"), "this.area"),
        some("src/shapes.js", "Shape.area", Via::ThisClass)
    );
    assert_eq!(
        resolve(&w, "src/shapes.js", Some("Shape.describe"), "this.missing").via,
        Via::Unknown
    );
    assert_eq!(
        resolve(&w, "src/shapes.js", Some("makeShape"), "this.area").via,
        Via::Unknown
    );
}

#[test]
fn named_imports_follow_named_and_star_reexports() {
    let w = shapes_world();
    assert_eq!(
        target(&w, "src/shapes.js", Some("Shape.describe"), "log"),
        some("src/log.js", "log", Via::NamedImport)
    );
    assert_eq!(
        target(&w, "src/main.js", Some("run"), "makeShape"),
        some("src/shapes.js", "makeShape", Via::NamedImport)
    );
    assert_eq!(
        target(&w, "src/main.js", Some("run"), "log"),
        some("src/log.js", "log", Via::NamedImport)
    );
}

#[test]
fn default_imports_match_the_default_exports_local_name() {
    let w = shapes_world();
    let r = resolve(&w, "src/main.js", Some("run"), "format");
    assert_eq!(r.target, Some(SymbolRef::new("src/log.js", "format")));
    assert_eq!(r.via, Via::DefaultImport);
    assert_eq!(r.import.map(|i| i.line), Some(3));
}

#[test]
fn namespace_members_prefer_the_stem_then_the_only_candidate() {
    let w = shapes_world();
    assert_eq!(
        target(&w, "src/main.js", Some("run"), "logger.log"),
        some("src/log.js", "log", Via::NamespaceImport)
    );
    let js = js_basic_world();
    assert_eq!(
        target(&js, "src/index.js", Some("main"), "util.helper"),
        some("src/util.js", "helper", Via::NamespaceImport)
    );
}

#[test]
fn globals_parameters_and_values_are_not_namespaces() {
    let w = shapes_world();
    assert_eq!(
        resolve(&w, "src/main.js", Some("run"), "console.log").via,
        Via::Unknown
    );
    assert_eq!(
        resolve(&w, "src/shapes.js", Some("makeShape"), "s.describe").via,
        Via::Unknown
    );
    assert_eq!(
        resolve(&w, "src/main.js", Some("run"), "a.b.c").via,
        Via::Unknown
    );
    assert_eq!(
        resolve(&w, "src/main.js", Some("run"), "fetch().then").via,
        Via::Unknown
    );
    assert_eq!(
        resolve(&w, "src/main.js", Some("run"), "nowhere").via,
        Via::Unknown
    );
}

#[test]
fn external_imports_are_unresolved_with_their_specifier() {
    let w = shapes_world();
    let r = resolve(&w, "src/shapes.js", Some("Shape.describe"), "lodash");
    assert_eq!((r.target, r.via), (None, Via::External));
    assert_eq!(r.import.map(|i| i.specifier), Some("lodash".to_owned()));
}

#[test]
fn two_candidates_are_ambiguous() {
    let w = ambiguous_world();
    assert_eq!(resolve(&w, "src/both.js", None, "x.go").via, Via::Ambiguous);
    assert_eq!(resolve(&w, "src/both.js", None, "go").via, Via::Ambiguous);
    assert_eq!(
        target(&w, "src/both.js", None, "a.go"),
        some("src/a.js", "go", Via::NamespaceImport)
    );
}

#[test]
fn python_dotted_modules_and_submodules_imported_by_name_resolve() {
    let w = python_world();
    assert_eq!(
        target(&w, "app.py", None, "pkg.util.helper"),
        some("pkg/util.py", "helper", Via::NamespaceImport)
    );
    assert_eq!(
        target(&w, "app.py", None, "core.run"),
        some("pkg/core.py", "run", Via::NamespaceImport)
    );
    assert_eq!(
        resolve(&w, "app.py", None, "pkg.core.run").via,
        Via::Unknown
    );
    assert_eq!(
        resolve_export(Project::new(&w), "pkg/__init__.py", "run"),
        Some(SymbolRef::new("pkg/core.py", "run"))
    );
}

/// A Rust crate: `lib.rs` declares `mod a;` and re-exports `c::Counter`.
fn rust_world() -> World {
    use ImportKind::{ReExport, Static};
    use SymbolKind::{Class, Function, Method};
    let counter = vec![
        sym("Counter", Class, (1, 1), &[], true),
        sym("Counter.new", Method, (3, 5), &[], true),
        sym("Counter.tick", Method, (6, 8), &[], true),
    ];
    let a = vec![sym("f", Function, (1, 3), &["x"], true)];
    world_of(vec![
        (
            "src/lib.rs",
            facts(
                vec![
                    imp("a", Some("src/a.rs"), &["*"], Static, 1),
                    imp("c", Some("src/c.rs"), &["Counter"], ReExport, 2),
                ],
                vec![],
                vec![],
                vec![],
                9,
            ),
        ),
        (
            "src/a.rs",
            facts(vec![], vec![exp("f", None, 1)], a, vec![], 3),
        ),
        (
            "src/c.rs",
            facts(vec![], vec![exp("Counter", None, 1)], counter, vec![], 8),
        ),
    ])
}

#[test]
fn rust_paths_resolve_like_members_and_pub_use_binds_its_names() {
    let w = rust_world();
    assert_eq!(
        target(&w, "src/lib.rs", Some("run"), "Counter::new"),
        some("src/c.rs", "Counter.new", Via::StaticMember)
    );
    assert_eq!(
        target(&w, "src/lib.rs", Some("run"), "a::f"),
        some("src/a.rs", "f", Via::NamespaceImport)
    );
    assert_eq!(
        target(&w, "src/c.rs", Some("Counter.tick"), "Self::new"),
        some("src/c.rs", "Counter.new", Via::ThisClass)
    );
    assert_eq!(
        target(&w, "src/c.rs", None, "Counter::new"),
        some("src/c.rs", "Counter.new", Via::Local)
    );
    assert_eq!(
        resolve(&w, "src/c.rs", Some("Counter.new"), "Self::default").via,
        Via::Unknown
    );
}

#[test]
fn reexport_cycles_end() {
    let w = cycle_world();
    assert_eq!(
        resolve_export(Project::new(&w), "src/p.js", "nothing"),
        None
    );
}
