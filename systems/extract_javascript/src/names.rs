//! Naming: what a definition is called, the lines it spans, names bound by patterns, and member
//! paths (`a.b.c`) as written.

use extract_support::chain::{Link, chain_path};
use extract_support::walk::Ancestors;
use omnysys_api::facts::SymbolKind;
use tree_sitter::Node;

use crate::parse::{Source, is_field, named_children};
use crate::syntax::{Field, Syntax};

/// The name and kind of the definition `node` introduces, if it introduces one; `up` holds the
/// nodes containing it.
pub fn definition_name<'t>(
    node: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
) -> Option<(String, SymbolKind)> {
    if !node.is_named() {
        return None; // the `function` and `class` keywords share their kind names
    }
    match node.kind_name() {
        "function_declaration" | "generator_function_declaration" => {
            Some((src.field(node, "name")?, SymbolKind::Function))
        }
        // A TypeScript interface is class-like: what a call through an interface-typed
        // receiver reaches, as a Rust trait is.
        "class_declaration" | "abstract_class_declaration" | "interface_declaration" => {
            Some((src.field(node, "name")?, SymbolKind::Class))
        }
        // An abstract method, and a method signature of an interface, has no body but is what
        // a call through its class reaches, as a Rust trait's required method is.
        "method_definition" | "abstract_method_signature" | "method_signature" => {
            Some((method_name(node, up, src)?, SymbolKind::Method))
        }
        "arrow_function" | "function_expression" | "generator_function" => {
            expression_name(node, up, src, SymbolKind::Function)
        }
        "class" => expression_name(node, up, src, SymbolKind::Class),
        _ => None,
    }
}

/// `Class.method` for a class method and `Interface.method` for an interface's method signature;
/// `None` for object-literal methods, for method signatures of object types (`type T = { m():
/// void }`) and for a class's overload signatures (its implementation is the method). Methods of
/// an anonymous, unbound class are named by the method alone.
fn method_name<'t>(node: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<String> {
    let body_kind = if node.kind_name() == "method_signature" {
        "interface_body"
    } else {
        "class_body"
    };
    let body = up.parent(node).filter(|p| p.kind_name() == body_kind)?;
    let method = src.field(node, "name")?;
    Some(qualified(body, up, &method, src))
}

/// `Class.member` for a member of the class whose body is `body`.
fn qualified<'t>(body: Node<'t>, up: &Ancestors<'_, 't>, member: &str, src: Source<'_>) -> String {
    match up.parent(body).and_then(|class| class_name(class, up, src)) {
        Some(class) => format!("{class}.{member}"),
        None => member.to_owned(),
    }
}

/// The name of a class: its own, or the one it is bound to.
fn class_name<'t>(class: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<String> {
    if class.kind_name() == "class" {
        expression_name(class, up, src, SymbolKind::Class).map(|(name, _)| name)
    } else {
        src.field(class, "name")
    }
}

/// The name of a function or class expression: from what it is bound to, else its own name.
/// A function held by a class field is a method, `Class.field`.
fn expression_name<'t>(
    node: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
    kind: SymbolKind,
) -> Option<(String, SymbolKind)> {
    let parent = up.parent(node)?;
    if matches!(
        parent.kind_name(),
        "field_definition" | "public_field_definition"
    ) && is_field(parent, "value", node)
    {
        let field = src
            .field(parent, "property")
            .or_else(|| src.field(parent, "name"))?;
        let body = up.parent(parent)?;
        return Some((qualified(body, up, &field, src), SymbolKind::Method));
    }
    let own = || src.field(node, "name");
    let bound = match parent.kind_name() {
        "variable_declarator" if is_field(parent, "value", node) => declarator_name(parent, src),
        "assignment_expression" if is_field(parent, "right", node) => {
            assigned_name(parent, src, node)
        }
        "export_statement" => Some(own().unwrap_or_else(|| "default".to_owned())),
        _ => None,
    };
    bound.or_else(own).map(|name| (name, kind))
}

/// The declarator's name when it is a plain identifier.
fn declarator_name(declarator: Node<'_>, src: Source<'_>) -> Option<String> {
    let name = declarator.field(Field::Name)?;
    (name.kind_name() == "identifier").then(|| src.text(name).into_owned())
}

/// The name an assignment gives its right-hand side: `f` for `f = ...`, `x` for `exports.x = ...`
/// and `module.exports.x = ...`, the value's own name or `default` for `module.exports = ...`,
/// and the member path without `.prototype` otherwise (`Foo.prototype.bar` gives `Foo.bar`).
fn assigned_name(assignment: Node<'_>, src: Source<'_>, value: Node<'_>) -> Option<String> {
    let left = assignment.field(Field::Left)?;
    if left.kind_name() == "identifier" {
        return Some(src.text(left).into_owned());
    }
    let left_path = path(left, src)?;
    if left_path == "module.exports" {
        return Some(
            src.field(value, "name")
                .unwrap_or_else(|| "default".to_owned()),
        );
    }
    if let Some(name) = commonjs_export_name(left, src) {
        return Some(name);
    }
    Some(left_path.replace(".prototype.", "."))
}

