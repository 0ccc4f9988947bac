//! Unit tests of [`crate::calls`] (the resolution now lives in `tool_support::resolve`).

use omnysys_api::prelude::*;

use crate::calls::*;
use crate::project::Project;
use crate::resolve::{Confidence, SymbolRef, Via};
use crate::testkit::*;

fn incoming(file: &str, line: u32, caller: Option<&str>, callee: &str) -> IncomingCall {
    let via = if callee.contains('.') {
        Via::NamespaceImport
    } else {
        Via::NamedImport
    };
    IncomingCall {
        file: file.into(),
        line,
        caller: caller.map(str::to_owned),
        callee: callee.into(),
        via,
        confidence: Confidence::Exact,
    }
}

#[test]
fn files_reaching_through_a_barrel_can_call() {
    let w = shapes_world();
    let files = files_that_can_call(Project::new(&w), "src/log.js");
    let want = ["src/index.js", "src/log.js", "src/main.js", "src/shapes.js"];
    assert_eq!(files.iter().map(String::as_str).collect::<Vec<_>>(), want);
}

#[test]
fn python_callers_are_found_through_a_module_that_imports_the_name_in_turn() {
    // a.py defines f; b.py imports it (so `b.f` is f); c.py imports f from b and calls it.
    let a = facts(
        vec![],
        vec![exp("f", None, 1)],
        vec![sym("f", SymbolKind::Function, (1, 2), &[], true)],
        vec![],
        2,
    );
    let b = facts(
        vec![imp("a", Some("a.py"), &["f"], ImportKind::Static, 1)],
        vec![],
        vec![],
        vec![],
        1,
    );
    let c = facts(
        vec![imp("b", Some("b.py"), &["f"], ImportKind::Static, 1)],
        vec![],
        vec![sym("main", SymbolKind::Function, (3, 4), &[], true)],
        vec![call(Some("main"), "f", 4)],
        4,
    );
    let w = world_of(vec![("a.py", a), ("b.py", b), ("c.py", c)]);
    let got = callers_of(Project::new(&w), &SymbolRef::new("a.py", "f"));
    assert_eq!(got, vec![incoming("c.py", 4, Some("main"), "f")]);
}

#[test]
fn python_callers_are_found_through_a_submodule_imported_by_name() {
    let w = python_world();
    let got = callers_of(Project::new(&w), &SymbolRef::new("pkg/core.py", "run"));
    assert_eq!(got, vec![incoming("app.py", 5, None, "core.run")]);
}

#[test]
fn callers_are_found_through_names_namespaces_and_barrels() {
    let w = shapes_world();
    let got = callers_of(Project::new(&w), &SymbolRef::new("src/log.js", "log"));
    assert_eq!(
        got,
        vec![
            incoming("src/main.js", 4, Some("run"), "log"),
            incoming("src/main.js", 4, Some("run"), "logger.log"),
            incoming("src/shapes.js", 6, Some("Shape.describe"), "log"),
        ]
    );
}

#[test]
fn calls_inside_a_function_are_resolved_or_marked() {
    let w = js_basic_world();
    let p = Project::new(&w);
    let calls = calls_inside(p, "src/index.js", p.facts("src/index.js").unwrap(), "main");
    let got: Vec<(&str, Option<&str>, Via)> = calls
        .iter()
        .map(|c| {
            (
                c.callee.as_str(),
                c.target.as_ref().map(|t| t.file.as_str()),
                c.via,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("createApp", Some("src/app.js"), Via::NamedImport),
            ("router", Some("src/router/index.js"), Via::DefaultImport),
            ("util.helper", Some("src/util.js"), Via::NamespaceImport),
        ]
    );
}
