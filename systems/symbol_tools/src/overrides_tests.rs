//! Overrides reported as such ([`crate::overrides`]) and opt-in name-only matches
//! ([`crate::name_only`]), through `find_references` and `get_function_details`.
//!
//! ```js
//! // lib/a.js
//! 1 class A { m() {} }                      module.exports = A;
//! // lib/b.js
//! 1 const A = require("./a");
//! 2 class B extends A { n() {} }            module.exports = B;
//! // lib/c.js
//! 1 const B = require("./b");
//! 2 class C extends B {
//! 3   m() {} }                              module.exports = C;
//! // lib/d.js
//! 1 const C = require("./c");
//! 2 class D extends C { m() {} }            module.exports = D;
//! // lib/cycle.js
//! 1 class P extends Q { m() {} }
//! 2 class Q extends P { m() {} }
//! // lib/use.js
//! 1 const C = require("./c");
//! 2 /** @param {C} c */ function run(c, x, a) {
//! 3   c.m();        // C's own m, the override
//! 4   x.m();        // x's type unknown: a name match
//! 5   this.m();     // own class known: never a name match
//! 6   c.n(); }      // inherited from B
//! ```

use omnysys_api::prelude::*;

use crate::details::{DetailsArgs, FunctionDetails, get_function_details};
use crate::overrides::MethodDefinition;
use crate::python_receiver_tests::class_module;
use crate::references::{References, ReferencesArgs, find_references};
use crate::resolve::Confidence;
use crate::testkit::{bound, call_on, ctx, exp, facts, imp, sym, type_path, world_of, world_with};

/// A type path naming `base`.
fn path(base: &str) -> TypePath {
    type_path(base, &[])
}

/// Class facts: `name` with `bases`.
fn class(name: &str, bases: &[&str]) -> ClassFacts {
    ClassFacts {
        name: name.to_owned(),
        bases: bases.iter().map(|b| (*b).to_owned()).collect(),
        fields: Vec::new(),
    }
}

/// A file defining `classes` (`(name, bases, methods, line)`), each on one line, requiring
/// `requires` (`(specifier, file, line)`) and exporting the first class by default.
fn class_file(
    requires: &[(&str, &str, u32)],
    classes: &[(&str, &[&str], &[&str], u32)],
) -> FileFacts {
    let imports = requires
        .iter()
        .map(|(s, f, line)| imp(s, Some(f), &["*"], ImportKind::Require, *line))
        .collect();
    let mut symbols = Vec::new();
    for (name, _, methods, line) in classes {
        symbols.push(sym(name, SymbolKind::Class, (*line, *line), &[], false));
        for m in *methods {
            let method = format!("{name}.{m}");
            symbols.push(sym(&method, SymbolKind::Method, (*line, *line), &[], false));
        }
    }
    let exports = vec![exp("default", Some(classes[0].0), classes[0].3)];
    let mut f = facts(imports, exports, symbols, vec![], 3);
    f.classes = classes.iter().map(|(n, b, _, _)| class(n, b)).collect();
    f
}

/// The JavaScript world of the module docs.
fn js_world() -> World {
    let in_run = |callee, line, receiver| call_on(Some("run"), callee, line, receiver);
    let uses = facts(
        vec![imp("./c", Some("lib/c.js"), &["*"], ImportKind::Require, 1)],
        vec![],
        vec![sym("run", SymbolKind::Function, (2, 6), &["c", "x"], false)],
        vec![
            in_run("c.m", 3, Some(path("C"))),
            in_run("x.m", 4, None),
            in_run("this.m", 5, None),
            in_run("c.n", 6, Some(path("C"))),
        ],
        6,
    );
    world_of(vec![
        ("lib/a.js", class_file(&[], &[("A", &[], &["m"], 1)])),
        (
            "lib/b.js",
            class_file(&[("./a", "lib/a.js", 1)], &[("B", &["A"], &["n"], 2)]),
        ),
        (
            "lib/c.js",
            class_file(&[("./b", "lib/b.js", 1)], &[("C", &["B"], &["m"], 3)]),
        ),
        (
            "lib/d.js",
            class_file(&[("./c", "lib/c.js", 1)], &[("D", &["C"], &["m"], 2)]),
        ),
        (
            "lib/cycle.js",
            class_file(&[], &[("P", &["Q"], &["m"], 1), ("Q", &["P"], &["m"], 2)]),
        ),
        ("lib/use.js", uses),
    ])
}

/// `find_references` of `name` in `file`.
fn refs(world: &World, name: &str, file: &str, name_only: bool) -> References {
    let args = ReferencesArgs {
        symbol_name: name.to_owned(),
        file_path: Some(file.to_owned()),
        cursor: None,
        limit: None,
        include_name_only: name_only,
    };
    find_references(&ctx(world), args).unwrap()
}

