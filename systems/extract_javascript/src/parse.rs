//! Choosing a grammar from the file name, parsing, and reading text and lines back from the tree.
//! The language-independent parts come from [`extract_support::parse`].

use tree_sitter::{Language, Node, Tree};

pub use extract_support::parse::{Source, child_of_kind, end_line, has_token, is_field, line};

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
    pub fn language(self) -> Language {
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
    extract_support::parse::parse(&dialect.language(), &format!("{dialect:?}"), bytes)
}

/// Direct named children, comments left out.
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    extract_support::parse::named_children_except(node, &["comment"])
}

/// Reading JavaScript-specific values from the source.
pub trait JsSource {
    /// The value of a string literal, or of a template literal without substitutions.
    fn string_value(&self, node: Node<'_>) -> Option<String>;

    /// A module export name as written: an identifier, `default`, or a string (unquoted).
    fn export_name(&self, node: Node<'_>) -> String;
}

impl JsSource for Source<'_> {
    fn string_value(&self, node: Node<'_>) -> Option<String> {
        let plain = match node.kind() {
            "string" => true,
            "template_string" => node
                .named_children(&mut node.walk())
                .all(|c| c.kind() != "template_substitution"),
            _ => false,
        };
        plain.then(|| unquote(&self.text(node)).to_owned())
    }

    fn export_name(&self, node: Node<'_>) -> String {
        self.string_value(node)
            .unwrap_or_else(|| self.text(node).into_owned())
    }
}

/// Strips one quote character (`'`, `"` or a backtick) from each end.
fn unquote(text: &str) -> &str {
    let inner = text.strip_prefix(['\'', '"', '`']).unwrap_or(text);
    inner.strip_suffix(['\'', '"', '`']).unwrap_or(inner)
}