/// `x` when `left` is `exports.x` or `module.exports.x`.
pub fn commonjs_export_name(left: Node<'_>, src: Source<'_>) -> Option<String> {
    if left.kind_name() != "member_expression" {
        return None;
    }
    let object = path(left.field(Field::Object)?, src)?;
    let property = left.field(Field::Property)?;
    let is_exports = object == "exports" || object == "module.exports";
    (is_exports && property.kind_name() == "property_identifier")
        .then(|| src.text(property).into_owned())
}

/// The node whose lines a definition spans: the whole statement for `const f = () => {}`
/// (when it declares only `f`) and for `f = function () {}`, the node itself otherwise.
pub fn definition_span<'t>(node: Node<'t>, up: &Ancestors<'_, 't>) -> Node<'t> {
    let Some(parent) = up.parent(node) else {
        return node;
    };
    match parent.kind_name() {
        "variable_declarator" => single_declaration(parent, up).unwrap_or(parent),
        "assignment_expression" => up
            .parent(parent)
            .filter(|s| s.kind_name() == "expression_statement")
            .unwrap_or(parent),
        "field_definition" | "public_field_definition" => parent,
        _ => node,
    }
}

/// The declaration holding `declarator`, when it holds nothing else (comments aside). Stops at
/// the second declarator: a declaration of many is not read through for each of them.
fn single_declaration<'t>(declarator: Node<'t>, up: &Ancestors<'_, 't>) -> Option<Node<'t>> {
    let declaration = up.parent(declarator)?;
    let is_declaration = matches!(
        declaration.kind_name(),
        "lexical_declaration" | "variable_declaration"
    );
    let mut cursor = declaration.walk();
    let mut alone = || {
        declaration
            .named_children(&mut cursor)
            .filter(|c| c.kind_name() != "comment")
            .take(2)
            .count()
            == 1
    };
    (is_declaration && alone()).then_some(declaration)
}

/// Identifiers a binding pattern introduces: `a` for `a`, `a`, `b`, `c` for `{a, b: [c]}`.
/// Iterative: a deeply nested pattern cannot overflow the stack.
pub fn pattern_bindings(pattern: Node<'_>, src: Source<'_>, out: &mut Vec<String>) {
    let mut stack = vec![pattern];
    while let Some(pattern) = stack.pop() {
        match pattern.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                out.push(src.text(pattern).into_owned())
            }
            "pair_pattern" => stack.extend(pattern.field(Field::Value)),
            "assignment_pattern" | "object_assignment_pattern" => {
                stack.extend(pattern.field(Field::Left))
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                stack.extend(named_children(pattern).into_iter().rev())
            }
            _ => {}
        }
    }
}

/// A callee or member path as written, whitespace dropped: `foo`, `this.enable`, `a.b.c`,
/// `a?.b`, `items[0].run`, `fetch().then` (a call in the chain keeps its `()`, not its
/// arguments), `new Plugin().apply` (a construction starts a path, `new C()`). `None` for anything else (a parenthesized or function expression, ...). A chain
/// longer than [`extract_support::chain::MAX_PATH_DEPTH`] links starts with `…` where it was cut.
pub fn path(node: Node<'_>, src: Source<'_>) -> Option<String> {
    chain_path(node, src, path_link)
}

/// One link of [`path`].
pub fn path_link<'t>(node: Node<'t>, src: Source<'_>) -> Option<Link<'t>> {
    match node.kind_name() {
        "identifier" | "this" | "super" | "property_identifier" | "private_property_identifier" => {
            Some(Link::first(src.text(node).into_owned()))
        }
        "member_expression" => {
            let object = node.field(Field::Object)?;
            let property = src.field(node, "property")?;
            let dot = if node.field(Field::OptionalChain).is_some() {
                "?."
            } else {
                "."
            };
            Some(Link::after(object, format!("{dot}{property}")))
        }
        "call_expression" => Some(Link::after(node.field(Field::Function)?, "()")),
        "new_expression" => {
            let class = node.field(Field::Constructor)?;
            let simple = matches!(class.kind_name(), "identifier" | "member_expression");
            simple.then(|| Link::first(format!("new {}()", src.compact(class))))
        }
        "non_null_expression" => Some(Link::after(*named_children(node).first()?, "!")),
        "subscript_expression" => {
            let object = node.field(Field::Object)?;
            let index = node.field(Field::Index)?;
            let simple = matches!(index.kind_name(), "string" | "number" | "identifier");
            simple.then(|| Link::after(object, format!("[{}]", src.text(index))))
        }
        _ => None,
    }
}
