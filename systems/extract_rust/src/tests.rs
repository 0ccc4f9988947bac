//! Fixture snippets with hand-worked expectations, calling [`extract`] directly.

use omnysys_api::facts::{Export, FileFacts, ImportKind, SymbolKind};

use crate::extract;
use extract_support::testing::{
    call, export_names, exported_symbols, imp, shape, strings, symbol, symbol_names,
};

/// Extracts `code`.
fn facts(code: &str) -> FileFacts {
    extract(code.as_bytes()).expect("the parser is set up")
}

/// The calls of `f` as written: receivers ([`crate::receivers`], tested apart) left out.
fn written(f: &FileFacts) -> Vec<omnysys_api::facts::CallSite> {
    let mut calls = f.calls.clone();
    for call in &mut calls {
        call.receiver = None;
    }
    calls
}

/// An export value for comparisons (`local` is always `None` in Rust).
fn exp(name: &str, line: u32) -> Export {
    Export {
        name: name.to_owned(),
        local: None,
        line,
        by_name: false,
    }
}

mod imports {
    use super::*;

    #[test]
    fn module_declarations_are_whole_module_imports_but_inline_modules_are_not() {
        let f = facts(
            "mod foo;\n\
             pub mod bar;\n\
             mod inline {\n\
            \x20   mod nested;\n\
            \x20   fn f() {}\n\
             }\n\
             pub(crate) mod hidden;\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("foo", &["*"], ImportKind::Static, 1),
                imp("bar", &["*"], ImportKind::Static, 2),
                imp("inline::nested", &["*"], ImportKind::Static, 4),
                imp("hidden", &["*"], ImportKind::Static, 7),
            ]
        );
        assert_eq!(f.exports, vec![exp("bar", 2)]);
    }

    #[test]
    fn self_and_super_inside_inline_modules_are_made_relative_to_the_file() {
        let f = facts(
            "use super::top;\n\
             mod m {\n\
            \x20   use super::*;\n\
            \x20   use super::b::c::{d, e};\n\
            \x20   use self::inner::x;\n\
            \x20   use super::super::up;\n\
            \x20   use crate::a::f;\n\
            \x20   use std::fmt;\n\
            \x20   mod n {\n\
            \x20       use super::super::b::g;\n\
            \x20       use super::h;\n\
            \x20   }\n\
             }\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("super", &["top"], ImportKind::Static, 1),
                imp("self", &["*"], ImportKind::Static, 3),
                imp("self::b::c", &["d", "e"], ImportKind::Static, 4),
                imp("self::m::inner", &["x"], ImportKind::Static, 5),
                imp("super", &["up"], ImportKind::Static, 6),
                imp("crate::a", &["f"], ImportKind::Static, 7),
                imp("std", &["fmt"], ImportKind::Static, 8),
                imp("self::b", &["g"], ImportKind::Static, 10),
                imp("self::m", &["h"], ImportKind::Static, 11),
            ]
        );
    }

    #[test]
    fn use_declarations_split_into_a_prefix_and_the_imported_names() {
        let f = facts(
            "use a::b::c;\n\
             use a::b::{c, d as e};\n\
             use a::b::*;\n\
             use a::b::c::{self};\n\
             use a::b::c as renamed;\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("a::b", &["c"], ImportKind::Static, 1),
                imp("a::b", &["c", "d"], ImportKind::Static, 2),
                imp("a::b", &["*"], ImportKind::Static, 3),
                imp("a::b::c", &["self"], ImportKind::Static, 4),
                imp("a::b", &["c"], ImportKind::Static, 5),
            ]
        );
        assert!(f.exports.is_empty());
    }

    #[test]
    fn nested_use_groups_are_flattened_into_one_import_per_prefix() {
        let f = facts(
            "use a::{b::{c, d}, e, b::f};\n\
             use std::{\n\
            \x20   collections::HashMap,\n\
            \x20   fmt::{self, Display},\n\
            \x20   io,\n\
             };\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("a::b", &["c", "d", "f"], ImportKind::Static, 1),
                imp("a", &["e"], ImportKind::Static, 1),
                imp("std::collections", &["HashMap"], ImportKind::Static, 2),
                imp("std::fmt", &["self", "Display"], ImportKind::Static, 2),
                imp("std", &["io"], ImportKind::Static, 2),
            ]
        );
    }

    #[test]
    fn crate_super_self_and_absolute_paths_are_kept_as_written() {
        let f = facts(
            "use crate::x::y;\n\
             use super::*;\n\
             use self::inner::{Thing};\n\
             use ::std::fmt;\n\
             use serde;\n\
             use {alpha::beta, gamma};\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("crate::x", &["y"], ImportKind::Static, 1),
                imp("super", &["*"], ImportKind::Static, 2),
                imp("self::inner", &["Thing"], ImportKind::Static, 3),
                imp("::std", &["fmt"], ImportKind::Static, 4),
                imp("serde", &["self"], ImportKind::Static, 5),
                imp("alpha", &["beta"], ImportKind::Static, 6),
                imp("gamma", &["self"], ImportKind::Static, 6),
            ]
        );
    }

    #[test]
    fn pub_use_is_a_reexport_and_exports_each_name_it_binds() {
        let f = facts(
            "pub use crate::a::f;\n\
             pub use self::b::{g, h as i, self};\n\
             pub use c::*;\n\
             pub(crate) use d::j;\n\
             use e::k;\n\
             mod m {\n\
            \x20   pub use z::w;\n\
             }\n",
        );
        assert_eq!(
            f.imports,
            vec![
                imp("crate::a", &["f"], ImportKind::ReExport, 1),
                imp("self::b", &["g", "h", "self"], ImportKind::ReExport, 2),
                imp("c", &["*"], ImportKind::ReExport, 3),
                imp("d", &["j"], ImportKind::Static, 4),
                imp("e", &["k"], ImportKind::Static, 5),
                imp("z", &["w"], ImportKind::Static, 7),
            ]
        );
        assert_eq!(
            f.exports,
            vec![exp("f", 1), exp("g", 2), exp("i", 2), exp("b", 2)]
        );
    }

    #[test]
    fn a_multiline_pub_use_exports_each_name_on_its_own_line() {
        let f = facts("pub use inner::{\n    One,\n    Two as Deux,\n};\n");
        assert_eq!(
            f.imports,
            vec![imp("inner", &["One", "Two"], ImportKind::ReExport, 1)]
        );
        assert_eq!(f.exports, vec![exp("One", 2), exp("Deux", 3)]);
    }

    #[test]
    fn extern_crate_declarations_are_whole_crate_imports() {
        let f = facts("extern crate serde;\n#[macro_use]\nextern crate log as logging;\n");
        assert_eq!(
            f.imports,
            vec![
                imp("serde", &["*"], ImportKind::Static, 1),
                imp("log", &["*"], ImportKind::Static, 3),
            ]
        );
    }

    #[test]
    fn imports_inside_functions_count() {
        let f = facts("fn f() {\n    use std::mem::swap;\n    swap(a, b);\n}\n");
        assert_eq!(
            f.imports,
            vec![imp("std::mem", &["swap"], ImportKind::Static, 2)]
        );
        assert_eq!(f.calls, vec![call(Some("f"), "swap", 3)]);
    }
}

