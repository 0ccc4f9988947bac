//! Runs a plugin's collectors over one walk of the tree and assembles the [`FileFacts`].

use std::collections::HashSet;

use omnysys_api::facts::{CallSite, Export, FileFacts, Import, Symbol};
use tree_sitter::{Node, Tree};

use crate::parse::Source;
use crate::walk::{Visit, walk};

/// Collects a file's exports over the walk.
pub trait ExportCollector: Default {
    /// Records the exports the visited node makes, if any.
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>);

    /// The exports, and the local names they export (for marking symbols `exported`).
    fn finish(self) -> (Vec<Export>, HashSet<String>);
}

/// Collects a file's symbols over the walk.
pub trait SymbolCollector: Default {
    /// Records the definition the visited node introduces, if any.
    fn visit(&mut self, v: &Visit<'_, '_>);

    /// The symbols, given the local names the file exports.
    fn finish(self, exported_locals: &HashSet<String>) -> Vec<Symbol>;
}

/// The per-node functions of one language.
#[derive(Clone, Copy, Debug)]
pub struct Grammar {
    /// The symbol a node defines, if it is a definition.
    pub definition: fn(Node<'_>, Source<'_>) -> Option<Symbol>,
    /// Whether a definition is the enclosing one of the nodes inside it.
    pub opens_scope: fn(&Symbol) -> bool,
    /// Appends the imports a node makes.
    pub imports: fn(Node<'_>, Source<'_>, &mut Vec<Import>),
    /// Appends the calls a node makes, given the enclosing definition.
    pub calls: fn(Node<'_>, Option<&Symbol>, Source<'_>, &mut Vec<CallSite>),
}

impl Grammar {
    /// A grammar in which every definition opens a scope.
    pub fn new(
        definition: fn(Node<'_>, Source<'_>) -> Option<Symbol>,
        imports: fn(Node<'_>, Source<'_>, &mut Vec<Import>),
        calls: fn(Node<'_>, Option<&Symbol>, Source<'_>, &mut Vec<CallSite>),
    ) -> Self {
        Grammar {
            definition,
            opens_scope: |_| true,
            imports,
            calls,
        }
    }
}

/// The facts of a parsed file: every collector run over one walk of the tree, `partial` when
/// the tree has syntax errors.
pub fn collect<E: ExportCollector, S: SymbolCollector>(
    tree: &Tree,
    src: Source<'_>,
    grammar: &Grammar,
) -> FileFacts {
    let root = tree.root_node();
    let (mut imports, mut calls) = (Vec::new(), Vec::new());
    let (mut exports, mut symbols) = (E::default(), S::default());
    walk(root, src, grammar.definition, grammar.opens_scope, |v| {
        (grammar.imports)(v.node, src, &mut imports);
        exports.visit(v, src);
        symbols.visit(v);
        (grammar.calls)(v.node, v.enclosing, src, &mut calls);
    });
    let (exports, exported_locals) = exports.finish();
    FileFacts {
        imports,
        exports,
        symbols: symbols.finish(&exported_locals),
        calls,
        lines: src.line_count(),
        partial: root.has_error(),
    }
}
