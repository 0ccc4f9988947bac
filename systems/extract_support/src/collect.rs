//! Runs a plugin's collectors over one walk of the tree and assembles the [`FileFacts`].

use std::collections::HashSet;

use omnysys_api::facts::{CallSite, Export, FileFacts, Import, Symbol};
use tree_sitter::{Node, Tree};

use crate::chain::{LinkOf, Paths};
use crate::parse::Source;
use crate::walk::{Ancestors, Visit, walk};

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

/// Collects facts of a plugin's own over the same walk (a second walk would cost as much again)
/// and adds them to the file's facts at the end.
pub trait NodeCollector<'t> {
    /// Reads the visited node (every node, in source order).
    fn visit(&mut self, v: &Visit<'_, 't>, src: Source<'_>);

    /// Adds what was collected to `facts`.
    fn finish(self, facts: &mut FileFacts);
}

/// No facts of its own.
impl NodeCollector<'_> for () {
    fn visit(&mut self, _: &Visit<'_, '_>, _: Source<'_>) {}

    fn finish(self, _: &mut FileFacts) {}
}

/// Collects a file's value references and shadowing scopes over the walk ([`FileFacts::references`],
/// [`FileFacts::shadows`]); `()` collects none.
pub trait ReferenceCollector: Default {
    /// Records the uses and declarations of names the visited node makes, if any.
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>);

    /// Fills in the references and shadows of `facts`, whose imports and symbols are complete.
    fn finish(self, facts: &mut FileFacts, src: Source<'_>);
}

impl ReferenceCollector for () {
    fn visit(&mut self, _: &Visit<'_, '_>, _: Source<'_>) {}

    fn finish(self, _: &mut FileFacts, _: Source<'_>) {}
}

/// The symbol a node defines, if it is a definition; `ancestors` ends at the node.
pub type Definition = for<'a, 't> fn(Node<'t>, &Ancestors<'a, 't>, Source<'_>) -> Option<Symbol>;

/// Appends the imports a node makes; `ancestors` ends at the node.
pub type Imports = for<'a, 't> fn(Node<'t>, &Ancestors<'a, 't>, Source<'_>, &mut Vec<Import>);

/// Appends the calls a node makes, given the enclosing definition; `paths` names callees.
pub type Calls =
    for<'t> fn(Node<'t>, Option<&Symbol>, &mut Paths<'t, '_>, Source<'_>, &mut Vec<CallSite>);

/// The per-node functions of one language. They ask `ancestors`, never [`Node::parent`] (which
/// costs O(depth) a call), for what contains a node.
#[derive(Clone, Copy, Debug)]
pub struct Grammar {
    /// The symbol a node defines, if it is a definition.
    pub definition: Definition,
    /// Whether a definition is the enclosing one of the nodes inside it.
    pub opens_scope: fn(&Symbol) -> bool,
    /// Whether a node is a landmark, listed by [`Ancestors::landmarks`] for the nodes inside it.
    pub landmark: fn(Node<'_>) -> bool,
    /// Appends the imports a node makes.
    pub imports: Imports,
    /// Appends the calls a node makes, given the enclosing definition.
    pub calls: Calls,
    /// Names one link of a callee path.
    pub link: LinkOf,
}

impl Grammar {
    /// A grammar in which every definition opens a scope and no node is a landmark.
    pub fn new(definition: Definition, imports: Imports, calls: Calls, link: LinkOf) -> Self {
        Grammar {
            definition,
            opens_scope: |_| true,
            landmark: |_| false,
            imports,
            calls,
            link,
        }
    }
}

/// The facts of a parsed file: every collector run over one walk of the tree, `partial` when
/// the tree has syntax errors or a plugin function left something out at a bound
/// ([`Ancestors::note_cut`]).
pub fn collect<E: ExportCollector, S: SymbolCollector, R: ReferenceCollector>(
    tree: &Tree,
    src: Source<'_>,
    grammar: &Grammar,
) -> FileFacts {
    collect_with::<E, S, R, ()>(tree, src, grammar, ())
}

/// [`collect`], with `extra` visiting every node too and adding its facts at the end.
pub fn collect_with<
    't,
    E: ExportCollector,
    S: SymbolCollector,
    R: ReferenceCollector,
    X: NodeCollector<'t>,
>(
    tree: &'t Tree,
    src: Source<'_>,
    grammar: &Grammar,
    mut extra: X,
) -> FileFacts {
    let root = tree.root_node();
    let (mut imports, mut calls) = (Vec::new(), Vec::new());
    let (mut exports, mut symbols) = (E::default(), S::default());
    let mut references = R::default();
    let mut paths = Paths::new(src, grammar.link);
    let definition =
        |node, ancestors: &Ancestors<'_, '_>| (grammar.definition)(node, ancestors, src);
    let cut = walk(
        root,
        definition,
        grammar.opens_scope,
        grammar.landmark,
        |v| {
            (grammar.imports)(v.node, &v.ancestors, src, &mut imports);
            exports.visit(v, src);
            symbols.visit(v);
            references.visit(v, src);
            (grammar.calls)(v.node, v.enclosing, &mut paths, src, &mut calls);
            extra.visit(v, src);
        },
    );
    let (exports, exported_locals) = exports.finish();
    let mut facts = FileFacts {
        imports,
        exports,
        symbols: symbols.finish(&exported_locals),
        calls,
        lines: src.line_count(),
        partial: root.has_error() || cut,
        ..FileFacts::default()
    };
    references.finish(&mut facts, src);
    extra.finish(&mut facts);
    facts
}