mod exports {
    use super::*;

    #[test]
    fn plain_pub_items_at_file_level_are_exported() {
        let f = facts(
            "pub fn f() {}\n\
             pub struct S;\n\
             pub enum E { A }\n\
             pub union U { a: u8 }\n\
             pub trait T {}\n\
             pub type Alias = u8;\n\
             pub const C: u8 = 1;\n\
             pub static ST: u8 = 2;\n\
             pub mod inline {}\n\
             pub mod declared;\n\
             fn private() {}\n\
             pub(crate) fn krate() {}\n\
             pub(super) struct Up;\n\
             pub(in crate::a) fn scoped() {}\n\
             mod hidden {\n\
            \x20   pub fn inner() {}\n\
             }\n\
             impl S {\n\
            \x20   pub fn method(&self) {}\n\
             }\n",
        );
        assert!(!f.partial);
        assert_eq!(
            f.exports,
            vec![
                exp("f", 1),
                exp("S", 2),
                exp("E", 3),
                exp("U", 4),
                exp("T", 5),
                exp("Alias", 6),
                exp("C", 7),
                exp("ST", 8),
                exp("inline", 9),
                exp("declared", 10),
            ]
        );
        assert_eq!(exported_symbols(&f), ["f", "S", "E", "U", "T", "S.method"]);
        for private in ["private", "krate", "Up", "scoped", "inner"] {
            assert!(!symbol(&f, private).exported, "{private}");
        }
    }

