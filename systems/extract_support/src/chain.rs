//! Callee paths (`a.b().c`) named link by link, cut when a chain is too deep.
//!
//! A path is read iteratively, from its last link inward. Over one file, [`Paths`] names each
//! link once: in a long chain `a.b().b().b()...` every call's callee shares all but one link
//! with the next one's, so naming them afresh for each call would cost a lookup per link per
//! call.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::parse::Source;

/// How many links deep a path is followed before the rest of it is cut to `…`.
pub const MAX_PATH_DEPTH: usize = 64;

/// One link of a path: the node the links before it start at (`None` for the first link) and
/// the text it adds after them (`.b`, `()`, `[0]`; the whole name for the first link).
#[derive(Clone, Debug)]
pub struct Link<'t> {
    /// Where the path before this link is read from.
    pub inner: Option<Node<'t>>,
    /// What this link adds to it.
    pub text: String,
}

impl<'t> Link<'t> {
    /// The first link of a path, named `text`.
    pub fn first(text: String) -> Self {
        Link { inner: None, text }
    }

    /// A link that adds `text` after the path read from `inner`.
    pub fn after(inner: Node<'t>, text: impl Into<String>) -> Self {
        Link {
            inner: Some(inner),
            text: text.into(),
        }
    }
}

/// Names one link of a path: `None` when the node cannot be part of a path.
pub type LinkOf = for<'t> fn(Node<'t>, Source<'_>) -> Option<Link<'t>>;

/// The callee paths of one file, each link named once.
pub struct Paths<'t, 's> {
    src: Source<'s>,
    link: LinkOf,
    links: HashMap<usize, Option<Link<'t>>>,
}

impl<'t, 's> Paths<'t, 's> {
    /// Paths read from `src`, each link named by `link`.
    pub fn new(src: Source<'s>, link: LinkOf) -> Self {
        Paths {
            src,
            link,
            links: HashMap::new(),
        }
    }

    /// The path of `node`; a chain longer than [`MAX_PATH_DEPTH`] links starts with `…` where
    /// it was cut. `None` when a link of it is not a link of a path.
    pub fn path(&mut self, node: Node<'t>) -> Option<String> {
        let mut ids = Vec::new();
        let mut at = node;
        let cut = loop {
            let (src, link) = (self.src, self.link);
            let named = self
                .links
                .entry(at.id())
                .or_insert_with(|| link(at, src))
                .as_ref()?;
            ids.push(at.id());
            match named.inner {
                None => break false,
                Some(_) if ids.len() > MAX_PATH_DEPTH => break true,
                Some(inner) => at = inner,
            }
        };
        let mut path = String::from(if cut { "…" } else { "" });
        for id in ids.iter().rev() {
            if let Some(Some(link)) = self.links.get(id) {
                path.push_str(&link.text);
            }
        }
        Some(path)
    }
}

/// The path of `node`, each link named by `link` (see [`Paths::path`]), for a path read once.
pub fn chain_path(node: Node<'_>, src: Source<'_>, link: LinkOf) -> Option<String> {
    Paths::new(src, link).path(node)
}
