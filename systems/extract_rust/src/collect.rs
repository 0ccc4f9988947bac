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
        self.exports.visit(v.node, src);
        self.symbols.visit(v.def);
        calls::visit(v.node, v.enclosing, src, &mut self.calls);
    }
}

/// The facts of a parsed file.
pub fn collect(tree: &Tree, src: Source<'_>) -> FileFacts {
    let root = tree.root_node();
    let mut collector = Collector::default();
    walk(root, src, |v| collector.visit(v, src));
    FileFacts {
        imports: collector.imports,
        exports: collector.exports.finish(),
        symbols: collector.symbols.finish(),
        calls: collector.calls,
        lines: src.line_count(),
        partial: root.has_error(),
    }
}
