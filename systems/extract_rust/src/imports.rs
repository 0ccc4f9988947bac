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
//!   `["self"]`. `crate::`, `super::`, `self::` and `::` prefixes are kept as written.
//! - Kind: `ReExport` for a plain `pub use` directly in the file (those are also
//!   [exports](crate::exports)); `Static` for every other `use`, `pub(crate) use` included.
//! - `extern crate x;` and `extern crate x as y;` → `x`, `["*"]`, `Static`.

use extract_support::facts::import;
use omnysys_api::facts::{Import, ImportKind};
use tree_sitter::Node;

use crate::names::{is_file_level, is_pub};
use crate::parse::Source;
use crate::uses;

/// Records the imports `node` makes, if it makes any.
pub fn visit(node: Node<'_>, src: Source<'_>, out: &mut Vec<Import>) {
    let whole = || vec!["*".to_owned()];
    match node.kind() {
        "mod_item" if node.child_by_field_name("body").is_none() => {
            if let Some(path) = module_path(node, src) {
                out.push(import(path, whole(), ImportKind::Static, node));
            }
        }
        "extern_crate_declaration" => {
            if let Some(name) = src.field(node, "name") {
                out.push(import(name, whole(), ImportKind::Static, node));
            }
        }
        "use_declaration" => {
            let kind = if is_file_level(node) && is_pub(node, src) {
                ImportKind::ReExport
            } else {
                ImportKind::Static
            };
            let paths = uses::flatten(node, src);
            for (prefix, names) in uses::by_prefix(&paths) {
                out.push(import(prefix, names, kind, node));
            }
        }
        _ => {}
    }
}

/// `outer::inner` for `mod inner;` inside `mod outer { ... }`; the name alone at file level.
fn module_path(item: Node<'_>, src: Source<'_>) -> Option<String> {
    let mut segments = vec![src.field(item, "name")?];
    let mut node = item;
    while let Some(parent) = node.parent() {
        if parent.kind() == "mod_item" {
            segments.push(src.field(parent, "name")?);
        }
        node = parent;
    }
    segments.reverse();
    Some(segments.join("::"))
}
