//! The type facts of one file, collected over the extractor's walk of its tree (driven by
//! [`crate::type_walk`]): JSDoc typedefs, classes (bases, field types), declared return types,
//! typed bindings in their scopes, and for every call (in the order [`crate::calls`] records
//! them) the value of the object it calls a method on. [`crate::receivers`] turns them into
//! facts. A node's JSDoc is the comment that ends right before it (whitespace between), or the
//! one before the statement it is the value of.
//!
//! Scopes are functions, methods and arrow functions (blocks are not scopes: a `const` in a
//! block is seen by the whole function). Typed bindings: parameters with a JSDoc `@param` or a
//! TypeScript annotation, and `const`/`let`/`var` with a JSDoc `@type`, an annotation or a
//! value with a known type (including `const { a } = typed` destructuring). Fields: `this.x =`
//! assignments, class field declarations, and TypeScript constructor parameter properties
//! (`constructor(private graph: Graph)`).

use extract_support::chain::MAX_PATH_DEPTH;
use extract_support::walk::Ancestors;
use omnysys_api::facts::{ClassFacts, TypeAlias};
use tree_sitter::Node;

use crate::jsdoc;
use crate::names;
use crate::parse::{Source, end_line, line, named_children};
use crate::syntax::{Field, Syntax};
use crate::values::{Value, declared_type, value_of};

/// One function scope.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The enclosing scope.
    pub parent: Option<usize>,
    /// The class `this` is in it.
    pub this_class: Option<usize>,
}

/// A name bound in a scope to a value.
#[derive(Clone, Debug)]
pub struct Binding {
    /// Where it is bound.
    pub scope: usize,
    /// The name.
    pub name: String,
    /// What it holds.
    pub value: Value,
}

/// A class field assigned or declared with a value.
#[derive(Clone, Debug)]
pub struct FieldValue {
    /// Index of the class in [`Collected::classes`].
    pub class: usize,
    /// The field.
    pub name: String,
    /// Its value; declared (`@type`, annotation) ones come first in preference.
    pub value: Value,
    /// Whether the type was declared rather than inferred from the assigned value.
    pub declared: bool,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Collected {
    /// Function scopes; 0 is the module.
    pub scopes: Vec<Scope>,
    /// Typed bindings in source order.
    pub bindings: Vec<Binding>,
    /// Type aliases from `@typedef`.
    pub aliases: Vec<TypeAlias>,
    /// Classes with their bases (fields come from `fields`).
    pub classes: Vec<ClassFacts>,
    /// Field values.
    pub fields: Vec<FieldValue>,
    /// Declared return types by symbol name.
    pub returns: Vec<(String, String)>,
    /// Per call site, in order: the line its callee ends on and the value of the object of a
    /// member call.
    pub calls: Vec<(u32, Option<Value>)>,
}

/// The visited node, the nodes above it, and the comment right before each of them.
pub struct Here<'a, 'w, 't> {
    /// The visited node.
    pub node: Node<'t>,
    /// The nodes above it.
    pub ancestors: &'a Ancestors<'w, 't>,
    /// Per depth on the path, the comment right before that node.
    pub docs: &'a [Option<Node<'t>>],
}

impl<'t> Here<'_, '_, 't> {
    /// The parent of the visited node.
    fn parent(&self) -> Option<Node<'t>> {
        self.ancestors.parent(self.node)
    }
}

impl Collected {
    /// Records what `node` says; returns the scope and class of its children.
    pub fn visit(
        &mut self,
        here: &Here<'_, '_, '_>,
        scope: usize,
        class: Option<usize>,
        src: Source<'_>,
    ) -> (usize, Option<usize>) {
        let (node, path) = (here.node, here);
        match node.kind_name() {
            "comment" => self.typedefs(node, src),
            "class_declaration"
            | "abstract_class_declaration"
            | "class"
            | "interface_declaration" => {
                return (scope, self.class(node, path, src).or(class));
            }
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => {
                return (self.function(node, path, scope, class, src), class);
            }
            "variable_declarator" => self.declarator(node, path, scope, src),
            "assignment_expression" => self.assignment(node, path, scope, class, src),
            "field_definition" | "public_field_definition" => {
                self.class_field(node, path, scope, class, src)
            }
            "call_expression" | "new_expression" => self.call(node, scope, src),
            "statement_block" | "expression_statement" | "return_statement" => {
                return (self.narrowed(here, scope, src).unwrap_or(scope), class);
            }
            _ => {}
        }
        (scope, class)
    }

