//! Fixture snippets with hand-worked expectations, calling [`extract`] directly.

use omnysys_api::facts::{Binding, Export, FileFacts, Import, ImportKind, SymbolKind};

use crate::extract;
use extract_support::testing::{
    call, export_names, exported_symbols, imp, shape, strings, symbol, symbol_names,
};

/// The imports without their bindings, for the tests of names, kinds and lines.
fn unbound(imports: &[Import]) -> Vec<Import> {
    let strip = |i: &Import| Import {
        bindings: Vec::new(),
        ..i.clone()
    };
    imports.iter().map(strip).collect()
}

/// Extracts `code`.
fn facts(code: &str) -> FileFacts {
    extract(code.as_bytes()).expect("the parser is set up")
}

/// An export value for comparisons (`local` is always `None` in Python).
fn exp(name: &str, line: u32) -> Export {
    Export {
        name: name.to_owned(),
        local: None,
        line,
        by_name: false,
    }
}

/// An `__all__` entry: an export written by name.
fn listed(name: &str, line: u32) -> Export {
    Export {
        by_name: true,
        ..exp(name, line)
    }
}

mod receivers;
mod references;

use receivers::on;

mod imports {
    use super::*;

    #[test]
    fn from_imports_bind_each_name_on_its_line_and_aliases_to_the_imported_name() {
        let f = facts(
            "from .cells import (\n    cell_len,\n    set_cell_size as resize,\n)\nimport a.b as c\nimport os\n",
        );
        let rows: Vec<Vec<(&str, &str, u32)>> = f
            .imports
            .iter()
            .map(|i| {
                i.bindings
                    .iter()
                    .map(|b: &Binding| (b.name.as_str(), b.local.as_str(), b.line))
                    .collect()
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                vec![("cell_len", "cell_len", 2), ("set_cell_size", "resize", 3)],
                vec![("*", "c", 5)],
                vec![],
            ]
        );
    }

    #[test]
    fn import_statements_give_one_whole_module_import_per_name() {
        let f = facts("import os\nimport a.b\nimport a.b as c, json\n");
        assert_eq!(
            unbound(&f.imports),
            vec![
                imp("os", &["*"], ImportKind::Static, 1),
                imp("a.b", &["*"], ImportKind::Static, 2),
                imp("a.b", &["*"], ImportKind::Static, 3),
                imp("json", &["*"], ImportKind::Static, 3),
            ]
        );
    }

    #[test]
    fn from_imports_list_the_imported_names_not_the_aliases() {
        let f = facts(
            "from a.b import x, y as z\n\
             from m import (p,\n    q)\n\
             from x import *\n",
        );
        assert_eq!(
            unbound(&f.imports),
            vec![
                imp("a.b", &["x", "y"], ImportKind::Static, 1),
                imp("m", &["p", "q"], ImportKind::Static, 2),
                imp("x", &["*"], ImportKind::Static, 4),
            ]
        );
    }

    #[test]
    fn relative_imports_keep_their_leading_dots() {
        let f = facts(
            "from . import x\n\
             from ..pkg.mod import x\n\
             from .util import helper as h\n\
             from ... import (a, b)\n",
        );
        assert_eq!(
            unbound(&f.imports),
            vec![
                imp(".", &["x"], ImportKind::Static, 1),
                imp("..pkg.mod", &["x"], ImportKind::Static, 2),
                imp(".util", &["helper"], ImportKind::Static, 3),
                imp("...", &["a", "b"], ImportKind::Static, 4),
            ]
        );
    }

    #[test]
    fn imports_guarded_by_type_checking_are_type_imports() {
        let f = facts(
            "from typing import TYPE_CHECKING\n\
             import typing\n\
             if TYPE_CHECKING:\n\
            \x20   from t import T\n\
            \x20   import u\n\
             elif typing.TYPE_CHECKING:\n\
            \x20   import v\n\
             else:\n\
            \x20   import w\n\
             if typing.TYPE_CHECKING:\n\
            \x20   if True:\n\
            \x20       from deep import D\n",
        );
        assert_eq!(
            unbound(&f.imports),
            vec![
                imp("typing", &["TYPE_CHECKING"], ImportKind::Static, 1),
                imp("typing", &["*"], ImportKind::Static, 2),
                imp("t", &["T"], ImportKind::Type, 4),
                imp("u", &["*"], ImportKind::Type, 5),
                imp("v", &["*"], ImportKind::Type, 7),
                imp("w", &["*"], ImportKind::Static, 9),
                imp("deep", &["D"], ImportKind::Type, 12),
            ]
        );
    }

