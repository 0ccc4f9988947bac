//! Definitions: functions, classes and methods, with their lines, parameters and flags.
//!
//! What counts as a definition (see [`names::definition_name`] for the naming):
//! - function and generator declarations, classes (declarations, abstract classes, and class
//!   expressions bound to a name), TypeScript interfaces (class symbols);
//! - function expressions and arrow functions bound to a name: `const f = () => {}`,
//!   `f = function () {}`, `exports.f = ...`, `export default function () {}` (`default`),
//!   and named function expressions anywhere (`setTimeout(function tick() {})`);
//! - class methods (`Class.method`), abstract ones (a signature without a body) included, and
//!   class fields holding a function (`Class.field`);
//! - the method signatures of an interface (`Interface.method`). Its property signatures, even
//!   of a function type (`add: (n: number) => void`), are not symbols.
//!
//! Object-literal methods are not definitions; calls inside them belong to the enclosing one.

use extract_support::facts::symbol;
use extract_support::walk::Ancestors;
use omnysys_api::facts::Symbol;
use tree_sitter::Node;

use crate::names;
use crate::parse::{Source, has_token, named_children};
use crate::syntax::{Field, Syntax};

/// The symbol `node` defines, if it is a definition (`up`: the nodes containing it). `exported`
/// is filled in later.
pub fn definition<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<Symbol> {
    let (name, kind) = names::definition_name(node, up, src)?;
    let span = names::definition_span(node, up);
    Some(Symbol {
        is_async: has_token(node, "async"),
        ..symbol(name, kind, span, params(node, src))
    })
}

/// The symbols, `exported` set for module-level functions and classes whose name is one of the
/// file's exported local names.
pub use extract_support::symbols::TopLevelSymbols as Symbols;

/// Parameter names in order (see [`param_name`]).
fn params(node: Node<'_>, src: Source<'_>) -> Vec<String> {
    if let Some(single) = node.field(Field::Parameter) {
        return vec![src.text(single).into_owned()];
    }
    let Some(list) = node.field(Field::Parameters) else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .filter_map(|p| param_name(p, src))
        .collect()
}

/// One parameter's name: `a` for `a`, `a = 1` and `a: T`, `rest` for `...rest`, the pattern
/// text (whitespace collapsed) for destructuring. TypeScript's `this` parameter is left out.
fn param_name(param: Node<'_>, src: Source<'_>) -> Option<String> {
    match param.kind_name() {
        "identifier" => Some(src.text(param).into_owned()),
        "assignment_pattern" => param_name(param.field(Field::Left)?, src),
        "required_parameter" | "optional_parameter" => {
            param_name(param.field(Field::Pattern)?, src)
        }
        "rest_pattern" => param_name(*named_children(param).first()?, src),
        "this" | "comment" => None,
        _ => Some(src.collapsed(param)),
    }
}
