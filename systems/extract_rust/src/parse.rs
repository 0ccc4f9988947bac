//! Parsing with the Rust grammar, and reading text and lines back from the tree. The
//! language-independent parts come from [`extract_support::parse`].

use tree_sitter::{Node, Tree};

pub use extract_support::parse::{Source, child_of_kind, children, end_line, has_token, line};

/// Parses `bytes` with a fresh parser (no parser outlives the call).
///
/// # Errors
///
/// When the grammar cannot be loaded or the parser gives no tree.
pub fn parse(bytes: &[u8]) -> Result<Tree, String> {
    extract_support::parse::parse(&tree_sitter_rust::LANGUAGE.into(), "Rust", bytes)
}

/// Direct named children, comments left out.
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    extract_support::parse::named_children_except(node, &["line_comment", "block_comment"])
}