    /// The scope of an `if`'s consequence when its condition is `x instanceof C`: `x` is a `C`
    /// there (as a checker narrows it). Other conditions, and the `else` branch, narrow nothing.
    fn narrowed(
        &mut self,
        here: &Here<'_, '_, '_>,
        scope: usize,
        src: Source<'_>,
    ) -> Option<usize> {
        let statement = here.parent()?;
        if statement.kind_name() != "if_statement"
            || statement.field(Field::Consequence) != Some(here.node)
        {
            return None;
        }
        let (name, class) = instance_test(statement.field(Field::Condition)?, src)?;
        let this_class = self.scopes.get(scope).and_then(|s| s.this_class);
        self.scopes.push(Scope {
            parent: Some(scope),
            this_class,
        });
        let inner = self.scopes.len() - 1;
        self.bindings.push(Binding {
            scope: inner,
            name,
            value: Value::named(class),
        });
        Some(inner)
    }

    /// What `this` is in `scope`.
    fn this_class(&self, scope: usize) -> Option<String> {
        let class = self.scopes.get(scope)?.this_class?;
        self.classes.get(class).map(|c| c.name.clone())
    }

    /// The value of `node`, a child of `parent`, read in `scope`.
    fn value(
        &self,
        parent: Node<'_>,
        node: Node<'_>,
        scope: usize,
        src: Source<'_>,
    ) -> Option<Value> {
        value_of(parent, node, scope, &|s| self.this_class(s), src)
    }

    /// `@typedef`s of a JSDoc comment.
    fn typedefs(&mut self, comment: Node<'_>, src: Source<'_>) {
        let bytes = src.bytes().get(comment.byte_range()).unwrap_or_default();
        if !bytes.windows(8).any(|w| w == b"@typedef") {
            return; // most comments: no UTF-8 check, no copy
        }
        let text = src.text(comment);
        for alias in crate::typedefs::aliases(&text, line(comment)) {
            self.aliases.push(alias);
        }
    }

    /// A class (or a TypeScript interface): its name and bases; returns its index.
    fn class(&mut self, node: Node<'_>, here: &Here<'_, '_, '_>, src: Source<'_>) -> Option<usize> {
        let name = src.field(node, "name").or_else(|| {
            let parent = here.parent()?;
            (parent.kind_name() == "variable_declarator")
                .then(|| src.field(parent, "name"))
                .flatten()
        })?;
        let bases = named_children(node)
            .into_iter()
            .find(|c| matches!(c.kind_name(), "class_heritage" | "extends_type_clause"))
            .map(|h| heritage(h, src))
            .unwrap_or_default();
        self.classes.push(ClassFacts {
            name,
            bases,
            fields: Vec::new(),
        });
        Some(self.classes.len() - 1)
    }

    /// A function: a new scope with its typed parameters; its declared return type.
    fn function(
        &mut self,
        node: Node<'_>,
        here: &Here<'_, '_, '_>,
        scope: usize,
        class: Option<usize>,
        src: Source<'_>,
    ) -> usize {
        let this_class = match node.kind_name() {
            "arrow_function" => self.scopes.get(scope).and_then(|s| s.this_class),
            "method_definition" => class,
            _ => None,
        };
        self.scopes.push(Scope {
            parent: Some(scope),
            this_class,
        });
        let inner = self.scopes.len() - 1;
        let doc = doc_comment(here).map(|c| src.text(c));
        let tags = doc.as_deref().map(jsdoc::tags).unwrap_or_default();
        let generics = crate::params::Generics::of(node, doc.as_deref(), src);
        for (pattern, ty) in crate::params::typed(node, &tags, &generics, src) {
            let typed = ty.map_or(Value::Unknown, Value::named);
            for (name, value) in destructure(pattern, typed, src) {
                self.bindings.push(Binding {
                    scope: inner,
                    name,
                    value,
                });
            }
        }
        if let Some(class) = class.filter(|_| is_constructor(node, src)) {
            self.parameter_properties(node, class, src);
        }
        let returns = tags
            .iter()
            .find(|t| t.kind == "returns")
            .and_then(|t| jsdoc::first_name(t.ty))
            .or_else(|| crate::params::annotated(node.field(Field::ReturnType)?, src))
            .and_then(|ty| generics.bound(ty));
        let name = returns.and_then(|ty| Some((function_name(node, here, class, self, src)?, ty)));
        self.returns.extend(name);
        inner
    }