    #[test]
    fn macro_export_macros_are_exported_by_name() {
        let f = facts(
            "#[macro_export]\n\
             /// Makes things.\n\
             macro_rules! make { () => {} }\n\
             macro_rules! local { () => {} }\n\
             #[macro_export(local_inner_macros)]\n\
             #[doc(hidden)]\n\
             macro_rules! helper { () => {} }\n",
        );
        assert_eq!(f.exports, vec![exp("make", 3), exp("helper", 7)]);
        assert!(f.symbols.is_empty());
    }

    #[test]
    fn a_name_exported_twice_is_listed_once() {
        let f = facts("pub mod x;\npub fn x() {}\n");
        assert_eq!(export_names(&f), ["x"]);
        assert!(symbol(&f, "x").exported);
    }
}

mod symbols {
    use super::*;

    #[test]
    fn free_functions_types_and_methods_are_named_and_spanned() {
        let f = facts(
            "pub struct Point {\n\
            \x20   x: i32,\n\
             }\n\
             \n\
             impl Point {\n\
            \x20   pub fn new(x: i32) -> Self {\n\
            \x20       Point { x }\n\
            \x20   }\n\
             \n\
            \x20   fn norm(&self) -> i32 {\n\
            \x20       self.x\n\
            \x20   }\n\
             }\n\
             \n\
             impl<T> fmt::Display for Wrapper<T> {\n\
            \x20   fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n\
            \x20       write!(f, \"w\")\n\
            \x20   }\n\
             }\n\
             \n\
             pub trait Shape {\n\
            \x20   fn area(&self) -> f64;\n\
            \x20   fn describe(&self) -> String {\n\
            \x20       String::new()\n\
            \x20   }\n\
             }\n\
             \n\
             enum Kind { A, B }\n",
        );
        assert_eq!(
            symbol_names(&f),
            [
                "Point",
                "Point.new",
                "Point.norm",
                "Wrapper.fmt",
                "Shape",
                "Shape.area",
                "Shape.describe",
                "Kind"
            ]
        );
        assert_eq!(shape(symbol(&f, "Point")), (SymbolKind::Class, 1, 3));
        assert_eq!(shape(symbol(&f, "Point.new")), (SymbolKind::Method, 6, 8));
        assert_eq!(symbol(&f, "Point.new").params, strings(&["x"]));
        assert_eq!(
            shape(symbol(&f, "Point.norm")),
            (SymbolKind::Method, 10, 12)
        );
        assert!(symbol(&f, "Point.norm").params.is_empty());
        assert_eq!(
            shape(symbol(&f, "Wrapper.fmt")),
            (SymbolKind::Method, 16, 18)
        );
        assert_eq!(symbol(&f, "Wrapper.fmt").params, strings(&["f"]));
        assert_eq!(shape(symbol(&f, "Shape")), (SymbolKind::Class, 21, 26));
        assert_eq!(
            shape(symbol(&f, "Shape.area")),
            (SymbolKind::Method, 22, 22)
        );
        assert_eq!(
            shape(symbol(&f, "Shape.describe")),
            (SymbolKind::Method, 23, 25)
        );
        assert_eq!(shape(symbol(&f, "Kind")), (SymbolKind::Class, 28, 28));
        assert_eq!(
            exported_symbols(&f),
            [
                "Point",
                "Point.new",
                "Shape",
                "Shape.area",
                "Shape.describe"
            ]
        );
        assert_eq!(
            written(&f),
            vec![
                call(Some("Wrapper.fmt"), "write!", 17),
                call(Some("Shape.describe"), "String::new", 24),
            ]
        );
    }