/// `get_function_details` of `name` in `file`.
fn details(world: &World, file: &str, name: &str, name_only: bool) -> FunctionDetails {
    let args = DetailsArgs {
        file_path: file.to_owned(),
        function_name: name.to_owned(),
        include_name_only: name_only,
    };
    get_function_details(&ctx(world), args).unwrap()
}

/// `(file, line, symbol)` of each definition.
fn defs(found: &[MethodDefinition]) -> Vec<(&str, u32, &str)> {
    found
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.symbol.as_str()))
        .collect()
}

/// `(file, line, text, confidence)` of each reference.
fn rows(r: &References) -> Vec<(&str, u32, &str, Confidence)> {
    r.references
        .iter()
        .map(|x| (x.file.as_str(), x.line, x.text.as_str(), x.confidence))
        .collect()
}

#[test]
fn a_base_method_lists_its_overrides_across_a_base_that_does_not_redefine_it() {
    let r = refs(&js_world(), "m", "lib/a.js", false);
    assert_eq!(
        defs(&r.overridden_by),
        [("lib/c.js", 3, "C.m"), ("lib/d.js", 2, "D.m")]
    );
    assert!(r.overrides.is_empty());
    assert_eq!(
        r.overridden_by[0].class, "C",
        "the class is named beside the method"
    );
}

#[test]
fn an_override_lists_every_base_method_it_redefines_nearest_and_further_up() {
    let w = js_world();
    let d = details(&w, "lib/d.js", "m", false);
    assert_eq!(
        defs(&d.overrides),
        [("lib/a.js", 1, "A.m"), ("lib/c.js", 3, "C.m")]
    );
    assert!(d.overridden_by.is_empty());
    let d = details(&w, "lib/c.js", "m", false);
    assert_eq!(defs(&d.overrides), [("lib/a.js", 1, "A.m")]);
    assert_eq!(defs(&d.overridden_by), [("lib/d.js", 2, "D.m")]);
}

#[test]
fn overrides_stay_out_of_references_and_a_subclass_typed_call_reaches_the_override() {
    let w = js_world();
    assert!(rows(&refs(&w, "m", "lib/a.js", false)).is_empty());
    assert_eq!(
        rows(&refs(&w, "m", "lib/c.js", false)),
        [("lib/use.js", 3, "c.m", Confidence::Inferred)]
    );
    assert_eq!(
        rows(&refs(&w, "n", "lib/b.js", false)),
        [("lib/use.js", 6, "c.n", Confidence::Inferred)]
    );
}

#[test]
fn cyclic_bases_end_and_each_class_of_the_cycle_overrides_the_other() {
    let w = js_world();
    let d = details(&w, "lib/cycle.js", "P.m", false);
    assert_eq!(defs(&d.overrides), [("lib/cycle.js", 2, "Q.m")]);
    assert_eq!(defs(&d.overridden_by), [("lib/cycle.js", 2, "Q.m")]);
}

#[test]
fn name_only_matches_are_listed_only_when_asked_and_only_on_receivers_of_unknown_type() {
    let w = js_world();
    let asked = refs(&w, "m", "lib/a.js", true);
    assert_eq!(
        rows(&asked),
        [("lib/use.js", 4, "x.m", Confidence::NameOnly)]
    );
    let d = details(&w, "lib/a.js", "m", true);
    let callers: Vec<_> = d.callers.iter().map(|c| (c.line, c.confidence)).collect();
    assert_eq!(callers, [(4, Confidence::NameOnly)]);
    assert!(details(&w, "lib/a.js", "m", false).callers.is_empty());
}

#[test]
fn name_only_serializes_as_a_hyphenated_confidence_and_empty_links_are_left_out() {
    let w = js_world();
    let json = omnysys_api::serde_json::to_value(refs(&w, "m", "lib/a.js", true)).unwrap();
    assert_eq!(json["references"][0]["confidence"], "name-only");
    assert_eq!(json["references"][0]["target"]["symbol"], "A.m");
    assert!(json.get("overrides").is_none());
    assert_eq!(json["overriddenBy"][1]["symbol"], "D.m");
    let plain = omnysys_api::serde_json::to_value(refs(&w, "run", "lib/use.js", false)).unwrap();
    assert!(plain.get("overriddenBy").is_none());
}

