//! What an expression's value is, as far as one file says: a named type reached through
//! members, or a variable (looked up later, see [`crate::receivers`]) reached through members.
//!
//! Read: identifiers (variables), `this` (the enclosing class), member reads `a.b`, method
//! calls `a.m()` (the member `m()`: what `m` returns), function calls `f()` (the type path `f`
//! then `()`: what the function `f` returns), `new C()` (`C`), JSDoc casts
//! `/** @type {T} */ (x)` (`T`), TypeScript `x as T` and `x!`, and the left side of `a || b` and
//! `a ?? b`. Anything else has no known value.

use omnysys_api::facts::TypePath;
use tree_sitter::Node;

use crate::jsdoc;
use crate::parse::{Source, named_children};
use crate::syntax::{Field, Syntax};

/// The value of an expression, variables not yet looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A type named in the file, then members.
    Type(TypePath),
    /// The variable `name` as seen from scope `scope`, then `members`.
    Var {
        /// The scope the variable is read in.
        scope: usize,
        /// The variable.
        name: String,
        /// Members read from it.
        members: Vec<String>,
    },
    /// Bound, but to nothing the file types (an untyped destructured parameter).
    Unknown,
}

impl Value {
    /// A type without members.
    pub fn named(base: String) -> Self {
        Value::Type(TypePath {
            base,
            members: Vec::new(),
            guessed: false,
        })
    }

    /// This value's `member`.
    pub fn member(mut self, member: String) -> Self {
        match &mut self {
            Value::Type(t) => t.members.push(member),
            Value::Var { members, .. } => members.push(member),
            Value::Unknown => {}
        }
        self
    }
}

/// How deep a member chain is read before giving up.
const MAX_DEPTH: usize = 16;

/// What `this` is in a scope: the class, if any.
pub type ThisClass<'a> = &'a dyn Fn(usize) -> Option<String>;

/// The value of `node` (a child of `parent`) read in `scope` (see the module docs).
pub fn value_of(
    parent: Node<'_>,
    node: Node<'_>,
    scope: usize,
    this: ThisClass<'_>,
    src: Source<'_>,
) -> Option<Value> {
    value_at(parent, node, scope, this, src, 0)
}

fn value_at(
    parent: Node<'_>,
    node: Node<'_>,
    scope: usize,
    this: ThisClass<'_>,
    src: Source<'_>,
    depth: usize,
) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let inner = |n: Node<'_>| value_at(node, n, scope, this, src, depth + 1);
    match node.kind_name() {
        "identifier" => {
            let name = src.text(node);
            (name != "undefined").then(|| Value::Var {
                scope,
                name: name.into_owned(),
                members: Vec::new(),
            })
        }
        "this" => this(scope).map(Value::named),
        "member_expression" => {
            let property = node.field(Field::Property)?;
            inner(node.field(Field::Object)?).map(|v| v.member(src.text(property).into_owned()))
        }
        "call_expression" => {
            let function = node.field(Field::Function)?;
            if function.kind_name() == "identifier" && src.text(function) != "require" {
                return Some(Value::Type(TypePath {
                    base: src.text(function).into_owned(),
                    members: vec!["()".to_owned()],
                    guessed: false,
                }));
            }
            if function.kind_name() != "member_expression" {
                return None;
            }
            let property = function.field(Field::Property)?;
            inner(function.field(Field::Object)?)
                .map(|v| v.member(format!("{}()", src.text(property))))
        }
        "new_expression" => {
            let class = node.field(Field::Constructor)?;
            matches!(class.kind_name(), "identifier" | "member_expression")
                .then(|| Value::named(src.compact(class)))
        }
        "parenthesized_expression" => match cast(parent, node, src) {
            Some(cast) => cast.map(Value::named),
            None => inner(*named_children(node).first()?),
        },
        "as_expression" => {
            let ty = named_children(node).into_iter().nth(1)?;
            jsdoc::first_name(&src.text(ty)).map(Value::named)
        }
        "non_null_expression" | "await_expression" => inner(*named_children(node).first()?),
        "binary_expression" => {
            let op = node.field(Field::Operator)?;
            matches!(op.kind_name(), "||" | "??").then_some(())?;
            inner(node.field(Field::Left)?)
        }
        _ => None,
    }
}

/// The type of a JSDoc cast `/** @type {T} */ (x)`: `None` without a cast, `Some(None)`
/// for a cast to nothing named (`string[]`).
pub fn cast(parent: Node<'_>, paren: Node<'_>, src: Source<'_>) -> Option<Option<String>> {
    let mut cursor = parent.walk();
    let mut before = None;
    for child in parent.children(&mut cursor) {
        if child == paren {
            break;
        }
        before = Some(child);
    }
    let comment = before.filter(|c| c.kind_name() == "comment")?;
    let text = src.text(comment);
    text.contains("@type").then(|| declared_type(&text))
}

/// The type a JSDoc `@type {T}` tag of `comment` declares.
pub fn declared_type(comment: &str) -> Option<String> {
    jsdoc::tags(comment)
        .iter()
        .find(|t| t.kind == "type")
        .and_then(|t| jsdoc::first_name(t.ty))
}
