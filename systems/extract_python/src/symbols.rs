//! Definitions: functions, classes and methods, with their lines, parameters and flags.
//!
//! See [`names::definition_name`] for the naming. Lambdas are not definitions; calls inside
//! them belong to the enclosing one. A decorated definition spans from its first decorator.

use std::collections::HashSet;

use omnysys_api::facts::{Symbol, SymbolKind};
use tree_sitter::Node;

use crate::names;
use crate::parse::{Source, end_line, has_token, line, named_children};

/// The symbol `node` defines, if it is a definition. `exported` is filled in later.
pub fn definition(node: Node<'_>, src: Source<'_>) -> Option<Symbol> {
    let (name, kind) = names::definition_name(node, src)?;
    let span = names::definition_span(node);
    Some(Symbol {
        name,
        kind,
        start_line: line(span),
        end_line: end_line(span),
        params: params(node, kind, src),
        exported: false,
        is_async: node.kind() == "function_definition" && has_token(node, "async"),
    })
}

/// A symbol and whether it is defined at module level (not inside another definition).
#[derive(Debug, Default)]
pub struct Symbols {
    found: Vec<(Symbol, bool)>,
}

impl Symbols {
    /// Records the definition a node introduces.
    pub fn visit(&mut self, def: Option<&Symbol>, enclosing: Option<&Symbol>) {
        if let Some(def) = def {
            self.found.push((def.clone(), enclosing.is_none()));
        }
    }

    /// The symbols, `exported` set for module-level functions and classes whose name is one of
    /// the file's exported names. Methods and nested definitions are never `exported`.
    pub fn finish(self, exported: &HashSet<String>) -> Vec<Symbol> {
        self.found
            .into_iter()
            .map(|(mut symbol, top_level)| {
                symbol.exported = top_level
                    && symbol.kind != SymbolKind::Method
                    && exported.contains(&symbol.name);
                symbol
            })
            .collect()
    }
}

/// Parameter names in order (see [`param_name`]). A method's first parameter is left out when
/// it is `self` or `cls`.
fn params(node: Node<'_>, kind: SymbolKind, src: Source<'_>) -> Vec<String> {
    let Some(list) = node.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut names: Vec<String> = named_children(list)
        .into_iter()
        .filter_map(|p| param_name(p, src))
        .collect();
    let receiver = names.first().is_some_and(|n| n == "self" || n == "cls");
    if kind == SymbolKind::Method && receiver {
        names.remove(0);
    }
    names
}

/// One parameter's name: `a` for `a`, `a=1`, `a: int` and `a: int = 1`; `args` for `*args`,
/// `kw` for `**kw`; the bare `*` and `/` separators are left out; a Python 2 tuple parameter
/// keeps its text (whitespace collapsed).
fn param_name(param: Node<'_>, src: Source<'_>) -> Option<String> {
    match param.kind() {
        "identifier" => Some(src.text(param).into_owned()),
        "default_parameter" | "typed_default_parameter" => {
            param_name(param.child_by_field_name("name")?, src)
        }
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            param_name(*named_children(param).first()?, src)
        }
        "keyword_separator" | "positional_separator" | "comment" => None,
        _ => Some(collapse_whitespace(&src.text(param))),
    }
}

/// Replaces every run of whitespace by one space.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
