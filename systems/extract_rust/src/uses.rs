//! Flattening a `use` tree into one `(prefix, name)` pair per imported name.
//!
//! - `use a::b::c;` → `("a::b", "c")`; `use a::b::c as d;` → `("a::b", "c")`, alias `d`.
//! - `use a::b::{c, d as e};` → `("a::b", "c")`, `("a::b", "d")` (alias `e`).
//! - `use a::b::*;` → `("a::b", "*")`; `use a::b::{self};` → `("a::b", "self")`.
//! - Nested groups are flattened: `use a::{b::{c, d}, e};` → `("a::b", "c")`, `("a::b", "d")`,
//!   `("a", "e")`.
//! - A path of one segment names a module or crate itself: `use foo;` and `use {foo, a::b};`
//!   give `("foo", "self")`, like `use foo::{self}` would.
//! - Prefixes are kept as written, whitespace dropped: `crate::x`, `super`, `self::m`, `::std`.
//! - Groups nested more than [`MAX_GROUP_DEPTH`] deep are left out (each level lengthens the
//!   prefix of everything inside it, so the prefixes would grow with the square of the depth).

use std::collections::HashMap;

use tree_sitter::Node;

use crate::parse::{Source, named_children};
use crate::syntax::{Field, Syntax};

/// How many `{...}` groups deep a use tree is read.
pub const MAX_GROUP_DEPTH: usize = 64;

/// One imported name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsePath<'t> {
    /// The path before the last `::`.
    pub prefix: String,
    /// The imported name, `self` or `*`.
    pub name: String,
    /// The `as` alias, when there is one.
    pub alias: Option<String>,
    /// The node the name comes from (for its line).
    pub node: Node<'t>,
}

impl UsePath<'_> {
    /// The name this path binds in the importing module: the alias, else the name, else (for
    /// `self`) the last segment of the prefix. `None` for a glob.
    pub fn bound_name(&self) -> Option<String> {
        if let Some(alias) = &self.alias {
            return Some(alias.clone());
        }
        match self.name.as_str() {
            "*" => None,
            "self" => Some(
                self.prefix
                    .rsplit("::")
                    .next()
                    .unwrap_or(&self.prefix)
                    .to_owned(),
            ),
            name => Some(name.to_owned()),
        }
    }
}

/// Every name a `use` declaration imports, in source order, and whether groups deeper than
/// [`MAX_GROUP_DEPTH`] were left out.
pub fn flatten<'t>(declaration: Node<'t>, src: Source<'_>) -> (Vec<UsePath<'t>>, bool) {
    let mut out = Vec::new();
    let mut cut = false;
    // (use tree, the prefix it is under, its alias, how many groups it is in), next on top.
    let mut stack: Vec<(Node<'t>, String, Option<String>, usize)> = declaration
        .field(Field::Argument)
        .map(|argument| (argument, String::new(), None, 0))
        .into_iter()
        .collect();
    while let Some((node, prefix, alias, depth)) = stack.pop() {
        match node.kind_name() {
            "use_as_clause" => {
                let alias = node.field(Field::Alias).map(|a| src.compact(a));
                if let Some(path) = node.field(Field::Path) {
                    stack.push((path, prefix, alias, depth));
                }
            }
            "use_list" if depth >= MAX_GROUP_DEPTH => cut = true,
            "use_list" => {
                let items = named_children(node).into_iter().rev();
                stack.extend(items.map(|item| (item, prefix.clone(), None, depth + 1)));
            }
            "scoped_use_list" => {
                let inner = match node.field(Field::Path) {
                    Some(path) => join(&prefix, &src.compact(path)),
                    None => prefix,
                };
                if let Some(list) = node.field(Field::List) {
                    stack.push((list, inner, None, depth));
                }
            }
            "use_wildcard" => {
                let inner = match named_children(node).first() {
                    Some(path) => join(&prefix, &src.compact(*path)),
                    None => prefix,
                };
                push(&mut out, inner, "*".to_owned(), None, node);
            }
            "scoped_identifier" => match (node.field(Field::Path), node.field(Field::Name)) {
                (Some(path), Some(name)) => {
                    let inner = join(&prefix, &src.compact(path));
                    push(&mut out, inner, src.compact(name), alias, node);
                }
                _ => single(node, &prefix, alias, src, &mut out),
            },
            "attribute_item" => {}
            _ => single(node, &prefix, alias, src, &mut out),
        }
    }
    (out, cut)
}

/// The paths grouped by prefix, prefixes in order of first appearance, names in source order.
pub fn by_prefix(paths: &[UsePath<'_>]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for path in paths {
        match index.get(path.prefix.as_str()) {
            Some(&i) => groups[i].1.push(path.name.clone()),
            None => {
                index.insert(&path.prefix, groups.len());
                groups.push((path.prefix.clone(), vec![path.name.clone()]));
            }
        }
    }
    groups
}

/// One segment: `self` or a name inside a group, or a whole one-segment path.
fn single<'t>(
    node: Node<'t>,
    prefix: &str,
    alias: Option<String>,
    src: Source<'_>,
    out: &mut Vec<UsePath<'t>>,
) {
    let text = src.compact(node);
    if prefix.is_empty() {
        push(out, text, "self".to_owned(), alias, node);
    } else {
        push(out, prefix.to_owned(), text, alias, node);
    }
}

/// Adds one path.
fn push<'t>(
    out: &mut Vec<UsePath<'t>>,
    prefix: String,
    name: String,
    alias: Option<String>,
    node: Node<'t>,
) {
    out.push(UsePath {
        prefix,
        name,
        alias,
        node,
    });
}

/// `prefix::path`, or either alone when the other is empty.
fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (_, true) => prefix.to_owned(),
        _ => format!("{prefix}::{path}"),
    }
}
