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

use tree_sitter::Node;

use crate::parse::{Source, named_children};

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

/// Every name a `use` declaration imports, in source order.
pub fn flatten<'t>(declaration: Node<'t>, src: Source<'_>) -> Vec<UsePath<'t>> {
    let mut out = Vec::new();
    if let Some(argument) = declaration.child_by_field_name("argument") {
        tree(argument, "", None, src, &mut out);
    }
    out
}

/// The paths grouped by prefix, prefixes in order of first appearance, names in source order.
pub fn by_prefix(paths: &[UsePath<'_>]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for path in paths {
        match groups.iter_mut().find(|(prefix, _)| *prefix == path.prefix) {
            Some((_, names)) => names.push(path.name.clone()),
            None => groups.push((path.prefix.clone(), vec![path.name.clone()])),
        }
    }
    groups
}

/// Flattens one use tree under `prefix`.
fn tree<'t>(
    node: Node<'t>,
    prefix: &str,
    alias: Option<String>,
    src: Source<'_>,
    out: &mut Vec<UsePath<'t>>,
) {
    match node.kind() {
        "use_as_clause" => {
            let alias = node.child_by_field_name("alias").map(|a| src.compact(a));
            if let Some(path) = node.child_by_field_name("path") {
                tree(path, prefix, alias, src, out);
            }
        }
        "use_list" => {
            for item in named_children(node) {
                tree(item, prefix, None, src, out);
            }
        }
        "scoped_use_list" => {
            let inner = match node.child_by_field_name("path") {
                Some(path) => join(prefix, &src.compact(path)),
                None => prefix.to_owned(),
            };
            if let Some(list) = node.child_by_field_name("list") {
                tree(list, &inner, None, src, out);
            }
        }
        "use_wildcard" => {
            let inner = match named_children(node).first() {
                Some(path) => join(prefix, &src.compact(*path)),
                None => prefix.to_owned(),
            };
            push(out, inner, "*".to_owned(), None, node);
        }
        "scoped_identifier" => match (
            node.child_by_field_name("path"),
            node.child_by_field_name("name"),
        ) {
            (Some(path), Some(name)) => {
                let inner = join(prefix, &src.compact(path));
                push(out, inner, src.compact(name), alias, node);
            }
            _ => single(node, prefix, alias, src, out),
        },
        "attribute_item" => {}
        _ => single(node, prefix, alias, src, out),
    }
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