    #[test]
    fn imports_inside_functions_and_try_blocks_count() {
        let f = facts(
            "try:\n\
            \x20   import ujson as json\n\
             except ImportError:\n\
            \x20   import json\n\
             \n\
             def load():\n\
            \x20   import yaml\n\
            \x20   from .. import sibling\n\
            \x20   return yaml.safe_load(sibling)\n",
        );
        assert_eq!(
            unbound(&f.imports),
            vec![
                imp("ujson", &["*"], ImportKind::Static, 2),
                imp("json", &["*"], ImportKind::Static, 4),
                imp("yaml", &["*"], ImportKind::Static, 7),
                imp("..", &["sibling"], ImportKind::Static, 8),
            ]
        );
        assert_eq!(f.calls, vec![call(Some("load"), "yaml.safe_load", 9)]);
    }

    #[test]
    fn a_future_import_is_listed_like_any_from_import() {
        let f = facts("from __future__ import annotations, division\n");
        assert_eq!(
            unbound(&f.imports),
            vec![imp(
                "__future__",
                &["annotations", "division"],
                ImportKind::Static,
                1
            )]
        );
    }
}

mod exports {
    use super::*;

    #[test]
    fn dunder_all_lists_exactly_the_exported_names() {
        let f = facts(
            "__all__ = [\"run\", 'Model']\n\
             __all__ += (\"extra\",)\n\
             \n\
             def run(): pass\n\
             def helper(): pass\n\
             class Model: pass\n\
             extra = 1\n",
        );
        assert_eq!(
            f.exports,
            vec![listed("run", 1), listed("Model", 1), listed("extra", 2)]
        );
        assert_eq!(exported_symbols(&f), ["run", "Model"]);
        assert!(!symbol(&f, "helper").exported);
    }

    #[test]
    fn dunder_all_grows_by_extend_append_and_plus_and_is_replaced_by_reassignment() {
        let f = facts(
            "from .core import base\n\
             __all__ = [\"gone\"]\n\
             __all__ = base.__all__ + [\"a\"]\n\
             __all__.extend([\"b\"])\n\
             __all__.append(\"c\")\n\
             __all__: list[str]\n\
             def a(): pass\n\
             def d(): pass\n",
        );
        assert_eq!(
            f.exports,
            vec![listed("a", 3), listed("b", 4), listed("c", 5)]
        );
        assert_eq!(exported_symbols(&f), ["a"]);
    }

    #[test]
    fn a_multiline_dunder_all_gives_each_name_its_own_line() {
        let f = facts("__all__ = (\n    \"one\",\n    \"two\",\n    not_a_string,\n)\n");
        assert_eq!(f.exports, vec![listed("one", 2), listed("two", 3)]);
    }

    #[test]
    fn without_dunder_all_every_public_module_level_name_is_exported() {
        let f = facts(
            "import os\n\
             from x import y\n\
             VERSION = \"1\"\n\
             _private = 2\n\
             a, (b, _c) = 1, (2, 3)\n\
             d = e = 4\n\
             limit: int = 5\n\
             stub: str\n\
             type Alias = int\n\
             obj.attr = 6\n\
             \n\
             def public(): pass\n\
             def _hidden(): pass\n\
             class Widget:\n\
            \x20   inner = 1\n\
            \x20   def method(self): pass\n\
             if True:\n\
            \x20   def conditional(): pass\n\
             def outer():\n\
            \x20   nested_var = 1\n\
            \x20   def nested(): pass\n",
        );
        assert_eq!(
            f.exports,
            vec![
                exp("VERSION", 3),
                exp("a", 5),
                exp("b", 5),
                exp("d", 6),
                exp("e", 6),
                exp("limit", 7),
                exp("stub", 8),
                exp("Alias", 9),
                exp("public", 12),
                exp("Widget", 14),
                exp("conditional", 18),
                exp("outer", 19),
            ]
        );
        assert_eq!(
            exported_symbols(&f),
            ["public", "Widget", "conditional", "outer"]
        );
    }

