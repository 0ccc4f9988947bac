//! Fixture snippets with hand-worked expectations, calling [`extract`] directly.

use omnysys_api::facts::{Binding, Export, FileFacts, Import, ImportKind, SymbolKind};

use crate::extract;
use crate::parse::Dialect;
use extract_support::testing::{call, export_names, imp, strings, symbol, symbol_names};

/// Extracts `code` as if it were the file `path`.
fn facts(path: &str, code: &str) -> FileFacts {
    extract(path, code.as_bytes()).expect("the parser is set up")
}

/// The import of `specifier`.
fn import<'f>(f: &'f FileFacts, specifier: &str) -> &'f Import {
    f.imports
        .iter()
        .find(|i| i.specifier == specifier)
        .unwrap_or_else(|| panic!("no import of {specifier} in {:#?}", f.imports))
}

/// The export named `name`.
fn export<'f>(f: &'f FileFacts, name: &str) -> &'f Export {
    f.exports
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no export {name} in {:#?}", f.exports))
}

/// An export value for comparisons.
fn exp(name: &str, local: Option<&str>, line: u32) -> Export {
    Export {
        name: name.to_owned(),
        local: local.map(str::to_owned),
        line,
        by_name: false,
    }
}

/// `import` with its bindings `(imported name, local name, line)`.
fn bound(import: Import, bindings: &[(&str, &str, u32)]) -> Import {
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

/// An export written as a name (`by_name`), for comparisons.
fn named(name: &str, local: Option<&str>, line: u32) -> Export {
    Export {
        by_name: true,
        ..exp(name, local, line)
    }
}

mod receivers;

use receivers::{guessed, on};

mod imports {
    use super::*;

    #[test]
    fn esm_default_named_namespace_and_side_effect_imports_are_static() {
        let f = facts(
            "a.js",
            "import x from './a';\n\
             import {a, b as c} from './b';\n\
             import * as ns from './c';\n\
             import './side';\n\
             import d, {e} from \"./d\";\n\
             import f, * as g from './e';\n",
        );
        assert_eq!(
            f.imports,
            vec![
                bound(
                    imp("./a", &["default"], ImportKind::Static, 1),
                    &[("default", "x", 1)]
                ),
                bound(
                    imp("./b", &["a", "b"], ImportKind::Static, 2),
                    &[("a", "a", 2), ("b", "c", 2)]
                ),
                bound(imp("./c", &["*"], ImportKind::Static, 3), &[("*", "ns", 3)]),
                imp("./side", &[], ImportKind::Static, 4),
                bound(
                    imp("./d", &["default", "e"], ImportKind::Static, 5),
                    &[("default", "d", 5), ("e", "e", 5)]
                ),
                bound(
                    imp("./e", &["default", "*"], ImportKind::Static, 6),
                    &[("default", "f", 6), ("*", "g", 6)]
                ),
            ]
        );
    }

    #[test]
    fn import_type_and_all_type_specifiers_make_a_type_import() {
        let f = facts(
            "a.ts",
            "import type {T} from './t';\n\
             import {type U, type V as W} from './u';\n\
             import {type X, y} from './mixed';\n\
             import type Def from './def';\n",
        );
        assert_eq!(
            f.imports,
            vec![
                bound(imp("./t", &["T"], ImportKind::Type, 1), &[("T", "T", 1)]),
                bound(
                    imp("./u", &["U", "V"], ImportKind::Type, 2),
                    &[("U", "U", 2), ("V", "W", 2)]
                ),
                bound(
                    imp("./mixed", &["X", "y"], ImportKind::Static, 3),
                    &[("X", "X", 3), ("y", "y", 3)]
                ),
                bound(
                    imp("./def", &["default"], ImportKind::Type, 4),
                    &[("default", "Def", 4)]
                ),
            ]
        );
    }

    #[test]
    fn reexports_are_imports_of_kind_reexport_and_exports_by_name() {
        let f = facts(
            "index.js",
            "export {a, b as c} from './x';\n\
             export * from './y';\n\
             export * as ns from './z';\n\
             export {default} from './w';\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("./x", &["a", "b"], ImportKind::ReExport, 1),
                imp("./y", &["*"], ImportKind::ReExport, 2),
                imp("./z", &["*"], ImportKind::ReExport, 3),
                imp("./w", &["default"], ImportKind::ReExport, 4),
            ]
        );
        assert_eq!(
            f.exports,
            vec![
                exp("a", None, 1),
                exp("c", None, 1),
                exp("ns", None, 3),
                exp("default", None, 4)
            ]
        );
    }

    #[test]
    fn reexported_names_do_not_mark_a_local_function_of_the_same_name() {
        let f = facts(
            "a.js",
            "export {helper} from './x';\nfunction helper() {}\n",
        );
        assert!(!symbol(&f, "helper").exported);
    }

    #[test]
    fn require_names_follow_how_the_module_is_used() {
        let f = facts(
            "a.cjs",
            "const {a, b: renamed, c = 1} = require('./x');\n\
             const whole = require('./y');\n\
             const one = require('./z').prop;\n\
             require('./side');\n\
             function later() {\n\
               return require(\"./lazy\");\n\
             }\n\
             const dynamic = require(name);\n",
        );
        assert_eq!(
            f.imports,
            vec![
                bound(
                    imp("./x", &["a", "b", "c"], ImportKind::Require, 1),
                    &[("a", "a", 1), ("b", "renamed", 1), ("c", "c", 1)]
                ),
                bound(
                    imp("./y", &["*"], ImportKind::Require, 2),
                    &[("*", "whole", 2)]
                ),
                bound(
                    imp("./z", &["prop"], ImportKind::Require, 3),
                    &[("prop", "one", 3)]
                ),
                imp("./side", &[], ImportKind::Require, 4),
                imp("./lazy", &["*"], ImportKind::Require, 6),
            ]
        );
        assert!(f.calls.is_empty(), "require is not a call: {:?}", f.calls);
    }

    #[test]
    fn dynamic_import_with_a_literal_is_a_dynamic_import_and_not_a_call() {
        let f = facts(
            "a.mjs",
            "async function load() {\n\
               const m = await import('./lazy');\n\
               await import(`./tmpl`);\n\
               return import(dynamicName);\n\
             }\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("./lazy", &["*"], ImportKind::Dynamic, 2),
                imp("./tmpl", &["*"], ImportKind::Dynamic, 3),
            ]
        );
        assert!(f.calls.is_empty(), "import() is not a call: {:?}", f.calls);
    }

    #[test]
    fn typescript_import_equals_require_is_a_whole_module_require() {
        let f = facts("a.ts", "import fs = require('fs');\n");
        assert_eq!(
            f.imports,
            vec![bound(
                imp("fs", &["*"], ImportKind::Require, 1),
                &[("*", "fs", 1)]
            )]
        );
    }

    #[test]
    fn imports_are_in_source_order_across_kinds() {
        let f = facts(
            "a.js",
            "const a = require('./a');\nimport b from './b';\nexport * from './c';\nimport('./d');\n",
        );
        let order: Vec<&str> = f.imports.iter().map(|i| i.specifier.as_str()).collect();
        assert_eq!(order, ["./a", "./b", "./c", "./d"]);
        assert_eq!(import(&f, "./d").kind, ImportKind::Dynamic);
        assert!(f.imports.iter().all(|i| i.resolved.is_none()));
    }
}

