//! The local names an import binds, each on the line of its local name (see [`crate::imports`]
//! for which imports bind what).

use extract_support::parse::line;
use extract_support::walk::Ancestors;
use omnysys_api::facts::Binding;
use tree_sitter::Node;

use crate::parse::{JsSource, Source, named_children};
use crate::syntax::{Field, Syntax};

/// A binding of `local` (an identifier node) to the imported `name`.
pub fn binding(name: String, local: Node<'_>, src: Source<'_>) -> Binding {
    Binding {
        name,
        local: src.text(local).into_owned(),
        line: line(local),
    }
}

/// The local bindings of an import clause.
pub fn clause_bindings(clause: Node<'_>, src: Source<'_>) -> Vec<Binding> {
    let mut found = Vec::new();
    for part in named_children(clause) {
        match part.kind_name() {
            "identifier" => found.push(binding("default".to_owned(), part, src)),
            "namespace_import" => {
                let local = named_children(part)
                    .into_iter()
                    .find(|c| c.kind_name() == "identifier");
                found.extend(local.map(|l| binding("*".to_owned(), l, src)));
            }
            "named_imports" => found.extend(specifier_bindings(part, src)),
            _ => {}
        }
    }
    found
}

/// `import {a, b as c}`: `a` bound to `a`, `c` to `b`.
fn specifier_bindings(list: Node<'_>, src: Source<'_>) -> Vec<Binding> {
    named_children(list)
        .into_iter()
        .filter(|s| s.kind_name() == "import_specifier")
        .filter_map(|s| {
            let name = s.field(Field::Name)?;
            let local = s.field(Field::Alias).unwrap_or(name);
            Some(binding(src.export_name(name), local, src))
        })
        .collect()
}

/// The local names a `require` call's value is bound to (see the module docs).
pub fn require_bindings<'t>(
    call: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
) -> Vec<Binding> {
    let Some(parent) = up.parent(call) else {
        return Vec::new();
    };
    let (declarator, name) = match parent.kind_name() {
        "variable_declarator" => (parent, "*".to_owned()),
        "member_expression" => {
            let Some(property) = parent.field(Field::Property) else {
                return Vec::new();
            };
            match up
                .parent(parent)
                .filter(|d| d.kind_name() == "variable_declarator")
            {
                Some(declarator) => (declarator, src.text(property).into_owned()),
                None => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    match declarator.field(Field::Name) {
        Some(pattern) if pattern.kind_name() == "object_pattern" && parent == declarator => {
            pattern_bindings(pattern, src)
        }
        Some(local) if local.kind_name() == "identifier" => vec![binding(name, local, src)],
        _ => Vec::new(),
    }
}

/// The bindings of `const {a, b: c, d = 1} = require(..)`: `a`, `c` (to `b`) and `d`, each on
/// its own line; nested patterns and rests bind no single imported name.
fn pattern_bindings(pattern: Node<'_>, src: Source<'_>) -> Vec<Binding> {
    named_children(pattern)
        .into_iter()
        .filter_map(|part| match part.kind_name() {
            "shorthand_property_identifier_pattern" => {
                Some(binding(src.text(part).into_owned(), part, src))
            }
            "pair_pattern" => {
                let key = part.field(Field::Key)?;
                let value = part.field(Field::Value)?;
                let value = match value.kind_name() {
                    "assignment_pattern" => value.field(Field::Left)?,
                    _ => value,
                };
                (value.kind_name() == "identifier")
                    .then(|| binding(src.export_name(key), value, src))
            }
            "object_assignment_pattern" => {
                let left = part.field(Field::Left)?;
                Some(binding(src.text(left).into_owned(), left, src))
            }
            _ => None,
        })
        .collect()
}