    #[test]
    fn a_name_bound_twice_is_exported_once_at_its_first_binding() {
        let f = facts("x = 1\ndef x(): pass\n");
        assert_eq!(f.exports, vec![exp("x", 1)]);
        assert!(symbol(&f, "x").exported);
    }

    #[test]
    fn dunder_all_inside_a_function_or_computed_does_not_count() {
        let f = facts(
            "def f():\n\
            \x20   __all__ = [\"hidden\"]\n\
             __all__ = compute()\n\
             def g(): pass\n",
        );
        assert_eq!(export_names(&f), ["f", "g"]);
    }
}

mod symbols {
    use super::*;

    #[test]
    fn functions_classes_and_methods_are_named_and_spanned() {
        let f = facts(
            "def top(a, b):\n\
            \x20   return a\n\
             \n\
             class Service(Base):\n\
            \x20   def __init__(self, api):\n\
            \x20       self.api = api\n\
             \n\
            \x20   async def fetch(self, id):\n\
            \x20       pass\n\
             \n\
            \x20   @classmethod\n\
            \x20   def create(cls, *args, **kw):\n\
            \x20       pass\n\
             \n\
            \x20   @staticmethod\n\
            \x20   def util(x):\n\
            \x20       pass\n",
        );
        assert_eq!(
            symbol_names(&f),
            [
                "top",
                "Service",
                "Service.__init__",
                "Service.fetch",
                "Service.create",
                "Service.util"
            ]
        );
        assert_eq!(shape(symbol(&f, "top")), (SymbolKind::Function, 1, 2));
        assert_eq!(symbol(&f, "top").params, strings(&["a", "b"]));
        assert_eq!(shape(symbol(&f, "Service")), (SymbolKind::Class, 4, 17));
        let init = symbol(&f, "Service.__init__");
        assert_eq!(shape(init), (SymbolKind::Method, 5, 6));
        assert_eq!(init.params, strings(&["api"]));
        let fetch = symbol(&f, "Service.fetch");
        assert_eq!(shape(fetch), (SymbolKind::Method, 8, 9));
        assert!(fetch.is_async);
        assert_eq!(fetch.params, strings(&["id"]));
        let create = symbol(&f, "Service.create");
        assert_eq!(shape(create), (SymbolKind::Method, 11, 13));
        assert_eq!(create.params, strings(&["args", "kw"]));
        assert!(!create.is_async);
        assert_eq!(
            shape(symbol(&f, "Service.util")),
            (SymbolKind::Method, 15, 17)
        );
        assert_eq!(symbol(&f, "Service.util").params, strings(&["x"]));
        assert_eq!(exported_symbols(&f), ["top", "Service"]);
    }

    #[test]
    fn params_strip_defaults_annotations_stars_and_separators() {
        let f = facts(
            "def f(a, b=1, *args, c: int = 2, d: str, **kw): pass\n\
             def g(x, /, y, *, z): pass\n\
             def h(self, cls): pass\n\
             def i(*, key: str = \"k\", **options: object) -> None: pass\n",
        );
        assert_eq!(
            symbol(&f, "f").params,
            strings(&["a", "b", "args", "c", "d", "kw"])
        );
        assert_eq!(symbol(&f, "g").params, strings(&["x", "y", "z"]));
        assert_eq!(symbol(&f, "h").params, strings(&["self", "cls"]));
        assert_eq!(symbol(&f, "i").params, strings(&["key", "options"]));
    }