mod exports {
    use super::*;

    #[test]
    fn export_default_identifier_links_to_the_local_function() {
        let f = facts(
            "chunk.js",
            "function chunk(array, size) {\n  return [];\n}\n\nexport default chunk;\n",
        );
        assert_eq!(f.exports, vec![named("default", Some("chunk"), 5)]);
        let chunk = symbol(&f, "chunk");
        assert!(chunk.exported);
        assert_eq!((chunk.start_line, chunk.end_line), (1, 3));
        assert_eq!(chunk.params, strings(&["array", "size"]));
    }

    #[test]
    fn export_declarations_list_their_names() {
        let f = facts(
            "a.js",
            "export function f() {}\n\
             export class C {}\n\
             export const a = 1, b = () => 2;\n\
             export let {d, e: [g]} = obj;\n\
             function h() {}\n\
             function i() {}\n\
             export {h, i as j};\n",
        );
        assert_eq!(
            f.exports,
            vec![
                exp("f", None, 1),
                exp("C", None, 2),
                exp("a", None, 3),
                exp("b", None, 3),
                exp("d", None, 4),
                exp("g", None, 4),
                named("h", None, 7),
                named("j", Some("i"), 7),
            ]
        );
        for name in ["f", "C", "b", "h", "i"] {
            assert!(symbol(&f, name).exported, "{name} is exported");
        }
    }

    #[test]
    fn export_default_function_and_class_name_their_local() {
        let named = facts("a.js", "export default function main() {}\n");
        assert_eq!(named.exports, vec![exp("default", Some("main"), 1)]);
        assert!(symbol(&named, "main").exported);

        let class = facts("b.js", "export default class Widget {}\n");
        assert_eq!(class.exports, vec![exp("default", Some("Widget"), 1)]);
        assert!(symbol(&class, "Widget").exported);

        let anonymous = facts("c.js", "export default function () {}\n");
        assert_eq!(anonymous.exports, vec![exp("default", None, 1)]);
        assert!(symbol(&anonymous, "default").exported);
    }

