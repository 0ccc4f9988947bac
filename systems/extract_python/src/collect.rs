//! Runs every collector over one walk of the tree and assembles the [`FileFacts`].

use omnysys_api::facts::{CallSite, FileFacts, Import};
use tree_sitter::Tree;

use crate::exports::Exports;
use crate::parse::Source;
use crate::symbols::Symbols;
use crate::walk::{Visit, walk};
use crate::{calls, imports};

/// Everything found so far.
#[derive(Debug, Default)]
struct Collector {
    imports: Vec<Import>,
    exports: Exports,
    symbols: Symbols,
    calls: Vec<CallSite>,
}

impl Collector {
    /// Hands one node to every collector.
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>) {
        imports::visit(v.node, src, &mut self.imports);
        self.exports.visit(v.node, v.def, v.enclosing, src);
        self.symbols.visit(v.def, v.enclosing);
        calls::visit(v.node, v.enclosing, src, &mut self.calls);
    }
}

/// The facts of a parsed file.
pub fn collect(tree: &Tree, src: Source<'_>) -> FileFacts {
    let root = tree.root_node();
    let mut collector = Collector::default();
    walk(root, src, |v| collector.visit(v, src));
    let (exports, exported) = collector.exports.finish();
    FileFacts {
        imports: collector.imports,
        exports,
        symbols: collector.symbols.finish(&exported),
        calls: collector.calls,
        lines: src.line_count(),
        partial: root.has_error(),
    }
}
