//! Imports in source order.
//!
//! Kinds and names:
//! - `import x from 'a'` → `Static` `["default"]`; `import {a, b as c} from 'a'` → `["a", "b"]`
//!   (the exported names); `import * as ns from 'a'` → `["*"]`; `import 'a'` → `[]`. A default
//!   plus named or namespace import lists both (`["default", "a"]`).
//! - `import type {T} from 't'`, or `import {type T} from 't'` where every specifier is a type
//!   → `Type`, names as above.
//! - `export {a} from 'x'` → `ReExport` `["a"]`; `export * from 'x'` and `export * as ns from
//!   'x'` → `ReExport` `["*"]` (also for `export type {T} from 't'`).
//! - `require('x')` with a literal, anywhere → `Require`: `const {a, b: c} = require('x')` →
//!   `["a", "b"]` (the exported names); `require('x').a` → `["a"]`; `require('x');` as a
//!   statement → `[]` (side effect only); anything else, e.g. `const x = require('x')`, is a
//!   whole-module require → `["*"]`. TypeScript's `import x = require('x')` → `Require` `["*"]`.
//! - `import('x')` with a literal (or a template literal without substitutions) → `Dynamic`
//!   `["*"]`.
//!
//! Bindings (the local names, each on the line of its local name): `import x` binds `x` to
//! `default`, `import * as ns` binds `ns` to `*`, `import {a as b}` binds `b` to `a`;
//! `const {a, b: c} = require('x')` binds `a` and `c` (to `a` and `b`), `const x = require('x')`
//! and `import x = require('x')` bind `x` to `*`, `const a = require('x').b` binds `a` to `b`.
//! Re-exports, side-effect imports and `import()` bind nothing.
//!
//! `resolved` is always `None`: the engine resolves specifiers.

use extract_support::facts::import;
use extract_support::walk::Ancestors;
use omnysys_api::facts::{Import, ImportKind};
use tree_sitter::Node;

use crate::bindings::{binding, clause_bindings, require_bindings};
use crate::parse::{JsSource, Source, child_of_kind, has_token, named_children};
use crate::syntax::{Field, Syntax};

/// Records the import `node` makes, if it makes one (`up`: the nodes containing it).
pub fn visit<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>, out: &mut Vec<Import>) {
    let found = match node.kind_name() {
        "import_statement" => esm_import(node, src),
        "export_statement" => reexport(node, src),
        "call_expression" => call_import(node, up, src),
        _ => None,
    };
    out.extend(found);
}

/// `import ... from 'x'`, `import 'x'`, `import type ...`, and TypeScript's
/// `import x = require('x')`.
fn esm_import(node: Node<'_>, src: Source<'_>) -> Option<Import> {
    if let Some(clause) = child_of_kind(node, "import_require_clause") {
        let specifier = src.string_value(clause.field(Field::Source)?)?;
        let mut found = import(specifier, vec!["*".to_owned()], ImportKind::Require, node);
        let local = named_children(clause)
            .into_iter()
            .find(|c| c.kind_name() == "identifier");
        found
            .bindings
            .extend(local.map(|l| binding("*".to_owned(), l, src)));
        return Some(found);
    }
    let specifier = src.string_value(node.field(Field::Source)?)?;
    let clause = child_of_kind(node, "import_clause");
    let names = clause.map(|c| clause_names(c, src)).unwrap_or_default();
    let kind = if is_type_only(node, clause) {
        ImportKind::Type
    } else {
        ImportKind::Static
    };
    let mut found = import(specifier, names, kind, node);
    found.bindings = clause.map(|c| clause_bindings(c, src)).unwrap_or_default();
    Some(found)
}

/// The imported names of an import clause.
fn clause_names(clause: Node<'_>, src: Source<'_>) -> Vec<String> {
    let mut names = Vec::new();
    for part in named_children(clause) {
        match part.kind_name() {
            "identifier" => names.push("default".to_owned()),
            "namespace_import" => names.push("*".to_owned()),
            "named_imports" => names.extend(specifier_names(part, "import_specifier", src)),
            _ => {}
        }
    }
    names
}

/// The `name` of each `kind` specifier in a `{...}` list (the exported name, not the alias).
fn specifier_names(list: Node<'_>, kind: &str, src: Source<'_>) -> Vec<String> {
    named_children(list)
        .into_iter()
        .filter(|s| s.kind_name() == kind)
        .filter_map(|s| s.field(Field::Name))
        .map(|name| src.export_name(name))
        .collect()
}

/// `import type ...`, or only `{type A, type B}` specifiers.
fn is_type_only(node: Node<'_>, clause: Option<Node<'_>>) -> bool {
    if has_token(node, "type") || has_token(node, "typeof") {
        return true;
    }
    let Some(clause) = clause else {
        return false;
    };
    let parts = named_children(clause);
    let [named] = parts.as_slice() else {
        return false;
    };
    let specifiers = named_children(*named);
    named.kind_name() == "named_imports"
        && !specifiers.is_empty()
        && specifiers
            .iter()
            .all(|s| has_token(*s, "type") || has_token(*s, "typeof"))
}

/// `export ... from 'x'`.
fn reexport(node: Node<'_>, src: Source<'_>) -> Option<Import> {
    let specifier = src.string_value(node.field(Field::Source)?)?;
    let names = match child_of_kind(node, "export_clause") {
        Some(clause) => specifier_names(clause, "export_specifier", src),
        None => vec!["*".to_owned()],
    };
    Some(import(specifier, names, ImportKind::ReExport, node))
}

/// `require('x')` and `import('x')` with a literal specifier.
fn call_import<'t>(call: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<Import> {
    let function = call.field(Field::Function)?;
    let kind = match function.kind_name() {
        "import" => ImportKind::Dynamic,
        "identifier" if src.text(function) == "require" => ImportKind::Require,
        _ => return None,
    };
    let arguments = call.field(Field::Arguments)?;
    let specifier = src.string_value(*named_children(arguments).first()?)?;
    let names = match kind {
        ImportKind::Require => require_names(call, up, src),
        _ => vec!["*".to_owned()],
    };
    let mut found = import(specifier, names, kind, call);
    if kind == ImportKind::Require {
        found.bindings = require_bindings(call, up, src);
    }
    Some(found)
}

/// The names a `require` call uses, from where its value goes (see the module docs).
fn require_names<'t>(call: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Vec<String> {
    let whole = || vec!["*".to_owned()];
    let Some(parent) = up.parent(call) else {
        return whole();
    };
    match parent.kind_name() {
        "variable_declarator" => match parent.field(Field::Name) {
            Some(pattern) if pattern.kind_name() == "object_pattern" => pattern_keys(pattern, src),
            _ => whole(),
        },
        "member_expression" => src.field(parent, "property").into_iter().collect(),
        "expression_statement" => Vec::new(),
        _ => whole(),
    }
}

/// The property names an object pattern reads: `a`, `b` and `d` for `{a, b: c, d = 1, ...e}`.
fn pattern_keys(pattern: Node<'_>, src: Source<'_>) -> Vec<String> {
    named_children(pattern)
        .into_iter()
        .filter_map(|part| match part.kind_name() {
            "shorthand_property_identifier_pattern" => Some(src.text(part).into_owned()),
            "pair_pattern" => part.field(Field::Key).map(|k| src.export_name(k)),
            "object_assignment_pattern" => src.field(part, "left"),
            _ => None,
        })
        .collect()
}