    #[test]
    fn export_default_expression_has_no_local() {
        let f = facts("a.js", "export default {\n  answer: 42,\n};\n");
        assert_eq!(f.exports, vec![exp("default", None, 1)]);
        assert!(f.symbols.is_empty());
    }

    #[test]
    fn module_exports_identifier_is_a_default_export_of_the_local() {
        let f = facts(
            "a.js",
            "function debounce(fn, wait) {}\nmodule.exports = debounce;\n",
        );
        assert_eq!(f.exports, vec![named("default", Some("debounce"), 2)]);
        assert!(symbol(&f, "debounce").exported);
    }

    #[test]
    fn module_exports_object_exports_its_keys() {
        let f = facts(
            "a.js",
            "function a() {}\n\
             function c() {}\n\
             function unused() {}\n\
             module.exports = {\n\
               a,\n\
               b: c,\n\
               'quoted': 1,\n\
               m() {},\n\
               ...rest,\n\
             };\n",
        );
        assert_eq!(
            f.exports,
            vec![
                named("a", None, 5),
                named("b", Some("c"), 6),
                exp("quoted", None, 7),
                exp("m", None, 8)
            ]
        );
        assert!(symbol(&f, "a").exported);
        assert!(symbol(&f, "c").exported);
        assert!(!symbol(&f, "unused").exported);
    }

    #[test]
    fn exports_dot_name_exports_the_name_and_marks_the_function() {
        let f = facts(
            "a.js",
            "function parse() {}\n\
             exports.parse = parse;\n\
             exports.format = function (value) {};\n\
             module.exports.render = helper;\n\
             function helper() {}\n",
        );
        assert_eq!(
            f.exports,
            vec![
                named("parse", None, 2),
                exp("format", None, 3),
                named("render", Some("helper"), 4)
            ]
        );
        assert!(symbol(&f, "parse").exported);
        let format = symbol(&f, "format");
        assert!(format.exported);
        assert_eq!(format.params, strings(&["value"]));
        assert_eq!(format.kind, SymbolKind::Function);
        assert!(symbol(&f, "helper").exported);
    }

    #[test]
    fn module_exports_function_expression_is_the_default_symbol() {
        let f = facts(
            "a.js",
            "module.exports = function (req, res) {\n  next();\n};\n",
        );
        assert_eq!(f.exports, vec![exp("default", None, 1)]);
        let s = symbol(&f, "default");
        assert!(s.exported);
        assert_eq!((s.start_line, s.end_line), (1, 3));
        assert_eq!(f.calls, vec![call(Some("default"), "next", 2)]);
    }

    #[test]
    fn a_nested_function_is_not_exported_by_a_module_level_name() {
        let f = facts(
            "a.js",
            "export function outer() {\n  function inner() {}\n}\nfunction other() {\n  function outer() {}\n}\n",
        );
        let outers: Vec<bool> = f
            .symbols
            .iter()
            .filter(|s| s.name == "outer")
            .map(|s| s.exported)
            .collect();
        assert_eq!(outers, [true, false]);
        assert!(!symbol(&f, "inner").exported);
    }
}

mod symbols {
    use super::*;

    #[test]
    fn class_methods_are_named_after_their_class() {
        let f = facts(
            "a.js",
            "class Service {\n\
               constructor(api) {\n\
                 this.api = api;\n\
               }\n\
               async fetch(id) {}\n\
               static create() {}\n\
               get size() { return 0; }\n\
               #secret() {}\n\
               handle = (event) => {};\n\
             }\n",
        );
        assert_eq!(
            symbol_names(&f),
            [
                "Service",
                "Service.constructor",
                "Service.fetch",
                "Service.create",
                "Service.size",
                "Service.#secret",
                "Service.handle",
            ]
        );
        let class = symbol(&f, "Service");
        assert_eq!(
            (class.kind, class.start_line, class.end_line),
            (SymbolKind::Class, 1, 10)
        );
        let fetch = symbol(&f, "Service.fetch");
        assert_eq!(
            (fetch.kind, fetch.start_line, fetch.end_line),
            (SymbolKind::Method, 5, 5)
        );
        assert!(fetch.is_async);
        assert_eq!(symbol(&f, "Service.handle").kind, SymbolKind::Method);
        assert_eq!(symbol(&f, "Service.handle").params, strings(&["event"]));
        assert_eq!(symbol(&f, "Service.constructor").params, strings(&["api"]));
    }

    #[test]
    fn class_expression_methods_take_the_binding_name() {
        let f = facts("a.js", "const Store = class {\n  load() {}\n};\n");
        assert_eq!(symbol_names(&f), ["Store", "Store.load"]);
        assert_eq!(symbol(&f, "Store").kind, SymbolKind::Class);
    }

