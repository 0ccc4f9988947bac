//! One depth-first pass over the tree that knows, at every node, the innermost function or
//! method containing it (structs, enums, traits and `impl` blocks do not make a scope).
//!
//! The pass is iterative (an explicit stack), so deeply nested code cannot overflow the stack.

use omnysys_api::facts::{Symbol, SymbolKind};
use tree_sitter::Node;

use crate::parse::Source;
use crate::symbols;

/// One node as the pass sees it.
pub struct Visit<'w, 't> {
    /// The node, visited in source order (pre-order).
    pub node: Node<'t>,
    /// The definition this node introduces, if it is one.
    pub def: Option<&'w Symbol>,
    /// The innermost function or method strictly containing the node, `None` outside any.
    pub enclosing: Option<&'w Symbol>,
}

/// Visits every node of the tree under `root` in source order.
pub fn walk<'t>(root: Node<'t>, src: Source<'_>, mut visit: impl FnMut(&Visit<'_, 't>)) {
    let mut defs: Vec<Symbol> = Vec::new();
    let mut stack: Vec<(Node<'t>, Option<usize>)> = vec![(root, None)];
    while let Some((node, enclosing)) = stack.pop() {
        let own = symbols::definition(node, src).map(|def| {
            defs.push(def);
            defs.len() - 1
        });
        visit(&Visit {
            node,
            def: own.map(|i| &defs[i]),
            enclosing: enclosing.map(|i| &defs[i]),
        });
        let scope = own
            .filter(|&i| defs[i].kind != SymbolKind::Class)
            .or(enclosing);
        push_children(&mut stack, node, scope);
    }
}

/// Pushes the node's children so that the first one is popped first.
fn push_children<'t>(
    stack: &mut Vec<(Node<'t>, Option<usize>)>,
    node: Node<'t>,
    scope: Option<usize>,
) {
    let start = stack.len();
    let mut cursor = node.walk();
    stack.extend(node.children(&mut cursor).map(|c| (c, scope)));
    stack[start..].reverse();
}
