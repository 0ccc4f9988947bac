//! Callee paths (`a.b().c`) named link by link, cut when a chain is too deep.

use tree_sitter::Node;

use crate::parse::Source;

/// How many links deep a path is followed before the rest of it is cut to `…`.
pub const MAX_PATH_DEPTH: usize = 64;

/// Names one link of a path; [`Chain::inner`] names the links it is built on.
pub type Link = fn(Node<'_>, &Chain<'_>) -> Option<String>;

/// Where the link being named sits in its chain.
#[derive(Clone, Copy)]
pub struct Chain<'s> {
    src: Source<'s>,
    link: Link,
    depth: usize,
}

impl<'s> Chain<'s> {
    /// The source the path is read from.
    pub fn src(&self) -> Source<'s> {
        self.src
    }

    /// The path of `node`, the link one step further into the chain.
    pub fn inner(&self, node: Node<'_>) -> Option<String> {
        self.at(node, self.depth + 1)
    }

    /// `node` named `depth` links into the chain, `…` past [`MAX_PATH_DEPTH`].
    fn at(&self, node: Node<'_>, depth: usize) -> Option<String> {
        if depth > MAX_PATH_DEPTH {
            return Some("…".to_owned());
        }
        (self.link)(node, &Chain { depth, ..*self })
    }
}

/// The path of `node`, each link named by `link`; a chain longer than [`MAX_PATH_DEPTH`]
/// links starts with `…` where it was cut.
pub fn chain_path(node: Node<'_>, src: Source<'_>, link: Link) -> Option<String> {
    Chain {
        src,
        link,
        depth: 0,
    }
    .at(node, 0)
}