    #[test]
    fn arrow_and_function_expressions_take_the_binding_name() {
        let f = facts(
            "a.js",
            "const add = (a, b) => a + b;\n\
             let twice = x => x * 2;\n\
             var legacy = function named() {\n\
               return 1;\n\
             };\n\
             Widget.prototype.render = function () {};\n\
             setTimeout(function tick() {}, 10);\n\
             [1].map((n) => n);\n\
             const obj = { method() {} };\n",
        );
        assert_eq!(
            symbol_names(&f),
            ["add", "twice", "legacy", "Widget.render", "tick"]
        );
        let add = symbol(&f, "add");
        assert_eq!(
            (add.kind, add.params.clone()),
            (SymbolKind::Function, strings(&["a", "b"]))
        );
        assert_eq!(symbol(&f, "twice").params, strings(&["x"]));
        let legacy = symbol(&f, "legacy");
        assert_eq!((legacy.start_line, legacy.end_line), (3, 5));
    }

    #[test]
    fn async_and_generator_functions_are_functions() {
        let f = facts(
            "a.js",
            "async function load() {}\n\
             function* ids() {}\n\
             async function* stream() {}\n\
             const run = async () => {};\n\
             const gen = function* () {};\n\
             function plain() {}\n",
        );
        let flags: Vec<(&str, SymbolKind, bool)> = f
            .symbols
            .iter()
            .map(|s| (s.name.as_str(), s.kind, s.is_async))
            .collect();
        assert_eq!(
            flags,
            [
                ("load", SymbolKind::Function, true),
                ("ids", SymbolKind::Function, false),
                ("stream", SymbolKind::Function, true),
                ("run", SymbolKind::Function, true),
                ("gen", SymbolKind::Function, false),
                ("plain", SymbolKind::Function, false),
            ]
        );
    }

    #[test]
    fn params_cover_destructuring_defaults_and_rest() {
        let f = facts(
            "a.js",
            "function f(a, b = 1, {c, d: e}, [g, h], ...rest) {}\n\
             function multi({\n  x,\n  y\n}) {}\n\
             const r = (...[first]) => first;\n",
        );
        assert_eq!(
            symbol(&f, "f").params,
            strings(&["a", "b", "{c, d: e}", "[g, h]", "rest"])
        );
        assert_eq!(symbol(&f, "multi").params, strings(&["{ x, y }"]));
        assert_eq!(symbol(&f, "r").params, strings(&["[first]"]));
    }

    #[test]
    fn typescript_params_drop_types_this_and_modifiers() {
        let f = facts(
            "a.ts",
            "function f(this: Window, a: string, b?: number, c: number = 2, ...rest: string[]) {}\n\
             class P {\n  constructor(private readonly repo: Repo, public name = 'x') {}\n}\n",
        );
        assert_eq!(symbol(&f, "f").params, strings(&["a", "b", "c", "rest"]));
        assert_eq!(
            symbol(&f, "P.constructor").params,
            strings(&["repo", "name"])
        );
    }

    #[test]
    fn const_arrow_spans_the_whole_declaration() {
        let f = facts(
            "a.js",
            "export const handler = async (event) => {\n  return event;\n};\n",
        );
        let h = symbol(&f, "handler");
        assert_eq!(
            (h.start_line, h.end_line, h.exported, h.is_async),
            (1, 3, true, true)
        );
    }
}

mod calls {
    use super::*;

    #[test]
    fn calls_record_callee_as_written_and_the_enclosing_caller() {
        let f = facts(
            "a.js",
            "init();\n\
             function main() {\n\
               helper(1);\n\
               obj.method();\n\
               a.b.c();\n\
               const inner = () => deep?.run();\n\
               list.forEach((x) => log(x));\n\
             }\n\
             class Toggle {\n\
               on() {\n\
                 this.enable();\n\
                 super.on();\n\
               }\n\
             }\n",
        );
        assert_eq!(
            f.calls,
            vec![
                call(None, "init", 1),
                call(Some("main"), "helper", 3),
                guessed(call(Some("main"), "obj.method", 4), "Obj", &[]),
                guessed(call(Some("main"), "a.b.c", 5), "A", &["b"]),
                guessed(call(Some("inner"), "deep?.run", 6), "Deep", &[]),
                guessed(call(Some("main"), "list.forEach", 7), "List", &[]),
                call(Some("main"), "log", 7),
                on(call(Some("Toggle.on"), "this.enable", 11), "Toggle", &[]),
                call(Some("Toggle.on"), "super.on", 12),
            ]
        );
    }

