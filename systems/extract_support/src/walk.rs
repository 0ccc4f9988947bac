//! One depth-first pass over the tree that knows, at every node, the innermost definition
//! containing it and the chain of nodes from the root down to it. Which nodes are definitions,
//! which definitions open a scope, and which nodes are landmarks, the plugin says.
//!
//! The pass is iterative (a [`tree_sitter::TreeCursor`]), so deeply nested code cannot overflow
//! the stack, and it costs O(1) per node whatever the depth: the plugins ask [`Ancestors`] for a
//! node's parent instead of [`Node::parent`], which tree-sitter answers by descending from the
//! root again (O(depth) per call, so O(n × depth) over a file).

use std::cell::Cell;

use omnysys_api::facts::Symbol;
use tree_sitter::Node;

/// One node as the pass sees it.
pub struct Visit<'w, 't> {
    /// The node, visited in source order (pre-order).
    pub node: Node<'t>,
    /// The definition this node introduces, if it is one.
    pub def: Option<&'w Symbol>,
    /// The innermost scope-opening definition strictly containing the node, `None` outside any.
    pub enclosing: Option<&'w Symbol>,
    /// The nodes from the root down to this one.
    pub ancestors: Ancestors<'w, 't>,
}

/// What the pass keeps for each node on the path from the root.
#[derive(Clone, Copy, Debug)]
struct Frame {
    /// The scope of the node's children: the index in `defs` of the innermost scope-opening
    /// definition containing them.
    scope: Option<usize>,
    /// The path index of the nearest landmark at or above this node.
    landmark: Option<usize>,
}

/// The chain of nodes from the root down to the visited node (the visited node last), with
/// O(1) steps upward. Nodes not on the chain fall back to [`Node::parent`].
#[derive(Clone, Copy)]
pub struct Ancestors<'w, 't> {
    path: &'w [Node<'t>],
    frames: &'w [Frame],
    cut: &'w Cell<bool>,
}

impl<'w, 't> Ancestors<'w, 't> {
    /// The visited node.
    ///
    /// # Panics
    ///
    /// Never: the path always holds at least the visited node.
    pub fn node(&self) -> Node<'t> {
        *self.path.last().expect("the path holds the visited node")
    }

    /// How many nodes contain the visited node (0 for the root).
    pub fn depth(&self) -> usize {
        self.path.len().saturating_sub(1)
    }

    /// The parent of `node`: O(distance from the visited node) when `node` is the visited node
    /// or one of its ancestors, [`Node::parent`] otherwise.
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.up(node).next()
    }

    /// The ancestors of `node`, nearest first (`node` itself left out).
    pub fn up(&self, node: Node<'t>) -> Up<'w, 't> {
        match self.path.iter().rposition(|n| *n == node) {
            Some(i) => Up::OnPath(self.path[..i].iter().rev()),
            None => Up::Off(node.parent()),
        }
    }

    /// The landmarks strictly above the visited node (see [`crate::collect::Grammar`]), nearest
    /// first, each with the node just below it on the path (its child that holds the visited
    /// node). O(1) per step.
    pub fn landmarks(&self) -> impl Iterator<Item = (Node<'t>, Node<'t>)> + 'w {
        let (path, frames) = (self.path, self.frames);
        let above = |i: usize| i.checked_sub(1).and_then(|p| frames[p].landmark);
        std::iter::successors(above(path.len() - 1), move |&i| above(i))
            .map(move |i| (path[i], path[i + 1]))
    }

    /// Records that something was left out because a bound was reached; the file's facts are
    /// then marked `partial`.
    pub fn note_cut(&self) {
        self.cut.set(true);
    }
}

/// The ancestors of a node, nearest first.
pub enum Up<'w, 't> {
    /// The node is on the path: the nodes above it there.
    OnPath(std::iter::Rev<std::slice::Iter<'w, Node<'t>>>),
    /// The node is not on the path: its next ancestor, asked of tree-sitter.
    Off(Option<Node<'t>>),
}

impl<'t> Iterator for Up<'_, 't> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match self {
            Up::OnPath(rest) => rest.next().copied(),
            Up::Off(next) => {
                let node = (*next)?;
                *next = node.parent();
                Some(node)
            }
        }
    }
}

/// Visits every node of the tree under `root` in source order. `definition` gives the symbol a
/// node defines; a definition is the enclosing one of the nodes inside it when `opens_scope`;
/// `landmark` says which nodes [`Ancestors::landmarks`] lists. Returns whether a plugin
/// function noted a cut ([`Ancestors::note_cut`]).
pub fn walk<'t>(
    root: Node<'t>,
    definition: impl Fn(Node<'t>, &Ancestors<'_, 't>) -> Option<Symbol>,
    opens_scope: impl Fn(&Symbol) -> bool,
    landmark: impl Fn(Node<'t>) -> bool,
    mut visit: impl FnMut(&Visit<'_, 't>),
) -> bool {
    let cut = Cell::new(false);
    let mut defs: Vec<Symbol> = Vec::new();
    let mut path: Vec<Node<'t>> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let (enclosing, above) = frames
            .last()
            .map_or((None, None), |f| (f.scope, f.landmark));
        path.push(node);
        let nearest = if landmark(node) {
            Some(path.len() - 1)
        } else {
            above
        };
        // The scope is set once the node's own definition is known.
        frames.push(Frame {
            scope: enclosing,
            landmark: nearest,
        });
        let ancestors = Ancestors {
            path: &path,
            frames: &frames,
            cut: &cut,
        };
        let own = definition(node, &ancestors).map(|def| {
            defs.push(def);
            defs.len() - 1
        });
        visit(&Visit {
            node,
            def: own.map(|i| &defs[i]),
            enclosing: enclosing.map(|i| &defs[i]),
            ancestors,
        });
        let scope = own.filter(|&i| opens_scope(&defs[i])).or(enclosing);
        if let Some(frame) = frames.last_mut() {
            frame.scope = scope;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            path.pop();
            frames.pop();
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return cut.get();
            }
        }
    }
}
