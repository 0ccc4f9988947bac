//! Definitions: functions, classes and methods, with their lines, parameters and flags.
//!
//! See [`names::definition_name`] for the naming. Lambdas are not definitions; calls inside
//! them belong to the enclosing one. A decorated definition spans from its first decorator.

use extract_support::facts::symbol;
use extract_support::walk::Ancestors;
use omnysys_api::facts::{Symbol, SymbolKind};
use tree_sitter::Node;

use crate::names;
use crate::parse::{Source, has_token, named_children};
use crate::syntax::{Field, Syntax};

/// The symbol `node` defines, if it is a definition (`up`: the nodes containing it).
/// `exported` is filled in later.
pub fn definition<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<Symbol> {
    let (name, kind) = names::definition_name(node, up, src)?;
    let span = names::definition_span(node, up);
    Some(Symbol {
        is_async: node.kind_name() == "function_definition" && has_token(node, "async"),
        ..symbol(name, kind, span, params(node, kind, src))
    })
}

/// The symbols, `exported` set for module-level functions and classes whose name is one of the
/// file's exported local names.
pub use extract_support::symbols::TopLevelSymbols as Symbols;

/// Parameter names in order (see [`param_name`]). A method's first parameter is left out when
/// it is `self` or `cls`.
fn params(node: Node<'_>, kind: SymbolKind, src: Source<'_>) -> Vec<String> {
    let Some(list) = node.field(Field::Parameters) else {
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
    match param.kind_name() {
        "identifier" => Some(src.text(param).into_owned()),
        "default_parameter" | "typed_default_parameter" => {
            param_name(param.field(Field::Name)?, src)
        }
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            param_name(*named_children(param).first()?, src)
        }
        "keyword_separator" | "positional_separator" | "comment" => None,
        _ => Some(src.collapsed(param)),
    }
}
