//! Imports in source order, wherever they are (file level, functions, inline modules).
//!
//! Specifiers and names (`resolved` is always `None`: the engine resolves specifiers):
//! - `mod foo;` (a module declaration without a body, resolved by the engine to `foo.rs` or
//!   `foo/mod.rs`) → `foo`, `["*"]`, `Static`. Inside inline modules the specifier is the module
//!   path from the file: `mod outer { mod inner; }` → `outer::inner` (the file
//!   `outer/inner.rs`). `#[path = "..."]` attributes are not read. An inline `mod foo { ... }`
//!   is not an import.
//! - `use` declarations give one import per path prefix of their [flattened](crate::uses)
//!   tree, in order of first appearance, each on the line of the `use`: `use a::b::c;` →
//!   `a::b`, `["c"]`; `use a::b::{c, d as e};` → `a::b`, `["c", "d"]` (the names, not the
//!   aliases); `use a::b::*;` → `["*"]`; `use a::b::c::{self};` → `a::b::c`, `["self"]`;
//!   `use a::{b::{c, d}, e};` → `a::b` `["c", "d"]` then `a` `["e"]`; `use foo;` → `foo`,
//!   `["self"]`. `crate::`, `super::`, `self::` and `::` prefixes are kept as written, except
//!   inside inline modules, where `self::` and `super::` are made relative to the file's
//!   module (as for `mod` declarations there): in `mod m { .. }`, `use self::x::y;` → `self::m::x`
//!   and `use super::x::y;` → `self::x`; each `super` leaves one inline module, and those left
//!   over stay (`super::super::x` in `mod m` → `super::x`). Other paths are kept: a bare path
//!   there may name an external crate.
//! - Kind: `ReExport` for a plain `pub use` directly in the file (those are also
//!   [exports](crate::exports)); `Static` for every other `use`, `pub(crate) use` included.
//! - `extern crate x;` and `extern crate x as y;` → `x`, `["*"]`, `Static`.
//! - Bounds: imports inside more than [`MAX_INLINE_MODULES`] nested inline modules, and the
//!   parts of a `use` tree nested more than [`uses::MAX_GROUP_DEPTH`] groups deep, are left out
//!   and the facts marked `partial` (their specifiers would grow with the nesting).

use extract_support::facts::import;
use extract_support::walk::Ancestors;
use omnysys_api::facts::{Import, ImportKind};
use tree_sitter::Node;

use crate::names::{is_file_level, is_pub};
use crate::parse::Source;
use crate::syntax::{Field, Syntax};
use crate::uses;

/// How many inline modules deep an import is still recorded. Its specifier names every module
/// around it, so without a bound the facts of `mod m { mod m { ... mod x; } }` would grow with
/// the square of the nesting; deeper imports are left out and the facts marked `partial`.
pub const MAX_INLINE_MODULES: usize = 64;

/// Records the imports `node` makes, if it makes any (`up`: the nodes containing it).
pub fn visit<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>, out: &mut Vec<Import>) {
    let whole = || vec!["*".to_owned()];
    match node.kind_name() {
        "mod_item" if node.field(Field::Body).is_none() => {
            if let Some(path) = module_path(node, up, src) {
                out.push(import(path, whole(), ImportKind::Static, node));
            }
        }
        "extern_crate_declaration" => {
            if let Some(name) = src.field(node, "name") {
                out.push(import(name, whole(), ImportKind::Static, node));
            }
        }
        "use_declaration" => {
            let kind = if is_file_level(node, up) && is_pub(node, src) {
                ImportKind::ReExport
            } else {
                ImportKind::Static
            };
            let Some(inline) = inline_modules(up, src) else {
                return;
            };
            let (paths, cut) = uses::flatten(node, src);
            if cut {
                up.note_cut();
            }
            for (prefix, names) in uses::by_prefix(&paths) {
                out.push(import(from_file(&prefix, &inline), names, kind, node));
            }
        }
        _ => {}
    }
}

/// `outer::inner` for `mod inner;` inside `mod outer { ... }`; the name alone at file level.
fn module_path(item: Node<'_>, up: &Ancestors<'_, '_>, src: Source<'_>) -> Option<String> {
    let mut segments = inline_modules(up, src)?;
    segments.push(src.field(item, "name")?);
    Some(segments.join("::"))
}

/// The names of the inline modules around the visited node, outermost first. `None` (and the
/// facts marked `partial`) past [`MAX_INLINE_MODULES`].
fn inline_modules(up: &Ancestors<'_, '_>, src: Source<'_>) -> Option<Vec<String>> {
    let modules: Vec<Node<'_>> = up
        .landmarks()
        .map(|(module, _)| module)
        .take(MAX_INLINE_MODULES + 1)
        .collect();
    if modules.len() > MAX_INLINE_MODULES {
        up.note_cut();
        return None;
    }
    Some(
        modules
            .into_iter()
            .rev()
            .filter_map(|module| src.field(module, "name"))
            .collect(),
    )
}

/// The nodes the inline module names are read from: `mod` items.
pub fn landmark(node: Node<'_>) -> bool {
    node.kind_name() == "mod_item"
}

/// A `use` prefix written inside the inline modules `inline`, relative to the file's module
/// (see the module docs).
fn from_file(prefix: &str, inline: &[String]) -> String {
    let segments: Vec<&str> = prefix.split("::").collect();
    let supers = segments.iter().take_while(|s| **s == "super").count();
    let (base, rest): (Vec<&str>, &[&str]) = match segments.first() {
        _ if inline.is_empty() => return prefix.to_owned(),
        Some(&"self") => (inline.iter().map(String::as_str).collect(), &segments[1..]),
        Some(&"super") if supers <= inline.len() => (
            inline[..inline.len() - supers]
                .iter()
                .map(String::as_str)
                .collect(),
            &segments[supers..],
        ),
        Some(&"super") => {
            let left = vec!["super"; supers - inline.len()];
            return [left.as_slice(), &segments[supers..]].concat().join("::");
        }
        _ => return prefix.to_owned(),
    };
    std::iter::once("self")
        .chain(base)
        .chain(rest.iter().copied())
        .collect::<Vec<_>>()
        .join("::")
}