    #[test]
    fn nested_functions_and_classes_use_their_own_name() {
        let f = facts(
            "def outer():\n\
            \x20   def inner():\n\
            \x20       helper()\n\
            \x20   class Local:\n\
            \x20       def run(self):\n\
            \x20           inner()\n\
            \x20   return inner\n",
        );
        assert_eq!(symbol_names(&f), ["outer", "inner", "Local", "Local.run"]);
        assert_eq!(shape(symbol(&f, "outer")), (SymbolKind::Function, 1, 7));
        assert_eq!(shape(symbol(&f, "inner")), (SymbolKind::Function, 2, 3));
        assert_eq!(shape(symbol(&f, "Local")), (SymbolKind::Class, 4, 6));
        assert_eq!(shape(symbol(&f, "Local.run")), (SymbolKind::Method, 5, 6));
        assert_eq!(exported_symbols(&f), ["outer"]);
        assert_eq!(
            f.calls,
            vec![
                call(Some("inner"), "helper", 3),
                call(Some("Local.run"), "inner", 6)
            ]
        );
    }

    #[test]
    fn decorated_definitions_span_from_the_first_decorator() {
        let f = facts(
            "@app.route(\"/\")\n\
             @login_required\n\
             async def index(request):\n\
            \x20   return render(request)\n",
        );
        let index = symbol(&f, "index");
        assert_eq!(shape(index), (SymbolKind::Function, 1, 4));
        assert!(index.is_async && index.exported);
        assert_eq!(index.params, strings(&["request"]));
        assert_eq!(
            f.calls,
            vec![call(None, "app.route", 1), call(Some("index"), "render", 4)]
        );
    }

    #[test]
    fn methods_in_conditional_class_blocks_are_still_methods() {
        let f = facts(
            "class Compat:\n\
            \x20   if PY3:\n\
            \x20       def text(self, s):\n\
            \x20           return s\n\
            \x20   else:\n\
            \x20       def text(self, s):\n\
            \x20           return s.decode()\n",
        );
        assert_eq!(symbol_names(&f), ["Compat", "Compat.text", "Compat.text"]);
        assert_eq!(shape(&f.symbols[1]), (SymbolKind::Method, 3, 4));
        assert_eq!(shape(&f.symbols[2]), (SymbolKind::Method, 6, 7));
        assert_eq!(f.symbols[2].params, strings(&["s"]));
        assert_eq!(f.calls, vec![call(Some("Compat.text"), "s.decode", 7)]);
    }

    #[test]
    fn nested_classes_name_their_methods_by_the_inner_class() {
        let f = facts(
            "class Outer:\n\
            \x20   class Meta:\n\
            \x20       @cached(ttl=5)\n\
            \x20       def options(self): pass\n",
        );
        assert_eq!(symbol_names(&f), ["Outer", "Meta", "Meta.options"]);
        assert_eq!(
            shape(symbol(&f, "Meta.options")),
            (SymbolKind::Method, 3, 4)
        );
        assert_eq!(exported_symbols(&f), ["Outer"]);
        assert_eq!(f.calls, vec![call(Some("Meta"), "cached", 3)]);
    }
}

mod calls {
    use super::*;

    #[test]
    fn calls_record_callee_as_written_and_the_enclosing_caller() {
        let f = facts(
            "setup()\n\
             class Handler(Base):\n\
            \x20   registry = make_registry()\n\
            \x20   def handle(self, event):\n\
            \x20       self.validate(event)\n\
            \x20       os.path.join(\"a\", \"b\")\n\
            \x20       super().handle(event)\n\
            \x20       items[0].run()\n\
            \x20       (lambda: 1)()\n\
            \x20       process = lambda e: emit(e)\n\
            \x20       return [transform(x) for x in event]\n\
             \n\
             if __name__ == \"__main__\":\n\
            \x20   main()\n",
        );
        assert_eq!(
            f.calls,
            vec![
                call(None, "setup", 1),
                call(Some("Handler"), "make_registry", 3),
                on(call(Some("Handler.handle"), "self.validate", 5), "Handler"),
                call(Some("Handler.handle"), "os.path.join", 6),
                on(call(Some("Handler.handle"), "super().handle", 7), "Base"),
                call(Some("Handler.handle"), "super", 7),
                call(Some("Handler.handle"), "items[0].run", 8),
                call(Some("Handler.handle"), "emit", 10),
                call(Some("Handler.handle"), "transform", 11),
                call(None, "main", 14),
            ]
        );
    }

