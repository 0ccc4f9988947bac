//! Runs every collector over one walk of the tree and assembles the [`FileFacts`] (with
//! [`extract_support::collect`]), then adds the type facts of a second walk ([`types`],
//! [`receivers`]).

use extract_support::collect::Grammar;
use omnysys_api::facts::FileFacts;
use tree_sitter::Tree;

use crate::exports::Exports;
use crate::parse::Source;
use crate::references::References;
use crate::symbols::{self, Symbols};
use crate::{calls, imports, names, receivers, types};

/// The facts of a parsed file.
pub fn collect(tree: &Tree, src: Source<'_>) -> FileFacts {
    let grammar = Grammar {
        landmark: imports::landmark,
        ..Grammar::new(
            symbols::definition,
            imports::visit,
            calls::visit,
            names::path_link,
        )
    };
    let mut facts =
        extract_support::collect::collect::<Exports, Symbols, References>(tree, src, &grammar);
    receivers::apply(&types::collect(tree, src), &mut facts);
    facts
}
