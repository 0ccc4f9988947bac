//! Runs every collector over one walk of the tree and assembles the [`FileFacts`] (with
//! [`extract_support::collect`]), the type facts ([`type_walk`], [`crate::types`], [`crate::receivers`]) collected
//! over the same walk.

use extract_support::collect::Grammar;
use omnysys_api::facts::FileFacts;
use tree_sitter::Tree;

use crate::exports::Exports;
use crate::parse::Source;
use crate::references::References;
use crate::symbols::{self, Symbols};
use crate::{calls, imports, names, type_walk};

/// The facts of a parsed file.
pub fn collect(tree: &Tree, src: Source<'_>) -> FileFacts {
    let grammar = Grammar::new(
        symbols::definition,
        imports::visit,
        calls::visit,
        names::path_link,
    );
    let types = type_walk::Collector::new(tree);
    extract_support::collect::collect_with::<Exports, Symbols, References, _>(
        tree, src, &grammar, types,
    )
}