    #[test]
    fn chained_calls_keep_each_link_on_its_own_line() {
        let f = facts("result = (query()\n    .filter(x)\n    .all())\n");
        assert_eq!(
            f.calls,
            vec![
                call(None, "query().filter().all", 3),
                call(None, "query().filter", 2),
                call(None, "query", 1),
            ]
        );
    }
}

mod files {
    use super::*;

    #[test]
    fn a_file_with_a_syntax_error_is_partial_yet_keeps_the_parsable_function() {
        let f = facts(
            "def good(a):\n\
            \x20   return helper(a)\n\
             \n\
             def broken(:\n\
            \x20   pass\n\
             class (:\n",
        );
        assert!(f.partial);
        assert_eq!(shape(symbol(&f, "good")), (SymbolKind::Function, 1, 2));
        assert!(f.calls.contains(&call(Some("good"), "helper", 2)));
    }

    #[test]
    fn a_clean_file_is_not_partial() {
        assert!(!facts("def ok():\n    return 1\n").partial);
    }

    #[test]
    fn a_stub_file_exports_annotations_and_signatures() {
        let f = facts(
            "from typing import overload\n\
             version: str\n\
             def parse(text: str) -> Node: ...\n\
             class Node:\n\
            \x20   kind: str\n\
            \x20   def walk(self) -> list[Node]: ...\n",
        );
        assert!(!f.partial);
        assert_eq!(
            f.exports,
            vec![exp("version", 2), exp("parse", 3), exp("Node", 4)]
        );
        assert_eq!(symbol_names(&f), ["parse", "Node", "Node.walk"]);
        assert_eq!(symbol(&f, "parse").params, strings(&["text"]));
        assert!(symbol(&f, "Node.walk").params.is_empty());
    }

    #[test]
    fn lines_count_the_last_line_with_or_without_a_newline() {
        assert_eq!(facts("").lines, 0);
        assert_eq!(facts("a()").lines, 1);
        assert_eq!(facts("a()\n").lines, 1);
        assert_eq!(facts("a()\n\nb()").lines, 3);
    }

    #[test]
    fn invalid_utf8_still_extracts_what_parsed() {
        let mut bytes = b"s = '".to_vec();
        bytes.extend([0xff, 0xfe]);
        bytes.extend(b"'\ndef ok(): pass\n");
        let f = extract(&bytes).expect("the parser is set up");
        assert_eq!(symbol(&f, "ok").start_line, 2);
        assert!(symbol(&f, "ok").exported);
    }

    #[test]
    fn the_spec_covers_python_sources_and_stubs() {
        let spec = crate::spec();
        assert_eq!(spec.name, "python");
        assert_eq!(spec.version, "7");
        assert_eq!(spec.languages, strings(&["python"]));
        assert_eq!(spec.extensions, strings(&["py", "pyi"]));
    }
}

mod robustness {
    use super::*;

    #[test]
    fn a_very_long_call_chain_is_cut_but_every_call_is_kept() {
        let code = format!("builder{}\n", ".step()".repeat(500));
        let f = facts(&code);
        assert_eq!(f.calls.len(), 500);
        assert!(f.calls[0].callee.starts_with('…'));
        assert!(f.calls[0].callee.ends_with(".step"));
        assert_eq!(f.calls[499].callee, "builder.step");
    }

    #[test]
    fn deeply_nested_calls_do_not_overflow_the_stack() {
        let depth = 3_000;
        let code = format!("{}x{}\n", "f(".repeat(depth), ")".repeat(depth));
        let f = facts(&code);
        assert_eq!(f.calls.iter().filter(|c| c.callee == "f").count(), depth);
    }

    #[test]
    fn deeply_nested_functions_keep_the_innermost_caller() {
        let depth = 200;
        let mut code = String::new();
        for level in 0..depth {
            code.push_str(&" ".repeat(level));
            code.push_str(&format!("def f{level}():\n"));
        }
        code.push_str(&" ".repeat(depth));
        code.push_str("leaf()\n");
        let f = facts(&code);
        assert!(!f.partial);
        assert_eq!(f.symbols.len(), depth);
        assert_eq!(f.calls, vec![call(Some("f199"), "leaf", depth as u32 + 1)]);
    }
}