    #[test]
    fn params_are_pattern_names_without_self() {
        let f = facts(
            "fn f(mut a: i32, (b, c): (i32, i32), _: u8, &d: &u8) {}\n\
             impl X {\n\
            \x20   fn m(self: Box<Self>, y: u8) {}\n\
            \x20   fn n(&mut self) {}\n\
            \x20   fn o(mut self, #[allow(unused)] z: u8) {}\n\
             }\n",
        );
        assert_eq!(symbol(&f, "f").params, strings(&["a", "(b, c)", "_", "&d"]));
        assert_eq!(symbol(&f, "X.m").params, strings(&["y"]));
        assert!(symbol(&f, "X.n").params.is_empty());
        assert_eq!(symbol(&f, "X.o").params, strings(&["z"]));
    }

    #[test]
    fn nested_functions_use_their_own_name_and_are_callers() {
        let f = facts(
            "fn outer() {\n\
            \x20   fn inner() {\n\
            \x20       helper();\n\
            \x20   }\n\
            \x20   inner();\n\
            \x20   let c = |x| compute(x);\n\
             }\n",
        );
        assert_eq!(symbol_names(&f), ["outer", "inner"]);
        assert_eq!(shape(symbol(&f, "outer")), (SymbolKind::Function, 1, 7));
        assert_eq!(shape(symbol(&f, "inner")), (SymbolKind::Function, 2, 4));
        assert!(exported_symbols(&f).is_empty());
        assert_eq!(
            written(&f),
            vec![
                call(Some("inner"), "helper", 3),
                call(Some("outer"), "inner", 5),
                call(Some("outer"), "compute", 6),
            ]
        );
    }

    #[test]
    fn async_functions_and_methods_are_async() {
        let f = facts(
            "pub async fn load() {}\n\
             pub const fn fixed() -> u8 { 1 }\n\
             pub async unsafe fn risky() {}\n\
             impl S { async fn go(&self) {} }\n",
        );
        let flags: Vec<(&str, bool)> = f
            .symbols
            .iter()
            .map(|s| (s.name.as_str(), s.is_async))
            .collect();
        assert_eq!(
            flags,
            [
                ("load", true),
                ("fixed", false),
                ("risky", true),
                ("S.go", true)
            ]
        );
    }

    #[test]
    fn items_inside_functions_and_inline_modules_are_not_exported() {
        let f = facts(
            "pub mod api {\n\
            \x20   pub fn call() {}\n\
            \x20   pub struct Req;\n\
            \x20   impl Req { pub fn send(&self) {} }\n\
             }\n\
             pub fn run() {\n\
            \x20   struct Local;\n\
             }\n",
        );
        assert_eq!(
            symbol_names(&f),
            ["call", "Req", "Req.send", "run", "Local"]
        );
        assert_eq!(exported_symbols(&f), ["run"]);
        assert_eq!(export_names(&f), ["api", "run"]);
    }

    #[test]
    fn impl_types_are_named_without_generics_paths_or_references() {
        let f = facts(
            "impl<'a, T: Clone> Trait for &'a mut crate::m::Holder<T> { fn get(&self) {} }\n\
             impl Trait for (u8, u8) { fn pair(&self) {} }\n\
             impl dyn Any { fn is(&self) {} }\n",
        );
        assert_eq!(
            symbol_names(&f),
            ["Holder.get", "(u8, u8).pair", "dyn Any.is"]
        );
    }
}

mod calls {
    use super::*;