    /// TypeScript parameter properties of a constructor (`constructor(private graph: Graph)`,
    /// `readonly`, `public`, `protected`, `override`): fields of `class`, of the annotated type.
    fn parameter_properties(&mut self, constructor: Node<'_>, class: usize, src: Source<'_>) {
        let Some(list) = constructor.field(Field::Parameters) else {
            return;
        };
        for param in named_children(list) {
            if !matches!(
                param.kind_name(),
                "required_parameter" | "optional_parameter"
            ) || !is_parameter_property(param)
            {
                continue;
            }
            let Some(pattern) = param.field(Field::Pattern) else {
                continue;
            };
            let annotation = param.field(Field::Type);
            let Some(ty) = annotation.and_then(|t| crate::params::annotated(t, src)) else {
                continue;
            };
            if pattern.kind_name() == "identifier" {
                self.fields.push(FieldValue {
                    class,
                    name: src.text(pattern).into_owned(),
                    value: Value::named(ty),
                    declared: true,
                });
            }
        }
    }

    /// `const x = value` (or a destructuring pattern), typed by JSDoc, annotation or value.
    fn declarator(
        &mut self,
        node: Node<'_>,
        here: &Here<'_, '_, '_>,
        scope: usize,
        src: Source<'_>,
    ) {
        let Some(pattern) = node.field(Field::Name) else {
            return;
        };
        let declared = doc_comment(here)
            .and_then(|c| declared_type(&src.text(c)))
            .or_else(|| crate::params::annotated(node.field(Field::Type)?, src))
            .map(Value::named);
        let value = declared.or_else(|| self.value(node, node.field(Field::Value)?, scope, src));
        let Some(value) = value else {
            return;
        };
        for (name, value) in destructure(pattern, value, src) {
            self.bindings.push(Binding { scope, name, value });
        }
    }

    /// `this.x = value` in a class: a field of it.
    fn assignment(
        &mut self,
        node: Node<'_>,
        here: &Here<'_, '_, '_>,
        scope: usize,
        class: Option<usize>,
        src: Source<'_>,
    ) {
        let Some(left) = node.field(Field::Left) else {
            return;
        };
        if left.kind_name() == "identifier" {
            let value = node.field(Field::Right);
            if let Some(value) = value.and_then(|r| self.value(node, r, scope, src)) {
                let name = src.text(left).into_owned();
                self.bindings.push(Binding { scope, name, value });
            }
            return;
        }
        let Some(class) = class else {
            return;
        };
        let object = left.field(Field::Object);
        if left.kind_name() != "member_expression" || object.is_none_or(|o| o.kind_name() != "this")
        {
            return;
        }
        let Some(name) = left.field(Field::Property).map(|p| src.text(p)) else {
            return;
        };
        let declared = doc_comment(here).and_then(|c| declared_type(&src.text(c)));
        let field = (class, name.into_owned());
        self.field(field, declared, node, node.field(Field::Right), scope, src);
    }

    /// Records the field `(class, name)`: of the `declared` type, else of the type of `value`
    /// (a child of `parent`).
    fn field(
        &mut self,
        (class, name): (usize, String),
        declared: Option<String>,
        parent: Node<'_>,
        value: Option<Node<'_>>,
        scope: usize,
        src: Source<'_>,
    ) {
        let value = match declared {
            Some(ty) => Some((Value::named(ty), true)),
            None => value
                .and_then(|v| self.value(parent, v, scope, src))
                .map(|v| (v, false)),
        };
        if let Some((value, declared)) = value {
            self.fields.push(FieldValue {
                class,
                name,
                value,
                declared,
            });
        }
    }