    #[test]
    fn new_expressions_are_calls() {
        let f = facts(
            "a.js",
            "const m = new Map();\nfunction make() {\n  return new lib.Client;\n}\n",
        );
        assert_eq!(
            f.calls,
            vec![call(None, "Map", 1), call(Some("make"), "lib.Client", 3)]
        );
    }

    #[test]
    fn chained_calls_keep_each_link_on_its_own_line() {
        let f = facts("a.js", "fetch(url)\n  .then(parse)\n  .catch(report);\n");
        assert_eq!(
            f.calls,
            vec![
                on(
                    call(None, "fetch().then().catch", 3),
                    "fetch",
                    &["()", "then()"]
                ),
                on(call(None, "fetch().then", 2), "fetch", &["()"]),
                call(None, "fetch", 1)
            ]
        );
    }

    #[test]
    fn immediately_invoked_functions_are_not_calls_but_their_body_is_scoped() {
        let f = facts("a.js", "(function setup() {\n  boot();\n})();\n");
        assert_eq!(f.calls, vec![call(Some("setup"), "boot", 2)]);
    }

    #[test]
    fn calls_in_class_fields_belong_to_the_field_method() {
        let f = facts(
            "a.jsx",
            "class Btn {\n  click = () => {\n    this.props.onClick();\n  };\n}\n",
        );
        assert_eq!(
            f.calls,
            vec![call(Some("Btn.click"), "this.props.onClick", 3)]
        );
    }
}

mod files {
    use super::*;

    #[test]
    fn a_tsx_file_yields_components_imports_and_calls() {
        let f = facts(
            "App.tsx",
            "import React, {useState} from 'react';\n\
             import type {Props} from './types';\n\
             \n\
             export function App({title}: Props): JSX.Element {\n\
               const [n, setN] = useState<number>(0);\n\
               return <button onClick={() => setN(n + 1)}>{title}</button>;\n\
             }\n\
             \n\
             export default App;\n",
        );
        assert!(!f.partial);
        assert_eq!(
            f.imports,
            vec![
                bound(
                    imp("react", &["default", "useState"], ImportKind::Static, 1),
                    &[("default", "React", 1), ("useState", "useState", 1)]
                ),
                bound(
                    imp("./types", &["Props"], ImportKind::Type, 2),
                    &[("Props", "Props", 2)]
                ),
            ]
        );
        assert_eq!(
            f.exports,
            vec![exp("App", None, 4), named("default", Some("App"), 9)]
        );
        let app = symbol(&f, "App");
        assert_eq!((app.start_line, app.end_line, app.exported), (4, 7, true));
        assert_eq!(app.params, strings(&["{title}"]));
        assert_eq!(
            f.calls,
            vec![
                call(Some("App"), "useState", 5),
                call(Some("App"), "setN", 6)
            ]
        );
        assert_eq!(f.lines, 9);
    }

    #[test]
    fn a_ts_file_exports_interfaces_types_and_enums() {
        let f = facts(
            "model.ts",
            "export interface User {\n  id: string;\n}\n\
             export type Id = string | number;\n\
             export enum Role { Admin, Guest }\n\
             export const enum Flag { On }\n\
             export abstract class Base {\n  abstract run(): void;\n  stop(): void {}\n}\n\
             export declare function shim(x: number): void;\n\
             export function over(a: string): void;\n\
             export function over(a: any) {}\n\
             interface Hidden {}\n",
        );
        assert_eq!(
            export_names(&f),
            ["User", "Id", "Role", "Flag", "Base", "shim", "over"]
        );
        assert_eq!(export(&f, "Base").line, 7);
        assert_eq!(
            symbol_names(&f),
            ["User", "Base", "Base.run", "Base.stop", "over", "Hidden"]
        );
        assert!(symbol(&f, "Base").exported);
        assert!(symbol(&f, "User").exported);
        assert!(!symbol(&f, "Hidden").exported);
        assert!(!f.partial);
    }

    #[test]
    fn typescript_export_equals_is_a_default_export() {
        let f = facts("a.d.ts", "declare function lib(): void;\nexport = lib;\n");
        assert_eq!(f.exports, vec![named("default", Some("lib"), 2)]);
    }

    #[test]
    fn a_file_with_a_syntax_error_is_partial_yet_keeps_the_parsable_function() {
        let f = facts(
            "broken.js",
            "function good(a) {\n  return helper(a);\n}\n\nconst = = ;\nfunction (((\n",
        );
        assert!(f.partial);
        let good = symbol(&f, "good");
        assert_eq!((good.start_line, good.end_line), (1, 3));
        assert!(f.calls.contains(&call(Some("good"), "helper", 2)));
    }

    #[test]
    fn lines_count_the_last_line_with_or_without_a_newline() {
        assert_eq!(facts("a.js", "").lines, 0);
        assert_eq!(facts("a.js", "a()").lines, 1);
        assert_eq!(facts("a.js", "a()\n").lines, 1);
        assert_eq!(facts("a.js", "a()\n\nb()").lines, 3);
    }

