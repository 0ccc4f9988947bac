//! What a Python expression's value is, as far as one file says: a named type reached through
//! members, or a variable (looked up later, see [`extract_support::flow::Env`]) reached
//! through members.
//!
//! Read: identifiers (variables; `self` and `cls` are bound like any parameter), attribute reads
//! `a.b`, calls `f(..)` (the member `()` of `f`: what the function returns, or an instance when
//! `f` is a class), method calls `a.m(..)` (the member `m()`), `super().m` (the enclosing
//! class's first base), `typing.cast(T, x)` (`T`), subscripts `a[i]` (the member `[]`: an
//! element), `await x`, `(x)`, the first operand of `a or b` and of `a if c else b`. Anything
//! else has no known value.

use extract_support::flow::Value;
use omnysys_api::facts::TypePath;
use tree_sitter::Node;

use crate::annotations::annotated;
use crate::parse::{Source, named_children};
use crate::syntax::{Field, Syntax};

/// How deep an expression is read before giving up.
const MAX_DEPTH: usize = 16;

/// Where an expression is read: its scope, and the first base of the class it is in.
#[derive(Clone, Copy, Debug)]
pub struct At<'a> {
    /// The scope variables are read in.
    pub scope: usize,
    /// The first base of the enclosing method's class (what `super()` is).
    pub base: Option<&'a str>,
}

/// The value of `node` read at `at` (see the module docs).
pub fn value_of(node: Node<'_>, at: At<'_>, src: Source<'_>) -> Option<Value> {
    value_at(node, at, src, 0)
}

fn value_at(node: Node<'_>, at: At<'_>, src: Source<'_>, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let inner = |n: Node<'_>| value_at(n, at, src, depth + 1);
    match node.kind_name() {
        "identifier" => Some(Value::Var {
            scope: at.scope,
            name: src.text(node).into_owned(),
            members: Vec::new(),
        }),
        "attribute" => {
            let attribute = src.field(node, "attribute")?;
            inner(node.field(Field::Object)?).map(|v| v.member(attribute))
        }
        "call" => call_value(node, at, src, depth),
        "subscript" => inner(node.field(Field::Value)?).map(|v| v.member("[]".into())),
        "parenthesized_expression" | "await" => inner(*named_children(node).first()?),
        "boolean_operator" => inner(node.field(Field::Left)?),
        "conditional_expression" => inner(*named_children(node).first()?),
        _ => None,
    }
}

/// The value a call gives (see the module docs).
fn call_value(node: Node<'_>, at: At<'_>, src: Source<'_>, depth: usize) -> Option<Value> {
    let function = node.field(Field::Function)?;
    match function.kind_name() {
        "identifier" => match src.text(function).as_ref() {
            "super" => at.base.map(|b| Value::named(b.to_owned())),
            "cast" => cast(node, src),
            _ => value_at(function, at, src, depth + 1).map(|v| v.member("()".into())),
        },
        "attribute" => {
            let method = src.field(function, "attribute")?;
            let object = function.field(Field::Object)?;
            value_at(object, at, src, depth + 1).map(|v| v.member(format!("{method}()")))
        }
        _ => None,
    }
}

/// `cast(T, x)`: the type `T` names.
fn cast(call: Node<'_>, src: Source<'_>) -> Option<Value> {
    let arguments = call.field(Field::Arguments)?;
    let ty = *named_children(arguments).first()?;
    let text = match ty.kind_name() {
        "string" => src.text(ty).into_owned(),
        _ => src.compact(ty),
    };
    annotated(&text).map(|base| {
        Value::Type(TypePath {
            base,
            members: Vec::new(),
            guessed: false,
        })
    })
}