#[test]
fn the_result_schemas_do_not_require_the_links_and_offer_the_argument() {
    let schema = |v: schemars::Schema| omnysys_api::serde_json::to_value(v).unwrap();
    let refs = schema(schemars::schema_for!(References));
    let details = schema(schemars::schema_for!(FunctionDetails));
    for s in [&refs, &details] {
        let required = s["required"].as_array().unwrap();
        assert!(
            !required
                .iter()
                .any(|r| r == "overrides" || r == "overriddenBy")
        );
        assert!(s["properties"]["overriddenBy"].is_object());
    }
    let args = schema(schemars::schema_for!(ReferencesArgs));
    assert_eq!(args["properties"]["includeNameOnly"]["type"], "boolean");
    let args = schema(schemars::schema_for!(DetailsArgs));
    assert!(
        !args["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "includeNameOnly")
    );
}

/// Python: `class Live(Base)` redefining `stop`, and a call through a `Live`-typed parameter.
///
/// ```python
/// # pkg/base.py
/// 1 class Base:
/// 2     def stop(self): ...
/// # pkg/live.py
/// 1 from .base import Base
/// 2 class Live(Base):
/// 3     def stop(self): ...
/// 4 def run(live: Live, other):
/// 5     live.stop()
/// 6     other.stop()
/// ```
fn python_world() -> World {
    use SymbolKind::{Class, Function, Method};
    let base = class_module("Base", "stop");
    let in_run = |callee, line, receiver| call_on(Some("run"), callee, line, receiver);
    let mut live = facts(
        vec![imp(
            ".base",
            Some("pkg/base.py"),
            &["Base"],
            ImportKind::Static,
            1,
        )],
        vec![],
        vec![
            sym("Live", Class, (2, 3), &[], true),
            sym("Live.stop", Method, (3, 3), &[], false),
            sym("run", Function, (4, 6), &["live", "other"], true),
        ],
        vec![
            in_run("live.stop", 5, Some(path("Live"))),
            in_run("other.stop", 6, None),
        ],
        6,
    );
    live.classes = vec![class("Live", &["Base"])];
    world_with("python", vec![("pkg/base.py", base), ("pkg/live.py", live)])
}

#[test]
fn a_python_method_redefined_in_a_subclass_is_reported_both_ways() {
    let w = python_world();
    let r = refs(&w, "stop", "pkg/base.py", false);
    assert_eq!(defs(&r.overridden_by), [("pkg/live.py", 3, "Live.stop")]);
    assert!(r.references.is_empty());
    let d = details(&w, "pkg/live.py", "Live.stop", false);
    assert_eq!(defs(&d.overrides), [("pkg/base.py", 2, "Base.stop")]);
    let lines: Vec<u32> = d.callers.iter().map(|c| c.line).collect();
    assert_eq!(lines, [5], "live.stop() reaches the override");
    let asked = refs(&w, "stop", "pkg/base.py", true);
    assert_eq!(
        rows(&asked),
        [("pkg/live.py", 6, "other.stop", Confidence::NameOnly)]
    );
}

/// Rust: a trait's method implemented by two types, one in another file.
///
/// ```rust
/// // src/store.rs
/// 1 pub trait Load { fn load(&self); }
/// 2 pub struct Store;
/// 3 impl Load for Store { fn load(&self) {} }
/// // src/disk.rs
/// 1 use crate::store::Load;
/// 2 pub struct Disk;
/// 3 impl Load for Disk { fn load(&self) {} }
/// 4 impl Disk { fn new() -> Self { Disk } }
/// ```
fn rust_world() -> World {
    use SymbolKind::{Class, Method};
    let mut store = facts(
        vec![],
        vec![],
        vec![
            sym("Load", Class, (1, 1), &[], true),
            sym("Load.load", Method, (1, 1), &[], true),
            sym("Store", Class, (2, 2), &[], true),
            sym("Store.load", Method, (3, 3), &[], false),
        ],
        vec![],
        3,
    );
    store.classes = vec![class("Store", &["Load"])];
    let mut disk = facts(
        vec![imp(
            "crate::store",
            Some("src/store.rs"),
            &["Load"],
            ImportKind::Static,
            1,
        )],
        vec![],
        vec![
            sym("Disk", Class, (2, 2), &[], true),
            sym("Disk.load", Method, (3, 3), &[], false),
            sym("Disk.new", Method, (4, 4), &[], true),
        ],
        vec![],
        4,
    );
    disk.classes = vec![class("Disk", &["Load"])];
    world_with("rust", vec![("src/store.rs", store), ("src/disk.rs", disk)])
}

#[test]
fn a_rust_trait_method_is_overridden_by_each_impl_of_it_in_any_file() {
    let w = rust_world();
    let r = refs(&w, "Load.load", "src/store.rs", false);
    assert_eq!(r.definitions[0].symbol, "Load.load");
    assert_eq!(
        defs(&r.overridden_by),
        [
            ("src/disk.rs", 3, "Disk.load"),
            ("src/store.rs", 3, "Store.load")
        ]
    );
    let d = details(&w, "src/disk.rs", "Disk.load", false);
    assert_eq!(defs(&d.overrides), [("src/store.rs", 1, "Load.load")]);
    let d = details(&w, "src/disk.rs", "Disk.new", false);
    assert!(d.overrides.is_empty() && d.overridden_by.is_empty());
}

#[test]
fn a_short_name_two_methods_of_one_file_share_finds_both_or_asks_which_one() {
    let w = js_world();
    let found = refs(&w, "m", "lib/cycle.js", false);
    let names: Vec<&str> = found
        .definitions
        .iter()
        .map(|d| d.symbol.as_str())
        .collect();
    assert_eq!(names, ["P.m", "Q.m"]);
    let args = DetailsArgs {
        file_path: "lib/cycle.js".to_owned(),
        function_name: "m".to_owned(),
        include_name_only: false,
    };
    let Err(refused) = get_function_details(&ctx(&w), args) else {
        panic!("an ambiguous short name is refused");
    };
    let message = refused.to_string();
    assert!(
        message.contains("`m` names 2 methods in `lib/cycle.js`: P.m, Q.m"),
        "{message}"
    );
    assert_eq!(
        details(&w, "lib/cycle.js", "Q.m", false).function_name,
        "Q.m"
    );
}

/// A TypeScript interface, a class implementing it, an interface extending it and calls
/// through parameters typed by the two interfaces, as the extractor gives them:
///
/// ```ts
/// // src/sink.ts
/// 1 export interface Sink {
/// 2   add(n: number): void;
/// 3 }
/// 5 export class ArraySink implements Sink {
/// 6   add(n: number) {}
/// 7 }
/// 8 export interface Stream extends Sink {}
/// // src/use.ts
/// 1 import { Sink, Stream } from "./sink";
/// 2 export function total(k: Sink) {
/// 3   k.add(1);
/// 4 }
/// 5 export function flow(s: Stream) {
/// 6   s.add(2);
/// 7 }
/// ```
fn ts_interface_world() -> World {
    use SymbolKind::*;
    let mut sink = facts(
        vec![],
        vec![
            exp("Sink", None, 1),
            exp("ArraySink", None, 5),
            exp("Stream", None, 8),
        ],
        vec![
            sym("Sink", Class, (1, 3), &[], true),
            sym("Sink.add", Method, (2, 2), &["n"], false),
            sym("ArraySink", Class, (5, 7), &[], true),
            sym("ArraySink.add", Method, (6, 6), &["n"], false),
            sym("Stream", Class, (8, 8), &[], true),
        ],
        vec![],
        8,
    );
    sink.classes = vec![
        class("Sink", &[]),
        class("ArraySink", &["Sink"]),
        class("Stream", &["Sink"]),
    ];
    let names = &["Sink", "Stream"];
    let import = imp("./sink", Some("src/sink.ts"), names, ImportKind::Static, 1);
    let through = |caller, callee, line, ty| call_on(Some(caller), callee, line, Some(path(ty)));
    let uses = facts(
        vec![bound(
            import,
            &[("Sink", "Sink", 1), ("Stream", "Stream", 1)],
        )],
        vec![exp("total", None, 2), exp("flow", None, 5)],
        vec![
            sym("total", Function, (2, 4), &["k"], true),
            sym("flow", Function, (5, 7), &["s"], true),
        ],
        vec![
            through("total", "k.add", 3, "Sink"),
            through("flow", "s.add", 6, "Stream"),
        ],
        7,
    );
    world_of(vec![("src/sink.ts", sink), ("src/use.ts", uses)])
}

#[test]
fn a_call_through_an_interface_typed_parameter_or_an_extending_one_reaches_the_interface_method() {
    let r = refs(&ts_interface_world(), "Sink.add", "src/sink.ts", false);
    assert_eq!(
        rows(&r),
        [
            ("src/use.ts", 3, "k.add", Confidence::Inferred),
            ("src/use.ts", 6, "s.add", Confidence::Inferred)
        ]
    );
    assert_eq!(
        defs(&r.overridden_by),
        [("src/sink.ts", 6, "ArraySink.add")]
    );
}

#[test]
fn a_class_method_implementing_an_interface_method_is_reported_as_overriding_it() {
    let d = details(&ts_interface_world(), "src/sink.ts", "ArraySink.add", false);
    assert_eq!(defs(&d.overrides), [("src/sink.ts", 2, "Sink.add")]);
    assert!(d.overridden_by.is_empty());
}