    #[test]
    fn calls_record_callee_as_written_and_the_enclosing_function() {
        let f = facts(
            "static TABLE: Lazy<u8> = Lazy::new(init);\n\
             fn main() {\n\
            \x20   setup();\n\
            \x20   let p = Point::new(1);\n\
            \x20   p.x.y.z();\n\
            \x20   self.bar();\n\
            \x20   parse::<u8>(s);\n\
            \x20   client.get(url).await?.json();\n\
            \x20   (self.f)();\n\
            \x20   items[0].run();\n\
             }\n",
        );
        assert_eq!(
            written(&f),
            vec![
                call(None, "Lazy::new", 1),
                call(Some("main"), "setup", 3),
                call(Some("main"), "Point::new", 4),
                call(Some("main"), "p.x.y.z", 5),
                call(Some("main"), "self.bar", 6),
                call(Some("main"), "parse", 7),
                call(Some("main"), "client.get().await?.json", 8),
                call(Some("main"), "client.get", 8),
                call(Some("main"), "items[0].run", 10),
            ]
        );
    }

    #[test]
    fn methods_are_the_callers_inside_impl_blocks() {
        let f = facts(
            "impl Engine {\n\
            \x20   const SIZE: usize = size();\n\
            \x20   pub fn start(&self) {\n\
            \x20       self.warm_up();\n\
            \x20       Self::log();\n\
            \x20   }\n\
             }\n",
        );
        assert_eq!(
            written(&f),
            vec![
                call(None, "size", 2),
                call(Some("Engine.start"), "self.warm_up", 4),
                call(Some("Engine.start"), "Self::log", 5),
            ]
        );
    }

    #[test]
    fn macros_are_calls_named_with_a_bang_and_their_arguments_and_macro_rules_bodies_are_scanned() {
        let f = facts(
            "fn report() {\n\
            \x20   println!(\"{}\", self.name());\n\
            \x20   let v = vec![Item::new(1), make()];\n\
            \x20   assert_eq!(compute(a.b(), x.await.y()), !z(), \"m\", format!(\"{}\", w.0.len()));\n\
            \x20   tokio::select! {\n\
            \x20       r = rx.recv() => handle(r),\n\
            \x20   }\n\
             }\n\
             #[cfg(all(unix, not(test)))]\n\
             fn g() {}\n\
             macro_rules! m { () => { hidden() } }\n",
        );
        let report = Some("report");
        assert_eq!(
            written(&f),
            vec![
                call(report, "println!", 2),
                call(report, "self.name", 2),
                call(report, "vec!", 3),
                call(report, "Item::new", 3),
                call(report, "make", 3),
                call(report, "assert_eq!", 4),
                call(report, "compute", 4),
                call(report, "z", 4),
                call(report, "format!", 4),
                call(report, "a.b", 4),
                call(report, "x.await.y", 4),
                call(report, "w.0.len", 4),
                call(report, "tokio::select!", 5),
                call(report, "rx.recv", 6),
                call(report, "handle", 6),
                call(None, "hidden", 11),
            ]
        );
    }

    #[test]
    fn chained_calls_keep_each_link_on_its_own_line() {
        let f = facts("fn f() {\n    builder()\n        .step()\n        .finish();\n}\n");
        assert_eq!(
            written(&f),
            vec![
                call(Some("f"), "builder().step().finish", 4),
                call(Some("f"), "builder().step", 3),
                call(Some("f"), "builder", 2),
            ]
        );
    }
}

mod files {
    use super::*;

    #[test]
    fn a_file_with_a_syntax_error_is_partial_yet_keeps_the_parsable_function() {
        let f = facts(
            "fn good(a: u8) -> u8 {\n\
            \x20   helper(a)\n\
             }\n\
             \n\
             fn broken( {\n\
             struct {\n",
        );
        assert!(f.partial);
        assert_eq!(shape(symbol(&f, "good")), (SymbolKind::Function, 1, 3));
        assert!(f.calls.contains(&call(Some("good"), "helper", 2)));
    }

