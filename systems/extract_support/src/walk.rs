//! One depth-first pass over the tree that knows, at every node, the innermost definition
//! containing it. Which nodes are definitions, and which definitions open a scope, the plugin
//! says.
//!
//! The pass is iterative (an explicit stack), so deeply nested code cannot overflow the stack.

use omnysys_api::facts::Symbol;
use tree_sitter::Node;

use crate::parse::Source;

/// One node as the pass sees it.
pub struct Visit<'w, 't> {
    /// The node, visited in source order (pre-order).
    pub node: Node<'t>,
    /// The definition this node introduces, if it is one.
    pub def: Option<&'w Symbol>,
    /// The innermost scope-opening definition strictly containing the node, `None` outside any.
    pub enclosing: Option<&'w Symbol>,
}

/// Visits every node of the tree under `root` in source order. `definition` gives the symbol a
/// node defines; a definition is the enclosing one of the nodes inside it when `opens_scope`.
pub fn walk<'t>(
    root: Node<'t>,
    src: Source<'_>,
    definition: impl Fn(Node<'t>, Source<'_>) -> Option<Symbol>,
    opens_scope: impl Fn(&Symbol) -> bool,
    mut visit: impl FnMut(&Visit<'_, 't>),
) {
    let mut defs: Vec<Symbol> = Vec::new();
    let mut stack: Vec<(Node<'t>, Option<usize>)> = vec![(root, None)];
    while let Some((node, enclosing)) = stack.pop() {
        let own = definition(node, src).map(|def| {
            defs.push(def);
            defs.len() - 1
        });
        visit(&Visit {
            node,
            def: own.map(|i| &defs[i]),
            enclosing: enclosing.map(|i| &defs[i]),
        });
        let scope = own.filter(|&i| opens_scope(&defs[i])).or(enclosing);
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