    #[test]
    fn invalid_utf8_still_extracts_what_parsed() {
        let mut bytes = b"const s = '".to_vec();
        bytes.extend([0xff, 0xfe]);
        bytes.extend(b"';\nexport function ok() {}\n");
        let f = extract("bad.js", &bytes).expect("the parser is set up");
        assert_eq!(symbol(&f, "ok").start_line, 2);
        assert!(symbol(&f, "ok").exported);
    }

    #[test]
    fn the_grammar_follows_the_extension() {
        let cases = [
            ("a.js", Dialect::JavaScript),
            ("a.jsx", Dialect::JavaScript),
            ("a.mjs", Dialect::JavaScript),
            ("a.cjs", Dialect::JavaScript),
            ("a.ts", Dialect::TypeScript),
            ("types/index.d.ts", Dialect::TypeScript),
            ("a.MTS", Dialect::TypeScript),
            ("a.cts", Dialect::TypeScript),
            ("src/App.tsx", Dialect::Tsx),
            ("dir.ts/Makefile", Dialect::JavaScript),
        ];
        for (path, dialect) in cases {
            assert_eq!(Dialect::from_path(path), dialect, "{path}");
        }
    }

    #[test]
    fn typescript_generics_in_a_ts_file_are_not_jsx() {
        let f = facts(
            "a.ts",
            "const id = <T,>(x: T) => x;\nconst n = <number>value;\n",
        );
        assert!(!f.partial);
        assert_eq!(symbol_names(&f), ["id"]);
    }

    #[test]
    fn the_spec_covers_javascript_and_typescript_extensions() {
        let spec = crate::spec();
        assert_eq!(spec.name, "javascript");
        assert_eq!(spec.version, "6");
        assert_eq!(spec.languages, strings(&["javascript", "typescript"]));
        assert_eq!(
            spec.extensions,
            strings(&["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"])
        );
    }
}

mod robustness {
    use super::*;

    #[test]
    fn a_very_long_call_chain_is_cut_but_every_call_is_kept() {
        let code = format!("builder{};\n", ".step()".repeat(500));
        let f = facts("a.js", &code);
        assert_eq!(f.calls.len(), 500);
        assert!(f.calls[0].callee.starts_with('…'));
        assert!(f.calls[0].callee.ends_with(".step"));
        assert_eq!(f.calls[499].callee, "builder.step");
    }

    #[test]
    fn deeply_nested_functions_do_not_overflow_the_stack() {
        let depth = 2_000;
        let code = format!(
            "{}{}",
            "(() => { f();\n".repeat(depth),
            "})();".repeat(depth)
        );
        let f = facts("a.js", &code);
        assert_eq!(f.calls.iter().filter(|c| c.callee == "f").count(), depth);
    }

    #[test]
    fn an_anonymous_default_class_names_its_methods_default() {
        let f = facts("a.js", "export default class {\n  render() {}\n}\n");
        assert_eq!(symbol_names(&f), ["default", "default.render"]);
        assert!(symbol(&f, "default").exported);
        assert!(!symbol(&f, "default.render").exported);
    }
}

/// Pathological inputs: each extracts in linear time and without overflowing the stack. The
/// bounds hold in a release build (ten times them in a debug one); before the ancestor path
/// replaced `Node::parent`, the nested inputs took seconds to minutes.
mod pathological {
    use std::time::Duration;

    use extract_support::parse::{PARSE_BUDGET, parse_within};
    use extract_support::testing::within;

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    /// The facts of `code` as the file `path`, parsed without the parse budget (a loaded
    /// machine running an unoptimised debug build may take longer than it on these inputs).
    fn facts(path: &str, code: &str) -> FileFacts {
        let dialect = Dialect::from_path(path);
        let language = match dialect {
            Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        };
        let tree = parse_within(&language, "JavaScript", code.as_bytes(), Duration::MAX)
            .expect("the parser is set up");
        crate::collect::collect(&tree, crate::parse::Source::new(code.as_bytes()))
    }

    #[test]
    fn five_thousand_nested_classes_extract_in_under_a_second() {
        let n = 5_000;
        let code = format!("{}{}", "class A{m(){".repeat(n), "}}".repeat(n));
        let f = within("5 000 nested classes", SECOND, || facts("a.js", &code));
        assert_eq!(f.symbols.len(), 2 * n);
        assert_eq!(symbol(&f, "A.m").params, Vec::<String>::new());
        assert!(!f.partial);
    }