    #[test]
    fn a_clean_file_is_not_partial() {
        assert!(!facts("fn ok() -> u8 {\n    1\n}\n").partial);
    }

    #[test]
    fn lines_count_the_last_line_with_or_without_a_newline() {
        assert_eq!(facts("").lines, 0);
        assert_eq!(facts("fn a() {}").lines, 1);
        assert_eq!(facts("fn a() {}\n").lines, 1);
        assert_eq!(facts("fn a() {}\n\nfn b() {}").lines, 3);
    }

    #[test]
    fn invalid_utf8_still_extracts_what_parsed() {
        let mut bytes = b"const S: &str = \"".to_vec();
        bytes.extend([0xff, 0xfe]);
        bytes.extend(b"\";\npub fn ok() {}\n");
        let f = extract(&bytes).expect("the parser is set up");
        assert_eq!(symbol(&f, "ok").start_line, 2);
        assert!(symbol(&f, "ok").exported);
    }

    #[test]
    fn the_spec_covers_rust_files() {
        let spec = crate::spec();
        assert_eq!(spec.name, "rust");
        assert_eq!(spec.version, "5");
        assert_eq!(spec.languages, strings(&["rust"]));
        assert_eq!(spec.extensions, strings(&["rs"]));
    }
}

mod robustness {
    use super::*;

    #[test]
    fn a_very_long_call_chain_is_cut_but_every_call_is_kept() {
        let code = format!("fn f() {{\n    builder{};\n}}\n", ".step()".repeat(500));
        let f = facts(&code);
        assert_eq!(f.calls.len(), 500);
        assert!(f.calls[0].callee.starts_with('…'));
        assert!(f.calls[0].callee.ends_with(".step"));
        assert_eq!(f.calls[499].callee, "builder.step");
    }

    #[test]
    fn deeply_nested_calls_do_not_overflow_the_stack() {
        let depth = 3_000;
        let code = format!(
            "fn f() {{ {}x{}; }}\n",
            "g(".repeat(depth),
            ")".repeat(depth)
        );
        let f = facts(&code);
        assert_eq!(f.calls.iter().filter(|c| c.callee == "g").count(), depth);
    }

    #[test]
    fn deeply_nested_macro_arguments_do_not_overflow_the_stack() {
        let depth = 3_000;
        let code = format!(
            "fn f() {{ m!({}x{}); }}\n",
            "g(".repeat(depth),
            ")".repeat(depth)
        );
        let f = facts(&code);
        assert_eq!(f.calls.iter().filter(|c| c.callee == "g").count(), depth);
        assert_eq!(f.calls[0], call(Some("f"), "m!", 1));
    }
}

/// Pathological inputs: each extracts in linear time and without overflowing the stack. The
/// bounds hold in a release build (ten times them in a debug one).
mod pathological {
    use std::time::Duration;

    use extract_support::parse::parse_within;
    use extract_support::testing::within;

    use crate::imports::MAX_INLINE_MODULES;
    use crate::uses::MAX_GROUP_DEPTH;

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    /// The facts of `code`, parsed without the parse budget (a loaded machine running an
    /// unoptimised debug build may take longer than it on these inputs).
    fn facts(code: &str) -> FileFacts {
        let language = tree_sitter_rust::LANGUAGE.into();
        let tree = parse_within(&language, "Rust", code.as_bytes(), Duration::MAX)
            .expect("the parser is set up");
        crate::collect::collect(&tree, crate::parse::Source::new(code.as_bytes()))
    }

    #[test]
    fn ten_thousand_nested_functions_extract_in_under_a_second() {
        let n = 10_000;
        let code = format!("{}{}", "pub fn f(){".repeat(n), "}".repeat(n));
        let f = within("10 000 nested fns", SECOND, || facts(&code));
        assert_eq!(f.symbols.len(), n);
        assert_eq!(exported_symbols(&f), ["f"]);
    }

