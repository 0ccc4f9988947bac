//! Where a name is declared: the inner scope a parameter, local or `catch` parameter belongs to,
//! and which object literals are `module.exports = {...}`.

use extract_support::parse::is_field;
use extract_support::walk::Ancestors;
use tree_sitter::Node;

use crate::names;
use crate::parse::Source;
use crate::syntax::{Field, Syntax};

/// Nodes that hold the parameters and `var`s of a function.
const FUNCTIONS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
];

/// Nodes that hold `let`/`const` declarations (besides functions).
const BLOCKS: &[&str] = &[
    "statement_block",
    "for_statement",
    "for_in_statement",
    "switch_body",
    "class_body",
    "program",
];

/// The inner scope `node` (an identifier, or a shorthand pattern) declares a name in: the function of a parameter, the block (or function, for `var`) of a local, the `catch` clause of
/// its parameter. `None` for anything that is not a declaration, for module-level declarations,
/// and for `require` bindings (they are imports).
pub fn declaration_scope<'t>(
    node: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
) -> Option<Node<'t>> {
    let mut child = node;
    let mut ancestors = up.up(node);
    loop {
        let parent = ancestors.next()?;
        match parent.kind_name() {
            "object_pattern" | "array_pattern" | "rest_pattern" => {}
            "pair_pattern" if is_field(parent, "value", child) => {}
            "assignment_pattern" | "object_assignment_pattern"
                if is_field(parent, "left", child) => {}
            "required_parameter" | "optional_parameter" if is_field(parent, "pattern", child) => {}
            "formal_parameters" => return ancestors.next(),
            "arrow_function" => return is_field(parent, "parameter", child).then_some(parent),
            "catch_clause" => return is_field(parent, "parameter", child).then_some(parent),
            "for_in_statement" => return is_field(parent, "left", child).then_some(parent),
            "variable_declarator" if is_field(parent, "name", child) => {
                if parent
                    .field(Field::Value)
                    .is_some_and(|v| is_require(v, src))
                {
                    return None;
                }
                let declaration = ancestors.next()?;
                let var = declaration.kind_name() == "variable_declaration";
                let scope = ancestors.find(|n| {
                    FUNCTIONS.contains(&n.kind_name()) || (!var && BLOCKS.contains(&n.kind_name()))
                });
                return scope.filter(|s| s.kind_name() != "program");
            }
            _ => return None,
        }
        child = parent;
    }
}

/// `require(..)`, possibly followed by `.x` accesses.
fn is_require(mut value: Node<'_>, src: Source<'_>) -> bool {
    while value.kind_name() == "member_expression" {
        match value.field(Field::Object) {
            Some(object) => value = object,
            None => return false,
        }
    }
    value.kind_name() == "call_expression"
        && value
            .field(Field::Function)
            .is_some_and(|f| f.kind_name() == "identifier" && src.text(f) == "require")
}

/// Whether `object` is the right-hand side of `module.exports = {...}`.
pub fn is_exported_object<'t>(object: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> bool {
    up.parent(object).is_some_and(|a| {
        a.kind_name() == "assignment_expression"
            && is_field(a, "right", object)
            && a.field(Field::Left)
                .is_some_and(|l| names::path(l, src).as_deref() == Some("module.exports"))
    })
}

/// Whether `left`, an assignment's target, is `module.exports` or one of its properties
/// (`module.exports.x`, `exports.x`).
pub fn is_exports_target(left: Option<Node<'_>>, src: Source<'_>) -> bool {
    left.is_some_and(|l| {
        names::commonjs_export_name(l, src).is_some()
            || names::path(l, src).as_deref() == Some("module.exports")
    })
}