    /// A class field `x = value;` or `x: T;`, typed by annotation, JSDoc or value.
    fn class_field(
        &mut self,
        node: Node<'_>,
        here: &Here<'_, '_, '_>,
        scope: usize,
        class: Option<usize>,
        src: Source<'_>,
    ) {
        let Some(class) = class else {
            return;
        };
        let Some(name) = src
            .field(node, "property")
            .or_else(|| src.field(node, "name"))
        else {
            return;
        };
        let declared = doc_comment(here)
            .and_then(|c| declared_type(&src.text(c)))
            .or_else(|| crate::params::annotated(node.field(Field::Type)?, src));
        let value = node.field(Field::Value);
        self.field((class, name), declared, node, value, scope, src);
    }

    /// A call as [`crate::calls`] records it, with the value of the object of a member call.
    fn call(&mut self, node: Node<'_>, scope: usize, src: Source<'_>) {
        let Some(callee) = crate::calls::callee(node, src) else {
            return;
        };
        if !is_path(callee) {
            return;
        }
        let object = (node.kind_name() == "call_expression"
            && callee.kind_name() == "member_expression")
            .then(|| callee.field(Field::Object))
            .flatten();
        let value = object.and_then(|o| self.value(callee, o, scope, src));
        self.calls.push((end_line(callee), value));
    }
}

/// `(x, C)` of a condition `(x instanceof C)` (`C` may be a member path, `ns.C`).
fn instance_test(condition: Node<'_>, src: Source<'_>) -> Option<(String, String)> {
    let test = match condition.kind_name() {
        "parenthesized_expression" => condition.named_child(0)?,
        _ => condition,
    };
    let operator = test.field(Field::Operator)?;
    if test.kind_name() != "binary_expression" || operator.kind_name() != "instanceof" {
        return None;
    }
    let (left, right) = (test.field(Field::Left)?, test.field(Field::Right)?);
    let class_like = matches!(right.kind_name(), "identifier" | "member_expression");
    (left.kind_name() == "identifier" && class_like)
        .then(|| (src.text(left).into_owned(), src.compact(right)))
}

/// Whether `node` is a class's `constructor` method.
fn is_constructor(node: Node<'_>, src: Source<'_>) -> bool {
    node.kind_name() == "method_definition"
        && node
            .field(Field::Name)
            .is_some_and(|n| src.text(n) == "constructor")
}

/// Whether the constructor parameter `param` declares a field: it has an accessibility
/// modifier, `readonly` or `override` before its name.
fn is_parameter_property(param: Node<'_>) -> bool {
    (0..param.child_count()).any(|i| {
        param.child(i).is_some_and(|c| {
            matches!(
                c.kind_name(),
                "accessibility_modifier" | "override_modifier" | "readonly"
            )
        })
    })
}

/// Base type names of a `class_heritage`: the `extends` expression (JavaScript) or the
/// `extends` and `implements` clauses' types (TypeScript); of an interface's
/// `extends_type_clause`: its types. Type arguments dropped.
fn heritage(node: Node<'_>, src: Source<'_>) -> Vec<String> {
    if node.kind_name() == "extends_type_clause" {
        return clause_types(node, src);
    }
    let mut out = Vec::new();
    for child in named_children(node) {
        match child.kind_name() {
            "identifier" | "member_expression" => out.push(src.compact(child)),
            "extends_clause" | "implements_clause" => out.extend(clause_types(child, src)),
            _ => {}
        }
    }
    out
}

/// The type names an `extends`, `implements` or interface `extends` clause lists.
fn clause_types(clause: Node<'_>, src: Source<'_>) -> Vec<String> {
    named_children(clause)
        .into_iter()
        .filter(|t| {
            matches!(
                t.kind_name(),
                "identifier"
                    | "member_expression"
                    | "type_identifier"
                    | "nested_type_identifier"
                    | "generic_type"
            )
        })
        .filter_map(|t| jsdoc::first_name(&src.compact(t)))
        .collect()
}

