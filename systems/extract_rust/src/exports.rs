//! Exported names: what the file makes public, read from items directly in the file.
//!
//! - Plain `pub` items: `fn`, `struct`, `enum`, `union`, `trait`, `type`, `const`, `static` and
//!   `mod` (declared `mod foo;` or inline), by their name, `local: None`, on the item's line.
//! - `macro_rules! m` preceded by `#[macro_export]` (attributes and comments between are
//!   skipped) → `m`.
//! - `pub use`: one export per name it binds (the alias when there is one, the module's name
//!   for `self`, e.g. `pub use a::b::{self}` → `b`), `local: None` (the source names are on the
//!   import), on the name's line. A glob `pub use a::*` exports nothing by name.
//!
//! Not exported: `pub(crate)`, `pub(super)`, `pub(in ...)` and private items; items inside
//! inline modules, functions and blocks (the module itself is exported when it is `pub`);
//! `impl` blocks and their methods (see [`symbols`](crate::symbols) for the methods' flag);
//! `pub extern crate`. A name exported twice is listed once, first occurrence.

use std::collections::HashSet;

use extract_support::collect::ExportCollector;
use extract_support::walk::Visit;
use omnysys_api::facts::Export;
use tree_sitter::Node;

use crate::names::is_pub;
use crate::parse::{Source, line, named_children};
use crate::syntax::Syntax;
use crate::uses;

/// Item kinds that are exported by name when they are `pub`.
const NAMED_ITEMS: &[&str] = &[
    "function_item",
    "struct_item",
    "enum_item",
    "union_item",
    "trait_item",
    "type_item",
    "const_item",
    "static_item",
    "mod_item",
];

/// The exports found so far.
#[derive(Debug, Default)]
pub struct Exports {
    list: Vec<Export>,
    seen: HashSet<String>,
}

impl ExportCollector for Exports {
    /// Records the exports of the file when the node is its root.
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>) {
        if v.node.kind_name() != "source_file" {
            return;
        }
        // Whether a `#[macro_export]` is among the attributes right before the item.
        let mut macro_export = false;
        for item in named_children(v.node) {
            match item.kind_name() {
                "attribute_item" => macro_export |= is_macro_export(item, src),
                _ => {
                    self.item(item, macro_export, v, src);
                    macro_export = false;
                }
            }
        }
    }

    /// The exports (no local names: symbols decide `exported` themselves).
    fn finish(self) -> (Vec<Export>, HashSet<String>) {
        (self.list, HashSet::new())
    }
}

impl Exports {
    /// The exports one item directly in the file makes; `macro_export` when a
    /// `#[macro_export]` precedes it.
    fn item(&mut self, node: Node<'_>, macro_export: bool, v: &Visit<'_, '_>, src: Source<'_>) {
        let kind = node.kind_name();
        let named = (NAMED_ITEMS.contains(&kind) && is_pub(node, src))
            || (kind == "macro_definition" && macro_export);
        if named {
            if let Some(name) = src.field(node, "name") {
                self.add(name, node);
            }
        } else if kind == "use_declaration" && is_pub(node, src) {
            let (paths, cut) = uses::flatten(node, src);
            if cut {
                v.ancestors.note_cut();
            }
            for path in paths {
                if let Some(name) = path.bound_name() {
                    self.add(name, path.node);
                }
            }
        }
    }

    /// Adds one export, unless the name is already exported.
    fn add(&mut self, name: String, node: Node<'_>) {
        if self.seen.insert(name.clone()) {
            self.list.push(Export {
                name,
                local: None,
                line: line(node),
                by_name: false,
            });
        }
    }
}

/// Whether an attribute is `#[macro_export]` (or `#[macro_export(...)]`).
fn is_macro_export(attribute: Node<'_>, src: Source<'_>) -> bool {
    let text = src.compact(attribute);
    text == "#[macro_export]" || text.starts_with("#[macro_export(")
}
