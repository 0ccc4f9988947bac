//! Runs every collector over one walk of the tree and assembles the [`FileFacts`] (with
//! [`extract_support::collect`]).

use extract_support::collect::Grammar;
use omnysys_api::facts::{FileFacts, Symbol, SymbolKind};
use tree_sitter::Tree;

use crate::exports::Exports;
use crate::parse::Source;
use crate::symbols::{self, Symbols};
use crate::{calls, imports, names, receivers};

/// The facts of a parsed file.
pub fn collect(tree: &Tree, src: Source<'_>) -> FileFacts {
    let grammar = Grammar {
        opens_scope,
        landmark: imports::landmark,
        ..Grammar::new(
            symbols::definition,
            imports::visit,
            calls::visit,
            names::path_link,
        )
    };
    let mut facts = extract_support::collect::collect::<Exports, Symbols, ()>(tree, src, &grammar);
    receivers::apply(tree, src, &mut facts);
    facts
}

/// Only functions and methods: structs, enums, traits and `impl` blocks make no scope.
fn opens_scope(def: &Symbol) -> bool {
    def.kind != SymbolKind::Class
}