    #[test]
    fn five_thousand_nested_typescript_classes_extract_in_under_a_second() {
        let n = 5_000;
        let code = format!("{}{}", "class A{m(){".repeat(n), "}}".repeat(n));
        let f = within("5 000 nested TS classes", SECOND, || facts("a.ts", &code));
        assert_eq!(f.symbols.len(), 2 * n);
    }

    #[test]
    fn five_thousand_nested_arrow_functions_extract_in_under_a_second() {
        let n = 5_000;
        let code = format!("{}{}", "const f=()=>{".repeat(n), "}".repeat(n));
        let f = within("5 000 nested arrows", SECOND, || facts("a.js", &code));
        assert_eq!(f.symbols.len(), n);
        assert!(f.symbols.iter().all(|s| s.name == "f"));
    }

    #[test]
    fn twenty_thousand_nested_function_declarations_extract_in_under_a_second() {
        let n = 20_000;
        let code = format!("{}{}", "function g(){".repeat(n), "}".repeat(n));
        let f = within("20 000 nested functions", SECOND, || facts("a.js", &code));
        assert_eq!(f.symbols.len(), n);
    }

    #[test]
    fn twenty_thousand_unclosed_functions_extract_in_under_a_second() {
        let code = "function g(){".repeat(20_000);
        let f = within("20 000 unclosed functions", SECOND, || facts("a.js", &code));
        assert!(f.partial);
    }

    #[test]
    fn a_declaration_of_twenty_thousand_arrow_functions_extracts_in_under_a_second() {
        let code = format!("const {};\n", vec!["f=()=>{}"; 20_000].join(","));
        let f = within("20 000 declarators", SECOND, || facts("a.js", &code));
        assert_eq!(f.symbols.len(), 20_000);
        assert_eq!(shape_of(&f), (SymbolKind::Function, 1, 1));
    }

    /// Shape of the first symbol.
    fn shape_of(f: &FileFacts) -> (SymbolKind, u32, u32) {
        extract_support::testing::shape(&f.symbols[0])
    }

    #[test]
    fn a_hundred_thousand_open_brackets_do_not_overflow_the_stack() {
        let f = within("100 000 brackets", SECOND, || {
            facts("a.js", &"[".repeat(100_000))
        });
        assert!(f.partial);
    }

    #[test]
    fn a_hundred_thousand_nested_arrays_do_not_overflow_the_stack() {
        let code = format!("x = {}{};", "[".repeat(100_000), "]".repeat(100_000));
        let f = within("100 000 nested arrays", 2 * SECOND, || facts("a.js", &code));
        assert!(!f.partial);
    }

    #[test]
    fn a_binding_pattern_nested_a_hundred_thousand_deep_does_not_overflow_the_stack() {
        let depth = 100_000;
        let code = format!(
            "export const {}a{} = x;",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let f = within("100 000 deep pattern", 2 * SECOND, || facts("a.js", &code));
        assert_eq!(export_names(&f), ["a"]);
    }

    #[test]
    fn a_parse_that_exceeds_its_budget_fails_with_a_clear_error() {
        let code = format!("{}{}", "class A{m(){".repeat(2_000), "}}".repeat(2_000));
        let language = tree_sitter_javascript::LANGUAGE.into();
        let err = parse_within(&language, "JavaScript", code.as_bytes(), Duration::ZERO)
            .expect_err("a zero budget is exceeded");
        assert_eq!(err, "the JavaScript parse exceeded 0 s; not analysed");
        assert_eq!(PARSE_BUDGET, 2 * SECOND);
        assert!(parse_within(&language, "JavaScript", code.as_bytes(), PARSE_BUDGET).is_ok());
    }
}

mod references {
    use super::*;
    use omnysys_api::facts::{Shadow, ValueRef};

    /// `(name, line, caller)` of each value reference.
    fn refs(f: &FileFacts) -> Vec<(&str, u32, Option<&str>)> {
        f.references
            .iter()
            .map(|r: &ValueRef| (r.name.as_str(), r.line, r.caller.as_deref()))
            .collect()
    }

    #[test]
    fn a_multi_line_destructured_require_binds_each_name_on_its_own_line() {
        let f = facts(
            "a.js",
            "const {\n\tcompareIds,\n\tcompareSelect: select,\n\tlast = 1\n} = require(\"./util/comparators\");\n",
        );
        assert_eq!(
            f.imports,
            vec![bound(
                imp(
                    "./util/comparators",
                    &["compareIds", "compareSelect", "last"],
                    ImportKind::Require,
                    5
                ),
                &[
                    ("compareIds", "compareIds", 2),
                    ("compareSelect", "select", 3),
                    ("last", "last", 4)
                ]
            )]
        );
    }

