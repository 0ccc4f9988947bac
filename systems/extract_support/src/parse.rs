//! Parsing with a given grammar, and reading text and lines back from the tree.

use std::borrow::Cow;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Language, Node, ParseOptions, ParseState, Parser, Tree};

/// How long one file may take to parse. A parse that takes longer is stopped from inside the
/// parser (its progress callback, asked every few hundred parser operations) and the file is
/// not analysed: one pathological file must not stall indexing.
pub const PARSE_BUDGET: Duration = Duration::from_secs(2);

/// Parses `bytes` with a fresh parser (no parser outlives the call), within [`PARSE_BUDGET`].
/// `name` names the grammar in error messages.
///
/// # Errors
///
/// When the grammar cannot be loaded, the parse exceeds the budget, or the parser gives no
/// tree.
pub fn parse(language: &Language, name: &str, bytes: &[u8]) -> Result<Tree, String> {
    parse_within(language, name, bytes, PARSE_BUDGET)
}

/// [`parse`] with a given time budget.
///
/// # Errors
///
/// As for [`parse`]; the budget error reads "the NAME parse exceeded 2 s; not analysed".
pub fn parse_within(
    language: &Language,
    name: &str,
    bytes: &[u8],
    budget: Duration,
) -> Result<Tree, String> {
    let mut parser = Parser::new();
    parser
        .set_language(language)
        .map_err(|e| format!("cannot load the {name} grammar: {e}"))?;
    let start = Instant::now();
    let mut exceeded = false;
    let mut progress = |_: &ParseState| {
        exceeded = start.elapsed() > budget;
        if exceeded {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    match tree {
        Some(tree) => Ok(tree),
        None if exceeded => Err(format!(
            "the {name} parse exceeded {} s; not analysed",
            budget.as_secs_f64()
        )),
        None => Err(format!("the {name} parser returned no tree")),
    }
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

    /// The bytes the tree was parsed from.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The node's text; invalid UTF-8 is replaced by U+FFFD.
    pub fn text(&self, node: Node<'_>) -> Cow<'a, str> {
        String::from_utf8_lossy(self.bytes.get(node.byte_range()).unwrap_or_default())
    }

    /// The node's text with all whitespace removed: `a :: b` → `a::b`.
    pub fn compact(&self, node: Node<'_>) -> String {
        self.text(node)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// The node's text with every run of whitespace replaced by one space.
    pub fn collapsed(&self, node: Node<'_>) -> String {
        self.text(node)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
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

/// Whether the node has a direct anonymous child token `token` (e.g. `async`).
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

/// Direct named children, those whose kind is one of `skip` (the grammar's comments) left out.
pub fn named_children_except<'t>(node: Node<'t>, skip: &[&str]) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !skip.contains(&c.kind()))
        .collect()
}

/// Every direct child, named or not, in order.
pub fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// Every child in the field `field`, in order.
pub fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}

/// Whether `child` is the `field` child of `parent`.
pub fn is_field(parent: Node<'_>, field: &str, child: Node<'_>) -> bool {
    parent.child_by_field_name(field) == Some(child)
}
