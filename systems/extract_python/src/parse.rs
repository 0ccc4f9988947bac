//! Parsing with the Python grammar, and reading text and lines back from the tree. The
//! language-independent parts come from [`extract_support::parse`].

use tree_sitter::{Node, Tree};

pub use extract_support::parse::{
    Source, child_of_kind, end_line, field_children, has_token, is_field, line,
};

/// Parses `bytes` with a fresh parser (no parser outlives the call).
///
/// # Errors
///
/// When the grammar cannot be loaded or the parser gives no tree.
pub fn parse(bytes: &[u8]) -> Result<Tree, String> {
    extract_support::parse::parse(&tree_sitter_python::LANGUAGE.into(), "Python", bytes)
}

/// Direct named children, comments left out.
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    extract_support::parse::named_children_except(node, &["comment"])
}

/// Reading Python-specific values from the source.
pub trait PythonSource {
    /// The node's text with all whitespace and line continuations removed: `a . b` → `a.b`.
    fn dotted(&self, node: Node<'_>) -> String;

    /// The value of a plain string literal (`'a'`, `"a"`, `u"a"`): the text between its quotes.
    /// `None` for f-strings with interpolations and for anything that is not a `string`.
    fn string_value(&self, node: Node<'_>) -> Option<String>;
}

impl PythonSource for Source<'_> {
    fn dotted(&self, node: Node<'_>) -> String {
        self.compact(node).replace('\\', "")
    }

    fn string_value(&self, node: Node<'_>) -> Option<String> {
        if node.kind() != "string" {
            return None;
        }
        let parts = named_children(node);
        if parts.iter().any(|p| p.kind() == "interpolation") {
            return None;
        }
        let start = parts.iter().find(|p| p.kind() == "string_start")?;
        let end = parts.iter().rev().find(|p| p.kind() == "string_end")?;
        let inner = self.bytes().get(start.end_byte()..end.start_byte())?;
        Some(String::from_utf8_lossy(inner).into_owned())
    }
}
