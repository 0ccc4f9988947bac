//! Definitions: free functions, structs, enums, unions, traits and methods, with their lines,
//! parameters and flags.
//!
//! See [`names::definition_name`] for the naming. Closures are not definitions (trait method
//! signatures without a body are); macro-generated items are not seen. A definition spans its item,
//! from its visibility or `fn` keyword (attributes and doc comments left out) to its end.
//!
//! `exported`:
//! - free functions, structs, enums, unions and traits: declared plain `pub` directly in the
//!   file (not in a function or an inline `mod`, not `pub(crate)`/`pub(super)`/`pub(in ...)`);
//! - methods in an `impl` block that sits directly in the file: declared plain `pub`. Trait
//!   impl methods have no visibility of their own and are not exported;
//! - methods of a trait: when the trait is exported.

use std::collections::HashSet;

use extract_support::collect::SymbolCollector;
use extract_support::facts::symbol;
use extract_support::walk::{Ancestors, Visit};
use omnysys_api::facts::{Symbol, SymbolKind};
use tree_sitter::Node;

use crate::names::{self, is_file_level, is_pub, owner_block};
use crate::parse::{Source, child_of_kind, has_token, named_children};
use crate::syntax::{Field, Syntax};

/// The symbol `node` defines, if it is a definition (`up`: the nodes containing it).
pub fn definition<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<Symbol> {
    let (name, kind) = names::definition_name(node, up, src)?;
    Some(Symbol {
        exported: exported(node, up, kind, src),
        is_async: child_of_kind(node, "function_modifiers").is_some_and(|m| has_token(m, "async")),
        ..symbol(name, kind, node, params(node, src))
    })
}

/// The symbols in source order.
#[derive(Debug, Default)]
pub struct Symbols {
    found: Vec<Symbol>,
}

impl SymbolCollector for Symbols {
    fn visit(&mut self, v: &Visit<'_, '_>) {
        self.found.extend(v.def.cloned());
    }

    /// The symbols (`exported` was decided per definition).
    fn finish(self, _exported_locals: &HashSet<String>) -> Vec<Symbol> {
        self.found
    }
}

/// Whether the definition is exported (see the module docs).
fn exported<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, kind: SymbolKind, src: Source<'_>) -> bool {
    if kind != SymbolKind::Method {
        return is_file_level(node, up) && is_pub(node, src);
    }
    let Some(block) = owner_block(node, up) else {
        return false;
    };
    let block_exported = is_file_level(block, up);
    match block.kind_name() {
        "trait_item" => block_exported && is_pub(block, src),
        _ => block_exported && is_pub(node, src),
    }
}

/// Parameter names in order: the binding for `x: T` and `mut x: T`, the pattern as written
/// (whitespace collapsed) for anything else (`(a, b): (T, U)`, `_: T`, `Point { x, y }: Point`).
/// `self` in any form (`&self`, `mut self`, `self: Box<Self>`), C variadics and attributes are left out.
fn params(node: Node<'_>, src: Source<'_>) -> Vec<String> {
    let Some(list) = node.field(Field::Parameters) else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .filter(|p| p.kind_name() == "parameter")
        .filter_map(|p| p.field(Field::Pattern))
        .filter(|pattern| pattern.kind_name() != "self")
        .map(|pattern| src.collapsed(pattern))
        .collect()
}