/// Pathological inputs: each extracts in linear time and without overflowing the stack. The
/// bounds hold in a release build (ten times them in a debug one).
mod pathological {
    use std::time::Duration;

    use extract_support::parse::parse_within;
    use extract_support::testing::within;

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    /// The facts of `code`, parsed without the parse budget (a loaded machine running an
    /// unoptimised debug build may take longer than it on these inputs).
    fn facts(code: &str) -> FileFacts {
        let language = tree_sitter_python::LANGUAGE.into();
        let tree = parse_within(&language, "Python", code.as_bytes(), Duration::MAX)
            .expect("the parser is set up");
        crate::collect::collect(&tree, crate::parse::Source::new(code.as_bytes()))
    }

    /// `n` nested `if TYPE_CHECKING:` blocks, each importing `a` and defining `f`.
    fn nested_ifs(n: usize) -> String {
        let mut code = String::new();
        for i in 0..n {
            let pad = " ".repeat(i);
            code += &format!("{pad}if TYPE_CHECKING:\n{pad} import a\n{pad} def f(): pass\n");
        }
        code
    }

    #[test]
    fn imports_under_five_hundred_nested_ifs_extract_in_under_a_second() {
        let code = nested_ifs(500);
        let f = within("500 nested ifs", SECOND, || facts(&code));
        assert_eq!(f.imports.len(), 500);
        assert!(f.imports.iter().all(|i| i.kind == ImportKind::Type));
        assert_eq!(f.symbols.len(), 500);
    }

    #[test]
    fn methods_under_five_hundred_nested_ifs_in_a_class_extract_in_under_a_second() {
        let mut code = String::from("class C:\n");
        for i in 1..=500 {
            let pad = " ".repeat(i);
            code += &format!("{pad}if x:\n{pad} def m(self): pass\n");
        }
        let f = within("500 nested ifs in a class", SECOND, || facts(&code));
        assert_eq!(f.symbols.len(), 501);
        assert!(f.symbols[1..].iter().all(|s| s.name == "C.m"));
    }

    #[test]
    fn a_hundred_thousand_open_parentheses_do_not_overflow_the_stack() {
        let f = within("100 000 parentheses", SECOND, || {
            facts(&"(".repeat(100_000))
        });
        assert!(f.partial);
    }

    #[test]
    fn a_hundred_thousand_open_brackets_do_not_overflow_the_stack() {
        let f = within("100 000 brackets", SECOND, || facts(&"[".repeat(100_000)));
        assert!(f.partial);
    }

    #[test]
    fn an_all_sum_of_thirty_thousand_lists_does_not_overflow_the_stack() {
        // Each `+` nests the sum one level deeper; more terms would take a debug build's parser
        // past the parse budget.
        let code = format!("__all__ = {}\n", vec!["['a']"; 30_000].join(" + "));
        let f = within("30 000 term __all__", SECOND, || facts(&code));
        assert_eq!(f.exports.len(), 1);
    }

    #[test]
    fn an_assignment_target_nested_a_hundred_thousand_deep_does_not_overflow_the_stack() {
        let depth = 100_000;
        let code = format!("{}a{} = x\n", "[".repeat(depth), "]".repeat(depth));
        let f = within("100 000 deep target", 2 * SECOND, || facts(&code));
        assert_eq!(f.exports.len(), 1);
    }
}

mod fuzzing {
    use extract_support::testing::{fuzz, fuzz_iterations, seed_files};

    #[test]
    fn arbitrary_edits_of_the_fixture_files_never_panic_and_stay_fast() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/projects");
        let seeds = seed_files(&root, &["py"]);
        assert!(!seeds.is_empty(), "no seed files under {}", root.display());
        let budget = std::time::Duration::from_millis(500);
        fuzz(&seeds, fuzz_iterations(400), budget, |bytes| {
            let _ = crate::extract(bytes);
        });
    }
}
