//! Exported names, and the local names they refer to.
//!
//! - `export function f`, `export class C`, `export const a = 1, b = 2` (and destructured
//!   bindings), TypeScript `export interface I`, `export type T`, `export enum E`,
//!   `export namespace N`, `export declare ...`: the declared names, `local: None`.
//! - `export {a, b as c}`: `a` (`local: None`) and `c` (`local: Some("b")`).
//! - `export default function f() {}`, `export default class C {}`, `export default f`,
//!   TypeScript `export = f`: `default`, `local: Some("f")`; `export default <expr>`:
//!   `default`, `local: None`.
//! - Re-exports: `export {a, b as c} from 'x'` exports `a` and `c` with `local: None` (the
//!   source names are on the import); `export * as ns from 'x'` exports `ns`; `export * from`
//!   exports nothing by name.
//! - CommonJS: `module.exports = f` → `default`, `local: Some("f")`; `module.exports = {a, b: c}`
//!   → `a` and `b` (`local: Some("c")`); `module.exports.x = ...` and `exports.x = ...` → `x`
//!   (`local: Some(v)` when the value is an identifier `v` other than `x`).
//!
//! `by_name` is set where the exported value is written as an identifier (`export {a}`,
//! `export default a`, `module.exports = a`, `exports.x = a`, `{a}` and `{b: c}` in
//! `module.exports = {...}`), on that identifier's line: the export is a reference to it.
//!
//! A name exported twice (TypeScript overloads, repeated assignments) is listed once, first
//! occurrence.

use std::collections::HashSet;

use extract_support::collect::ExportCollector;
use extract_support::walk::Visit;
use omnysys_api::facts::Export;
use tree_sitter::Node;

use crate::names::{self, pattern_bindings};
use crate::parse::{JsSource, Source, child_of_kind, has_token, line, named_children};
use crate::syntax::{Field, Syntax};

/// The exports found so far.
#[derive(Debug, Default)]
pub struct Exports {
    list: Vec<Export>,
    seen: HashSet<String>,
    locals: HashSet<String>,
}

impl ExportCollector for Exports {
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>) {
        match v.node.kind_name() {
            "export_statement" => self.statement(v.node, src),
            "assignment_expression" => self.commonjs(v.node, src),
            _ => {}
        }
    }

    /// The exports, and the local names of this file they export (re-exports left out).
    fn finish(self) -> (Vec<Export>, HashSet<String>) {
        (self.list, self.locals)
    }
}

impl Exports {
    /// Adds one export of a local binding (`local`, or `name` itself when `local` is `None`).
    fn add(&mut self, name: String, local: Option<String>, node: Node<'_>) {
        self.add_local(name, local, node, false);
    }

    /// Adds one export of a local binding written as a name at `node` (see the module docs).
    fn add_by_name(&mut self, name: String, local: Option<String>, node: Node<'_>) {
        self.add_local(name, local, node, true);
    }

    fn add_local(&mut self, name: String, local: Option<String>, node: Node<'_>, by_name: bool) {
        self.locals
            .insert(local.clone().unwrap_or_else(|| name.clone()));
        self.push(name, local, node, by_name);
    }

    /// Adds one export without recording a local binding.
    fn add_reexport(&mut self, name: String, local: Option<String>, node: Node<'_>) {
        self.push(name, local, node, false);
    }

    fn push(&mut self, name: String, local: Option<String>, node: Node<'_>, by_name: bool) {
        let local = local.filter(|l| *l != name);
        if self.seen.insert(name.clone()) {
            self.list.push(Export {
                name,
                local,
                line: line(node),
                by_name,
            });
        }
    }

    /// Any `export ...` statement.
    fn statement(&mut self, node: Node<'_>, src: Source<'_>) {
        if node.field(Field::Source).is_some() {
            self.reexport(node, src);
        } else if let Some(declaration) = node.field(Field::Declaration) {
            self.declaration(declaration, has_token(node, "default"), src);
        } else if let Some(value) = node.field(Field::Value) {
            self.default_value(value, src);
        } else if let Some(clause) = child_of_kind(node, "export_clause") {
            self.clause(clause, src);
        } else if has_token(node, "=") {
            let value = named_children(node).last().copied();
            if let Some(value) = value {
                self.default_value(value, src);
            }
        }
    }

    /// `export {a, b as c} from 'x'`, `export * as ns from 'x'`.
    fn reexport(&mut self, node: Node<'_>, src: Source<'_>) {
        if let Some(clause) = child_of_kind(node, "export_clause") {
            for (name, _, _) in specifiers(clause, src) {
                self.add_reexport(name, None, clause);
            }
        } else if let Some(namespace) = child_of_kind(node, "namespace_export") {
            let alias = named_children(namespace)
                .first()
                .map(|n| src.export_name(*n));
            if let Some(alias) = alias {
                self.add_reexport(alias, None, namespace);
            }
        }
    }

