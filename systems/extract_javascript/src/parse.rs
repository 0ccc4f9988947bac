//! Choosing a grammar from the file name, parsing, and reading text and lines back from the tree.

use std::borrow::Cow;

use tree_sitter::{Language, Node, Parser, Tree};

/// Which tree-sitter grammar parses a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `js`, `mjs`, `cjs`, `jsx` and anything unknown (the grammar includes JSX).
    JavaScript,
    /// `ts`, `mts`, `cts` (so also `.d.ts`).
    TypeScript,
    /// `tsx`.
    Tsx,
}

impl Dialect {
    /// The dialect for a path, by its extension (case-insensitive).
    pub fn from_path(path: &str) -> Self {
        let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("ts" | "mts" | "cts") => Dialect::TypeScript,
            Some("tsx") => Dialect::Tsx,
            _ => Dialect::JavaScript,
        }
    }

    /// The tree-sitter language of this dialect.
    fn language(self) -> Language {
        match self {
            Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }
}

/// Parses `bytes` with a fresh parser (no parser outlives the call).
///
/// # Errors
///
/// When the grammar cannot be loaded or the parser gives no tree.
pub fn parse(dialect: Dialect, bytes: &[u8]) -> Result<Tree, String> {
    let mut parser = Parser::new();
    parser
        .set_language(&dialect.language())
        .map_err(|e| format!("cannot load the {dialect:?} grammar: {e}"))?;
    parser
        .parse(bytes, None)
        .ok_or_else(|| format!("the {dialect:?} parser returned no tree"))
}

/// The file's bytes, for reading node text.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    bytes: &'a [u8],
}

impl<'a> Source<'a> {
    /// Wraps the bytes the tree was parsed from.
    pub fn new(bytes: &'a [u8]) -> Self {
        Source { bytes }
    }

    /// The node's text; invalid UTF-8 is replaced by U+FFFD.
    pub fn text(&self, node: Node<'_>) -> Cow<'a, str> {
        String::from_utf8_lossy(self.bytes.get(node.byte_range()).unwrap_or_default())
    }

    /// The text of the node's `field` child, if it has one.
    pub fn field(&self, node: Node<'_>, field: &str) -> Option<String> {
        node.child_by_field_name(field)
            .map(|n| self.text(n).into_owned())
    }

    /// Number of lines: newlines, plus one when the last line has no newline.
    pub fn line_count(&self) -> u32 {
        let newlines = self.bytes.iter().filter(|&&b| b == b'\n').count();
        let unterminated = self.bytes.last().is_some_and(|&b| b != b'\n');
        u32::try_from(newlines + usize::from(unterminated)).unwrap_or(u32::MAX)
    }

    /// The value of a string literal, or of a template literal without substitutions.
    pub fn string_value(&self, node: Node<'_>) -> Option<String> {
        let plain = match node.kind() {
            "string" => true,
            "template_string" => node
                .named_children(&mut node.walk())
                .all(|c| c.kind() != "template_substitution"),
            _ => false,
        };
        plain.then(|| unquote(&self.text(node)).to_owned())
    }

    /// A module export name as written: an identifier, `default`, or a string (unquoted).
    pub fn export_name(&self, node: Node<'_>) -> String {
        self.string_value(node)
            .unwrap_or_else(|| self.text(node).into_owned())
    }
}

/// Strips one quote character (`'`, `"` or a backtick) from each end.
fn unquote(text: &str) -> &str {
    let inner = text.strip_prefix(['\'', '"', '`']).unwrap_or(text);
    inner.strip_suffix(['\'', '"', '`']).unwrap_or(inner)
}

/// 1-based line where the node starts.
pub fn line(node: Node<'_>) -> u32 {
    to_line(node.start_position().row)
}

/// 1-based line where the node ends.
pub fn end_line(node: Node<'_>) -> u32 {
    to_line(node.end_position().row)
}

/// Converts a 0-based row to a 1-based line.
fn to_line(row: usize) -> u32 {
    u32::try_from(row).unwrap_or(u32::MAX - 1).saturating_add(1)
}

/// Whether the node has a direct anonymous child token `token` (e.g. `async`, `default`, `type`).
pub fn has_token(node: Node<'_>, token: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == token)
}

/// The first direct named child of the given kind.
pub fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

/// Direct named children, comments left out.
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// Whether `child` is the `field` child of `parent`.
pub fn is_field(parent: Node<'_>, field: &str, child: Node<'_>) -> bool {
    parent.child_by_field_name(field) == Some(child)
}
