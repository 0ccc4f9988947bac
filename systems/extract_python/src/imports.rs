//! Imports in source order, wherever they are (module level, functions, `try` blocks, ...).
//!
//! Specifiers and names (`resolved` is always `None`: the engine resolves specifiers):
//! - `import a.b` and `import a.b as c` → `a.b`, `["*"]`; `import a, b` gives one import each.
//! - `from a.b import x, y as z` → `a.b`, `["x", "y"]` (the imported names, not the aliases);
//!   `from a import (x, y)` likewise; `from a import *` → `["*"]`.
//! - Relative imports keep their dots: `from . import x` → `.`, `from ..pkg.mod import x` →
//!   `..pkg.mod`.
//! - `from __future__ import annotations` → `__future__`, `["annotations"]` (it is listed like
//!   any import; the engine finds no file for it).
//!
//! Bindings, for the names bound under another name: `from a import y as z` binds `z` to `y`
//! and `from a import x` binds `x` to `x` (each on its name's line: `from a import (\n x,\n y\n)`
//! gives one line each); `import a.b as c` binds `c` to `*`; `import a.b` binds none (its head is
//! read as a dotted module).
//!
//! Kind: `Type` for an import inside the body of `if TYPE_CHECKING:` (or `if
//! typing.TYPE_CHECKING:`, or such an `elif`), at any depth; `Static` otherwise (also in the
//! `else` branch of such an `if`).

use extract_support::facts::import;
use extract_support::parse::line;
use extract_support::walk::Ancestors;
use omnysys_api::facts::{Binding, Import, ImportKind};
use tree_sitter::Node;

use crate::parse::{PythonSource, Source, child_of_kind, field_children, is_field};
use crate::syntax::{Field, Syntax};

/// Records the imports `node` makes, if it is an import statement (`up`: the nodes containing
/// it).
pub fn visit<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>, out: &mut Vec<Import>) {
    type Found = (String, Vec<String>, Vec<Binding>);
    let found: Vec<Found> = match node.kind_name() {
        "import_statement" => field_children(node, "name")
            .into_iter()
            .map(|name| {
                let bound = aliased(name, "*", src).into_iter().collect();
                (imported_name(name, src), vec!["*".to_owned()], bound)
            })
            .collect(),
        "import_from_statement" => node
            .field(Field::ModuleName)
            .map(|module| {
                (
                    src.dotted(module),
                    from_names(node, src),
                    from_bindings(node, src),
                )
            })
            .into_iter()
            .collect(),
        "future_import_statement" => {
            vec![("__future__".to_owned(), from_names(node, src), Vec::new())]
        }
        _ => return,
    };
    let kind = if under_type_checking(up, src) {
        ImportKind::Type
    } else {
        ImportKind::Static
    };
    out.extend(
        found
            .into_iter()
            .map(|(specifier, names, bindings)| Import {
                bindings,
                ..import(specifier, names, kind, node)
            }),
    );
}

/// The binding of `name` when it is `x as y`: `y` bound to `imported` (its line, `y`'s).
fn aliased(name: Node<'_>, imported: &str, src: Source<'_>) -> Option<Binding> {
    let alias = (name.kind_name() == "aliased_import").then(|| name.field(Field::Alias))??;
    Some(Binding {
        name: imported.to_owned(),
        local: src.text(alias).into_owned(),
        line: line(alias),
    })
}

/// The bindings of `from m import x, y as z`: `x` to `x`, `z` to `y`; none for a wildcard.
fn from_bindings(node: Node<'_>, src: Source<'_>) -> Vec<Binding> {
    if child_of_kind(node, "wildcard_import").is_some() {
        return Vec::new();
    }
    field_children(node, "name")
        .into_iter()
        .map(|name| {
            let imported = imported_name(name, src);
            aliased(name, &imported, src).unwrap_or_else(|| Binding {
                local: imported.clone(),
                name: imported,
                line: line(name),
            })
        })
        .collect()
}

/// The dotted name of `a.b` or of `a.b as c` (the name, not the alias).
fn imported_name(name: Node<'_>, src: Source<'_>) -> String {
    match name.kind_name() {
        "aliased_import" => name
            .field(Field::Name)
            .map(|n| src.dotted(n))
            .unwrap_or_default(),
        _ => src.dotted(name),
    }
}

/// The names `from m import ...` imports: `["*"]` for a wildcard.
fn from_names(node: Node<'_>, src: Source<'_>) -> Vec<String> {
    if child_of_kind(node, "wildcard_import").is_some() {
        return vec!["*".to_owned()];
    }
    field_children(node, "name")
        .into_iter()
        .map(|name| imported_name(name, src))
        .collect()
}

/// Whether the visited node is inside the body of an `if TYPE_CHECKING:` (or `elif`) at any
/// depth. Only the `if` and `elif` around it are looked at ([`landmark`]s).
fn under_type_checking(up: &Ancestors<'_, '_>, src: Source<'_>) -> bool {
    up.landmarks().any(|(guard, child)| {
        is_field(guard, "consequence", child)
            && guard
                .field(Field::Condition)
                .is_some_and(|c| is_type_checking(c, src))
    })
}

/// The nodes `under_type_checking` looks at: `if` statements and `elif` clauses.
pub fn landmark(node: Node<'_>) -> bool {
    matches!(node.kind_name(), "if_statement" | "elif_clause")
}

/// `TYPE_CHECKING` or `<anything>.TYPE_CHECKING`.
fn is_type_checking(condition: Node<'_>, src: Source<'_>) -> bool {
    match condition.kind_name() {
        "identifier" => src.text(condition) == "TYPE_CHECKING",
        "attribute" => src.field(condition, "attribute").as_deref() == Some("TYPE_CHECKING"),
        _ => false,
    }
}