/// The JSDoc comment documenting `node`: the comment right before it, or before the statement
/// it is the value of (`const f = () => {}`, `x.f = function () {}`, `export ...`).
fn doc_comment<'t>(here: &Here<'_, '_, 't>) -> Option<Node<'t>> {
    let mut i = here.docs.len().checked_sub(1)?;
    let mut at = here.node;
    let mut above = here.ancestors.up(at);
    loop {
        if let Some(c) = here.docs[i] {
            return Some(c);
        }
        let up = above.next()?;
        let through = matches!(
            (at.kind_name(), up.kind_name()),
            (
                _,
                "variable_declarator" | "lexical_declaration" | "variable_declaration"
            ) | (_, "expression_statement" | "export_statement")
                | (
                    "arrow_function" | "function_expression" | "function",
                    "assignment_expression"
                )
                | (
                    "arrow_function" | "function_expression" | "function",
                    "pair"
                )
        );
        if !through {
            return None;
        }
        at = up;
        i = i.checked_sub(1)?;
    }
}

/// Whether `callee` is a path [`crate::names::path`] names (so [`crate::calls`] records a call
/// site for it): the links [`crate::names::path_link`] reads, checked without naming them; a
/// chain longer than [`MAX_PATH_DEPTH`] links is one (cut).
fn is_path(callee: Node<'_>) -> bool {
    let mut at = callee;
    for _ in 0..=MAX_PATH_DEPTH {
        let inner = match at.kind_name() {
            "identifier"
            | "this"
            | "super"
            | "property_identifier"
            | "private_property_identifier" => return true,
            "new_expression" => {
                return at
                    .field(Field::Constructor)
                    .is_some_and(|c| matches!(c.kind_name(), "identifier" | "member_expression"));
            }
            "member_expression" => at.field(Field::Property).and(at.field(Field::Object)),
            "call_expression" => at.field(Field::Function),
            "non_null_expression" => named_children(at).first().copied(),
            "subscript_expression" => at
                .field(Field::Index)
                .filter(|i| matches!(i.kind_name(), "string" | "number" | "identifier"))
                .and(at.field(Field::Object)),
            _ => None,
        };
        match inner {
            Some(inner) => at = inner,
            None => return false,
        }
    }
    true
}

/// The symbol name of a function, as [`crate::names`] gives it, for the common shapes.
fn function_name(
    node: Node<'_>,
    here: &Here<'_, '_, '_>,
    class: Option<usize>,
    c: &Collected,
    src: Source<'_>,
) -> Option<String> {
    let own = src.field(node, "name");
    match node.kind_name() {
        "method_definition" => {
            let class = &c.classes[class?].name;
            Some(format!("{class}.{}", own?))
        }
        "function_declaration" | "generator_function_declaration" => own,
        _ => {
            let parent = here.parent()?;
            match parent.kind_name() {
                "variable_declarator" => src.field(parent, "name"),
                "assignment_expression" => assigned_name(parent, src),
                _ => own,
            }
        }
    }
}

/// The name `f = ...`, `exports.f = ...` or `module.exports.f = ...` gives a function (as
/// [`crate::names`] names it).
fn assigned_name(assignment: Node<'_>, src: Source<'_>) -> Option<String> {
    let left = assignment.field(Field::Left)?;
    match left.kind_name() {
        "identifier" => Some(src.text(left).into_owned()),
        _ => names::commonjs_export_name(left, src),
    }
}

/// The names a binding pattern binds to `value`: `x` to it, `{ a, b: c, d: { e } }` to its
/// members `a` and `b` (as `a`, `c`) and `d.e` (as `e`); defaults are dropped. Iterative.
fn destructure(pattern: Node<'_>, value: Value, src: Source<'_>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut stack = vec![(pattern, value)];
    while let Some((pattern, value)) = stack.pop() {
        match pattern.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                out.push((src.text(pattern).into_owned(), value));
            }
            "object_pattern" => {
                for p in named_children(pattern) {
                    let member = match p.kind_name() {
                        "shorthand_property_identifier_pattern" => Some((p, src.text(p))),
                        "object_assignment_pattern" => {
                            p.field(Field::Left).map(|left| (left, src.text(left)))
                        }
                        "pair_pattern" => p
                            .field(Field::Key)
                            .zip(p.field(Field::Value))
                            .map(|(key, bound)| (bound, src.text(key))),
                        _ => None,
                    };
                    if let Some((bound, key)) = member {
                        stack.push((bound, value.clone().member(key.into_owned())));
                    }
                }
            }
            "assignment_pattern" => {
                if let Some(left) = pattern.field(Field::Left) {
                    stack.push((left, value));
                }
            }
            _ => {}
        }
    }
    out
}