    #[test]
    fn five_thousand_nested_impl_methods_extract_in_under_a_second() {
        let n = 5_000;
        let code = format!("{}{}", "impl A{pub fn f(){".repeat(n), "}}".repeat(n));
        let f = within("5 000 nested impls", SECOND, || facts(&code));
        assert_eq!(f.symbols.len(), n);
        assert!(f.symbols.iter().all(|s| s.name == "A.f"));
        assert_eq!(f.symbols.iter().filter(|s| s.exported).count(), 1);
    }

    #[test]
    fn imports_in_modules_nested_past_the_bound_are_left_out_and_marked_partial() {
        let n = 5_000;
        let code = format!("{}{}", "mod m{use a::b;mod x;".repeat(n), "}".repeat(n));
        let f = within("5 000 nested modules", SECOND, || facts(&code));
        assert_eq!(f.imports.len(), 2 * MAX_INLINE_MODULES);
        let deepest = &f.imports[f.imports.len() - 1];
        assert_eq!(
            deepest.specifier,
            format!("{}x", "m::".repeat(MAX_INLINE_MODULES))
        );
        assert!(f.partial);
    }

    #[test]
    fn uses_in_five_thousand_nested_blocks_extract_in_under_a_second() {
        let n = 5_000;
        let code = format!("fn f(){}{}", "{use a::b;".repeat(n), "}".repeat(n + 1));
        let f = within("5 000 nested blocks", SECOND, || facts(&code));
        assert_eq!(f.imports.len(), n);
    }

    #[test]
    fn a_hundred_thousand_nested_modules_do_not_overflow_the_stack() {
        let f = within("100 000 open modules", 2 * SECOND, || {
            facts(&"mod m{".repeat(100_000))
        });
        assert!(f.partial);
    }

    #[test]
    fn a_hundred_thousand_open_functions_do_not_overflow_the_stack() {
        let f = within("100 000 open fns", 2 * SECOND, || {
            facts(&"fn f(){".repeat(100_000))
        });
        assert!(f.partial);
    }

    #[test]
    fn use_groups_nested_past_the_bound_are_left_out_and_marked_partial() {
        let depth = 100_000;
        let code = format!(
            "pub use a::{{x, {}c{}}};",
            "b::{".repeat(depth),
            "}".repeat(depth)
        );
        let f = within("100 000 deep use groups", 2 * SECOND, || facts(&code));
        assert_eq!(f.imports, vec![imp("a", &["x"], ImportKind::ReExport, 1)]);
        assert_eq!(export_names(&f), ["x"]);
        assert!(f.partial);
        let shallow = format!(
            "use a::{}c{};",
            "b::{".repeat(MAX_GROUP_DEPTH - 1),
            "}".repeat(MAX_GROUP_DEPTH - 1)
        );
        let f = facts(&shallow);
        assert_eq!(f.imports.len(), 1);
        assert!(!f.partial);
    }

    #[test]
    fn ten_thousand_exported_macros_extract_in_under_a_second() {
        let code = "#[macro_export]\n// m\nmacro_rules! m{()=>{}}\n".repeat(10_000);
        let f = within("10 000 macros", SECOND, || facts(&code));
        assert_eq!(export_names(&f), ["m"]);
    }

    #[test]
    fn a_hundred_thousand_open_brackets_do_not_overflow_the_stack() {
        let f = within("100 000 brackets", SECOND, || {
            facts(&format!("fn f(){{x={}", "[".repeat(100_000)))
        });
        assert!(f.partial);
    }
}

mod fuzzing {
    use extract_support::testing::{fuzz, fuzz_iterations, seed_files};

    #[test]
    fn arbitrary_edits_of_the_fixture_files_never_panic_and_stay_fast() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/projects");
        let seeds = seed_files(&root, &["rs"]);
        assert!(!seeds.is_empty(), "no seed files under {}", root.display());
        let budget = std::time::Duration::from_millis(500);
        fuzz(&seeds, fuzz_iterations(400), budget, |bytes| {
            let _ = crate::extract(bytes);
        });
    }
}