    #[test]
    fn functions_and_imports_used_as_values_are_references_calls_and_exports_are_not() {
        let f = facts(
            "a.js",
            "const { compareSelect } = require(\"./comparators\");\n\
             const memoize = require(\"./memoize\");\n\
             function compareRuntime(a, b) { return 0; }\n\
             const byRuntime = compareSelect(c => c.runtime, compareRuntime);\n\
             const table = { compare: compareRuntime, memoize };\n\
             function pick() {\n  return compareRuntime;\n}\n\
             memoize.cache;\n\
             let unknown = somethingElse;\n\
             module.exports = { compareRuntime };\n\
             exports.pick = pick;\n",
        );
        assert_eq!(
            refs(&f),
            vec![
                ("compareRuntime", 4, None),
                ("compareRuntime", 5, None),
                ("memoize", 5, None),
                ("compareRuntime", 7, Some("pick")),
            ]
        );
        assert!(f.shadows.is_empty());
    }

    #[test]
    fn a_parameter_or_local_that_rebinds_an_imported_name_shadows_it() {
        let f = facts(
            "a.js",
            "const { formatSize } = require(\"./SizeFormatHelpers\");\n\
             function print({ formatSize }) {\n  return [formatSize];\n}\n\
             function other() {\n  if (x) {\n    const formatSize = 1;\n    use(formatSize);\n  }\n  use(formatSize);\n}\n\
             const g = (formatSize) => formatSize;\n",
        );
        assert_eq!(refs(&f), vec![("formatSize", 10, Some("other"))]);
        let shadow = |start_line, end_line| Shadow {
            name: "formatSize".to_owned(),
            start_line,
            end_line,
        };
        assert_eq!(f.shadows, vec![shadow(2, 4), shadow(6, 9), shadow(12, 12)]);
    }

    #[test]
    fn a_parameter_named_like_a_name_read_off_a_require_shadows_it() {
        let f = facts(
            "a.js",
            "const print = (size, { formatSize }) =>\n  formatSize(size);\n\
             module.exports = { formatSize: require(\"./SizeFormatHelpers\").formatSize };\n",
        );
        let shadow = Shadow {
            name: "formatSize".to_owned(),
            start_line: 1,
            end_line: 2,
        };
        assert_eq!(f.shadows, vec![shadow]);
        assert!(refs(&f).is_empty());
    }

    #[test]
    fn a_require_inside_a_function_binds_its_local_for_that_function() {
        let f = facts(
            "index.js",
            "module.exports = {\n  get validateSchema() {\n    const validateSchema = require(\"./validateSchema\");\n    return validateSchema;\n  }\n};\n",
        );
        assert_eq!(
            f.imports[0].bindings,
            vec![Binding {
                name: "*".to_owned(),
                local: "validateSchema".to_owned(),
                line: 3
            }]
        );
        assert_eq!(refs(&f), vec![("validateSchema", 4, None)]);
    }

    #[test]
    fn methods_read_without_a_call_are_references_through_this_and_the_prototype() {
        let f = facts(
            "a.js",
            "class Plugin {\n  strict() {}\n  apply() {\n    if (this.strict !== Plugin.prototype.strict) {}\n    this.other;\n    this.strict();\n  }\n}\n",
        );
        assert_eq!(
            refs(&f),
            vec![
                ("this.strict", 4, Some("Plugin.apply")),
                ("Plugin.prototype.strict", 4, Some("Plugin.apply")),
            ]
        );
    }

    #[test]
    fn export_lists_and_commonjs_exports_of_a_name_are_by_name() {
        let f = facts(
            "a.ts",
            "function a() {}\nfunction b() {}\nexport {\n  a,\n  b as c\n};\n",
        );
        assert_eq!(
            f.exports,
            vec![named("a", None, 4), named("c", Some("b"), 5)]
        );
    }

    #[test]
    fn import_aliases_are_bound_to_the_imported_name() {
        let f = facts("a.js", "import { a as b } from './x';\nb();\nfoo(b);\n");
        assert_eq!(f.imports[0].bindings[0].local, "b");
        assert_eq!(refs(&f), vec![("b", 3, None)]);
    }
}

mod fuzzing {
    use extract_support::testing::{fuzz, fuzz_iterations, seed_files};

    #[test]
    fn arbitrary_edits_of_the_fixture_files_never_panic_and_stay_fast() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/projects");
        let seeds = seed_files(&root, &["js", "mjs", "cjs", "jsx", "ts", "tsx"]);
        assert!(!seeds.is_empty(), "no seed files under {}", root.display());
        let budget = std::time::Duration::from_millis(500);
        fuzz(&seeds, fuzz_iterations(400), budget, |bytes| {
            let _ = crate::extract("src/fuzz.ts", bytes);
            let _ = crate::extract("src/fuzz.js", bytes);
        });
    }
}