    /// `export {a, b as c}`.
    fn clause(&mut self, clause: Node<'_>, src: Source<'_>) {
        for (name, local, at) in specifiers(clause, src) {
            self.add_by_name(name, Some(local), at);
        }
    }

    /// `export <declaration>` and `export default <declaration>`.
    fn declaration(&mut self, declaration: Node<'_>, default: bool, src: Source<'_>) {
        match declaration.kind_name() {
            "ambient_declaration" => {
                if let Some(inner) = named_children(declaration).first() {
                    self.declaration(*inner, default, src);
                }
            }
            "lexical_declaration" | "variable_declaration" => self.variables(declaration, src),
            _ => {
                let Some(name) = src.field(declaration, "name") else {
                    return;
                };
                match default {
                    true => self.add("default".to_owned(), Some(name), declaration),
                    false => self.add(name, None, declaration),
                }
            }
        }
    }

    /// `export const a = 1, {b, c} = d`.
    fn variables(&mut self, declaration: Node<'_>, src: Source<'_>) {
        for declarator in named_children(declaration) {
            let mut bound = Vec::new();
            if let Some(pattern) = declarator.field(Field::Name) {
                pattern_bindings(pattern, src, &mut bound);
            }
            for name in bound {
                self.add(name, None, declarator);
            }
        }
    }

    /// `export default <value>`, `module.exports = <value>`, TypeScript `export = <value>`.
    fn default_value(&mut self, value: Node<'_>, src: Source<'_>) {
        let local = match value.kind_name() {
            "identifier" => {
                let local = src.text(value).into_owned();
                return self.add_by_name("default".to_owned(), Some(local), value);
            }
            "function_expression" | "generator_function" | "class" => src.field(value, "name"),
            _ => None,
        };
        self.add("default".to_owned(), local, value);
    }

    /// `module.exports = ...`, `module.exports.x = ...`, `exports.x = ...`.
    fn commonjs(&mut self, assignment: Node<'_>, src: Source<'_>) {
        let (Some(left), Some(right)) = (
            assignment.field(Field::Left),
            assignment.field(Field::Right),
        ) else {
            return;
        };
        if names::path(left, src).as_deref() == Some("module.exports") {
            self.module_exports(right, src);
        } else if let Some(name) = names::commonjs_export_name(left, src) {
            match right.kind_name() {
                "identifier" => self.add_by_name(name, Some(src.text(right).into_owned()), right),
                _ => self.add(name, None, left),
            }
        }
    }

    /// `module.exports = <right>`: an object literal exports its keys, anything else `default`.
    fn module_exports(&mut self, right: Node<'_>, src: Source<'_>) {
        if right.kind_name() != "object" {
            return self.default_value(right, src);
        }
        for property in named_children(right) {
            match object_property(property, src) {
                Some((name, Some(local))) => self.add_by_name(name, Some(local), property),
                Some((name, None)) => self.add(name, None, property),
                None => {}
            }
        }
    }
}

/// `(exported name, local name, its node)` of each `export_specifier` in a clause.
fn specifiers<'t>(clause: Node<'t>, src: Source<'_>) -> Vec<(String, String, Node<'t>)> {
    named_children(clause)
        .into_iter()
        .filter(|s| s.kind_name() == "export_specifier")
        .filter_map(|s| {
            let node = s.field(Field::Name)?;
            let local = src.export_name(node);
            let alias = s.field(Field::Alias).map(|a| src.export_name(a));
            Some((alias.unwrap_or_else(|| local.clone()), local, node))
        })
        .collect()
}

/// `(name, local)` of one property of `module.exports = {...}`: `a` with local `a` for `a`, `b`
/// with local `c` for `b: c` (a name: the local is set), `m` for a method `m() {}` or a value
/// that is not a name. Spreads and computed keys give nothing.
fn object_property(property: Node<'_>, src: Source<'_>) -> Option<(String, Option<String>)> {
    match property.kind_name() {
        "shorthand_property_identifier" => {
            let name = src.text(property).into_owned();
            Some((name.clone(), Some(name)))
        }
        "pair" => {
            let key = property.field(Field::Key)?;
            let value = property.field(Field::Value)?;
            let local = (value.kind_name() == "identifier").then(|| src.text(value).into_owned());
            let plain_key = matches!(key.kind_name(), "property_identifier" | "string" | "number");
            plain_key.then(|| (src.export_name(key), local))
        }
        "method_definition" => Some((src.field(property, "name")?, None)),
        _ => None,
    }
}
