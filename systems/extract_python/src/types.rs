//! The type facts of one Python file, collected over a second walk of its tree: classes (bases,
//! field types), declared return types, bindings in their scopes, and for every call (in the
//! order [`crate::calls`] records them) the value of the object it calls a method on.
//! [`crate::receivers`] turns them into facts.
//!
//! Scopes are the module and functions (methods included); a class body binds fields, not
//! variables, and its methods read the scope around the class, as in Python. Bindings:
//! parameters (by annotation; an unannotated `self`/`cls` first parameter of a method is its
//! class; any other unannotated one is unknown, so it shadows), `x = v` and `x: T = v`,
//! `for x in v` and comprehension clauses (an element of `v`; `enumerate(v)` gives pairs),
//! `a, b = v` and `for a, b in v` (the positional members `[0]`, `[1]` of `v` or of its element),
//! `with v as x` (what `v.__enter__()` returns), `(x := v)`, definitions and imported names
//! (`from m import A as B` binds `B` to `A`); module-level `X = Union[..]` (or `Optional`, a
//! collection, `A | B`) is also a type alias. Fields: class-level `x: T` / `x = v`, and
//! `self.x: T` / `self.x = v` in methods; `__iter__` returning an iterator of `T`, or
//! `__getitem__` returning `T`, gives the class's element member `[]`; the annotated fields of a
//! `NamedTuple` class are also its positional members `[0]`, `[1]`, ... A method returning
//! `Self` returns its class. An attribute read as a value (`f(theme.get_style)`, see
//! [`crate::references`]) is recorded with the value of its object, like a call's.

use std::collections::HashMap;

use extract_support::chain::Paths;
use extract_support::flow::{Binding, FieldValue, Value};
use omnysys_api::facts::{ClassFacts, TypeAlias};
use tree_sitter::{Node, Tree};

use crate::annotations::{alias_of, annotated};
use crate::names;
use crate::parse::{PythonSource, Source, line, named_children};
use crate::references::is_value_position;
use crate::syntax::{Field, Syntax};
use crate::values::{At, value_of};

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Collected {
    /// The scope enclosing each scope; 0 is the module.
    pub parents: Vec<Option<usize>>,
    /// Bindings in source order.
    pub bindings: Vec<Binding>,
    /// Classes with their bases (fields come from `fields`).
    pub classes: Vec<ClassFacts>,
    /// Field values.
    pub fields: Vec<FieldValue>,
    /// Declared return types by symbol name.
    pub returns: Vec<(String, String)>,
    /// Module-level type aliases (`TextType = Union[str, "Text"]`).
    pub aliases: Vec<TypeAlias>,
    /// Element types (`[T]`) the annotations name, with the line of their first use.
    pub elements: Vec<(String, u32)>,
    /// Per call site, in order: its callee path and the value of the object of a member call.
    pub calls: Vec<(String, Option<Value>)>,
    /// Attributes read as values, in order, with the value of their object.
    pub reads: Vec<Read>,
    /// How many positional fields each named tuple class has so far.
    positions: HashMap<usize, usize>,
}

/// An attribute read as a value, not called (`x = theme.get_style`).
#[derive(Debug)]
pub struct Read {
    /// Its path as written (`self._theme.get_style`).
    pub written: String,
    /// The 1-based line it starts on.
    pub line: u32,
    /// The value of its object.
    pub object: Value,
}

/// Where a node is: its scope, the class whose body or method it is in, and whether it is in
/// the class body itself (not in a method).
#[derive(Clone, Copy, Debug, Default)]
struct Frame {
    scope: usize,
    class: Option<usize>,
    class_body: bool,
}

/// The node kinds the walk acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Class,
    Function,
    Assignment,
    For,
    As,
    Walrus,
    ImportFrom,
    Call,
    Attribute,
    Block,
}

/// [`Kind`] by tree-sitter kind id, so each node is classified without reading its kind's name
/// (`Node::kind` measures and checks the C string every time).
fn kinds(tree: &Tree) -> Vec<Option<Kind>> {
    let language = tree.language();
    (0..language.node_kind_count())
        .map(|id| {
            let id = u16::try_from(id).ok()?;
            let kind = match language.node_kind_for_id(id)? {
                "class_definition" => Kind::Class,
                "function_definition" => Kind::Function,
                "assignment" => Kind::Assignment,
                "for_statement" | "for_in_clause" => Kind::For,
                "as_pattern" => Kind::As,
                "named_expression" => Kind::Walrus,
                "import_from_statement" => Kind::ImportFrom,
                "call" => Kind::Call,
                "attribute" => Kind::Attribute,
                "block" => Kind::Block,
                _ => return None,
            };
            language.node_kind_is_named(id).then_some(kind)
        })
        .collect()
}

/// Collects the type facts of `tree` (one iterative walk).
pub fn collect(tree: &Tree, src: Source<'_>) -> Collected {
    let mut c = Collected {
        parents: vec![None],
        ..Collected::default()
    };
    let kinds = kinds(tree);
    let mut paths = Paths::new(src, names::path_link);
    let mut frames: Vec<(Frame, Node<'_>)> = Vec::new();
    let mut cursor = tree.root_node().walk();
    loop {
        let node = cursor.node();
        let (frame, parent) = frames
            .last()
            .map_or((Frame::default(), None), |(f, n)| (*f, Some(*n)));
        let kind = kinds.get(usize::from(node.kind_id())).copied().flatten();
        let at = Site { node, parent };
        let inner = kind.map_or(frame, |kind| c.visit(at, kind, frame, &mut paths, src));
        frames.push((inner, node));
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            frames.pop();
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return c;
            }
        }
    }
}

/// A node of the walk and its parent.
#[derive(Clone, Copy, Debug)]
struct Site<'t> {
    node: Node<'t>,
    parent: Option<Node<'t>>,
}

impl Collected {
    /// Records what `at.node` (of `kind`) says; returns the frame of its children.
    fn visit<'t>(
        &mut self,
        at: Site<'t>,
        kind: Kind,
        frame: Frame,
        paths: &mut Paths<'t, '_>,
        src: Source<'_>,
    ) -> Frame {
        let node = at.node;
        match kind {
            Kind::Class => return self.class(node, frame, src),
            Kind::Function => return self.function(node, frame, src),
            Kind::Assignment => self.assignment(node, frame, src),
            Kind::For => self.for_loop(node, frame, src),
            Kind::As => self.with_item(node, frame, src),
            Kind::Walrus => self.walrus(node, frame, src),
            Kind::ImportFrom => self.imported(node, frame, src),
            Kind::Call => self.call(node, frame, paths, src),
            Kind::Attribute => self.read(at, frame, paths, src),
            Kind::Block => return self.narrowed(at, frame, src).unwrap_or(frame),
        }
        frame
    }

    /// The frame of an `if`/`elif` body whose condition is `isinstance(x, C)`: a scope where
    /// `x` is a `C` (as a checker narrows it). Other conditions, and `else`, narrow nothing.
    fn narrowed(&mut self, at: Site<'_>, frame: Frame, src: Source<'_>) -> Option<Frame> {
        let statement = at.parent?;
        let branch = matches!(statement.kind_name(), "if_statement" | "elif_clause");
        if !branch || statement.field(Field::Consequence) != Some(at.node) {
            return None;
        }
        let (name, class) = instance_test(statement.field(Field::Condition)?, src)?;
        self.parents.push(Some(frame.scope));
        let scope = self.parents.len() - 1;
        self.bind(scope, name, Value::named(class));
        Some(Frame { scope, ..frame })
    }

    /// Reads `node` in `frame`.
    fn value(&self, node: Node<'_>, frame: Frame, src: Source<'_>) -> Option<Value> {
        let base = frame
            .class
            .and_then(|c| self.classes[c].bases.first())
            .map(String::as_str);
        let at = At {
            scope: frame.scope,
            base,
        };
        value_of(node, at, src)
    }

    /// Binds `name` in `scope`.
    fn bind(&mut self, scope: usize, name: String, value: Value) {
        self.bindings.push(Binding { scope, name, value });
    }

    /// The type an annotation node names, its element types noted.
    fn annotation(&mut self, node: Node<'_>, src: Source<'_>) -> Option<String> {
        let ty = annotated(&src.text(node))?;
        if ty.starts_with('[') {
            self.elements.push((ty.clone(), line(node)));
        }
        Some(ty)
    }

    /// A class: its name (bound where it is defined) and bases; its body's frame.
    fn class(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) -> Frame {
        let Some(name) = src.field(node, "name") else {
            return frame;
        };
        let bases = node
            .field(Field::Superclasses)
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|b| matches!(b.kind_name(), "identifier" | "attribute"))
            .map(|b| src.compact(b))
            .collect();
        self.define(frame, name.clone());
        self.classes.push(ClassFacts {
            name,
            bases,
            fields: Vec::new(),
        });
        Frame {
            scope: frame.scope,
            class: Some(self.classes.len() - 1),
            class_body: true,
        }
    }

    /// Binds a definition's name where it is defined (not in a class body: methods are read
    /// through their class).
    fn define(&mut self, frame: Frame, name: String) {
        if !frame.class_body {
            self.bind(frame.scope, name.clone(), Value::named(name));
        }
    }

    /// A function: a new scope with its parameters; its declared return type.
    fn function(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) -> Frame {
        let Some(name) = src.field(node, "name") else {
            return frame;
        };
        self.define(frame, name.clone());
        self.parents.push(Some(frame.scope));
        let scope = self.parents.len() - 1;
        let method = frame.class.filter(|_| frame.class_body);
        self.parameters(node, scope, method, src);
        let returns = node
            .field(Field::ReturnType)
            .and_then(|t| self.annotation(t, src))
            .map(|ty| match method {
                Some(class) if ty == "Self" => self.classes[class].name.clone(),
                _ => ty,
            });
        if let Some(ty) = returns {
            let symbol = match method {
                Some(class) => format!("{}.{name}", self.classes[class].name),
                None => name.clone(),
            };
            if let Some(class) = method {
                self.element_member(class, &name, &ty);
            }
            self.returns.push((symbol, ty));
        }
        Frame {
            scope,
            class: frame.class,
            class_body: false,
        }
    }

    /// The element member `[]` of a class from its `__iter__` or `__getitem__` return type.
    fn element_member(&mut self, class: usize, method: &str, returns: &str) {
        let value = match method {
            "__iter__" => Value::named(returns.to_owned()).member("[]".into()),
            "__getitem__" => Value::named(returns.to_owned()),
            _ => return,
        };
        self.fields.push(FieldValue {
            class,
            name: "[]".to_owned(),
            value,
            declared: true,
        });
    }

    /// Binds the parameters of `function` in `scope`; `method`: the class it is a method of.
    fn parameters(
        &mut self,
        function: Node<'_>,
        scope: usize,
        method: Option<usize>,
        src: Source<'_>,
    ) {
        let list = function
            .field(Field::Parameters)
            .map(named_children)
            .unwrap_or_default();
        for (i, param) in list.into_iter().enumerate() {
            let (name, annotation) = match param.kind_name() {
                "identifier" => (Some(param), None),
                "default_parameter" => (param.field(Field::Name), None),
                "typed_default_parameter" => (param.field(Field::Name), param.field(Field::Type)),
                "typed_parameter" => (
                    named_children(param)
                        .into_iter()
                        .find(|n| n.kind_name() == "identifier"),
                    param.field(Field::Type),
                ),
                _ => (None, None),
            };
            let Some(name) = name.map(|n| src.text(n).into_owned()) else {
                continue;
            };
            let declared = annotation.and_then(|t| self.annotation(t, src));
            let receiver = (i == 0 && matches!(name.as_str(), "self" | "cls"))
                .then_some(method)
                .flatten();
            let value = match (declared, receiver) {
                (Some(ty), _) => Value::named(ty),
                (None, Some(class)) => Value::named(self.classes[class].name.clone()),
                (None, None) => Value::Unknown,
            };
            self.bind(scope, name, value);
        }
    }

    /// `x = v`, `x: T = v`, `x: T`, `a, b = v` (unknown), `self.x = v`, `self.x: T = v`.
    fn assignment(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) {
        let Some(left) = node.field(Field::Left) else {
            return;
        };
        let annotation = node.field(Field::Type);
        let declared = annotation.and_then(|t| self.annotation(t, src));
        let is_declared = declared.is_some();
        let value = match declared {
            Some(ty) => Some(Value::named(ty)),
            None => node
                .field(Field::Right)
                .and_then(|r| self.value(r, frame, src)),
        };
        match left.kind_name() {
            "identifier" if frame.scope == 0 && frame.class.is_none() => {
                self.type_alias(node, left, src);
                let name = src.text(left).into_owned();
                self.bind(0, name, value.unwrap_or(Value::Unknown));
            }
            "identifier" => {
                let name = src.text(left).into_owned();
                let value = value.unwrap_or(Value::Unknown);
                match frame.class.filter(|_| frame.class_body) {
                    Some(class) => {
                        let declared = (annotation.is_some(), is_declared);
                        self.class_field(class, name, value, declared);
                    }
                    None => self.bind(frame.scope, name, value),
                }
            }
            "attribute" => self.self_field(left, frame, value, is_declared, src),
            "pattern_list" | "tuple_pattern" => self.destructure(left, value, frame.scope, src),
            _ => self.unknown_targets(left, frame.scope, src),
        }
    }

    /// A field declared in a class body; an annotated one of a named tuple is also its
    /// positional member `[i]`. `(annotated, declared)`: whether it has an annotation, and
    /// whether that names a type.
    fn class_field(
        &mut self,
        class: usize,
        name: String,
        value: Value,
        (annotated, declared): (bool, bool),
    ) {
        let named_tuple = self.classes[class]
            .bases
            .iter()
            .any(|b| b.rsplit('.').next() == Some("NamedTuple"));
        if named_tuple && annotated {
            let position = self.positions.entry(class).or_default();
            let member = format!("[{position}]");
            *position += 1;
            self.field(class, member, Some(value.clone()), declared);
        }
        self.field(class, name, Some(value), declared);
    }

    /// `X = Union[A, None]` (or `Optional[..]`, `A | B`, a collection) at module level: `X` is
    /// a type alias of what that names.
    fn type_alias(&mut self, node: Node<'_>, left: Node<'_>, src: Source<'_>) {
        let Some(right) = node.field(Field::Right) else {
            return;
        };
        let Some(ty) = alias_of(&src.text(right)) else {
            return;
        };
        if ty.starts_with('[') {
            self.elements.push((ty.clone(), line(node)));
        }
        self.aliases.push(TypeAlias {
            name: src.text(left).into_owned(),
            targets: vec![ty],
            line: line(node),
            ..TypeAlias::default()
        });
    }

    /// Binds every name of a target pattern to an unknown value (they shadow).
    fn unknown_targets(&mut self, target: Node<'_>, scope: usize, src: Source<'_>) {
        let mut bound = Vec::new();
        names::target_names(target, src, &mut bound);
        for name in bound {
            self.bind(scope, name, Value::Unknown);
        }
    }

    /// `self.x = v` in a method: a field of its class.
    fn self_field(
        &mut self,
        left: Node<'_>,
        frame: Frame,
        value: Option<Value>,
        declared: bool,
        src: Source<'_>,
    ) {
        let Some(class) = frame.class.filter(|_| !frame.class_body) else {
            return;
        };
        let on_self = left
            .field(Field::Object)
            .is_some_and(|o| o.kind_name() == "identifier" && src.text(o) == "self");
        if let (true, Some(name)) = (on_self, src.field(left, "attribute")) {
            self.field(class, name, value, declared);
        }
    }

    /// Records the field `name` of `class` with `value`, when there is one.
    fn field(&mut self, class: usize, name: String, value: Option<Value>, declared: bool) {
        if let Some(value) = value {
            self.fields.push(FieldValue {
                class,
                name,
                value,
                declared,
            });
        }
    }

    /// `for x in v` (`x` is an element of `v`), `for i, x in enumerate(v)` (`x` is); other
    /// targets are bound unknown.
    fn for_loop(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) {
        let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
            return;
        };
        let element = |c: &Self, n| c.value(n, frame, src).map(|v| v.member("[]".into()));
        if left.kind_name() == "identifier" {
            let value = element(self, right).unwrap_or(Value::Unknown);
            self.bind(frame.scope, src.text(left).into_owned(), value);
            return;
        }
        if let Some(over) = enumerated(right, src) {
            self.unknown_targets(left, frame.scope, src);
            let pair = named_children(left);
            if let [_, second] = pair.as_slice()
                && second.kind_name() == "identifier"
                && let Some(value) = element(self, over)
            {
                self.bind(frame.scope, src.text(*second).into_owned(), value);
            }
            return;
        }
        let value = element(self, right);
        self.destructure(left, value, frame.scope, src);
    }

    /// `a, b = v`: each name is the member `[i]` of `v` (a named tuple's `i`-th field);
    /// names of nested patterns are bound unknown.
    fn destructure(&mut self, left: Node<'_>, value: Option<Value>, scope: usize, src: Source<'_>) {
        self.unknown_targets(left, scope, src);
        let Some(value) = value else {
            return;
        };
        for (i, item) in named_children(left).into_iter().enumerate() {
            if item.kind_name() == "identifier" {
                let name = src.text(item).into_owned();
                self.bind(scope, name, value.clone().member(format!("[{i}]")));
            }
        }
    }

    /// `with v as x`: what `v.__enter__()` returns.
    fn with_item(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) {
        let target = node
            .field(Field::Alias)
            .and_then(|a| named_children(a).first().copied());
        let (Some(target), Some(value)) = (target, named_children(node).first().copied()) else {
            return;
        };
        if target.kind_name() != "identifier" {
            return;
        }
        let value = self
            .value(value, frame, src)
            .map_or(Value::Unknown, |v| v.member("__enter__()".into()));
        self.bind(frame.scope, src.text(target).into_owned(), value);
    }

    /// `(x := v)`.
    fn walrus(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) {
        let (Some(name), Some(value)) = (src.field(node, "name"), node.field(Field::Value)) else {
            return;
        };
        let value = self.value(value, frame, src).unwrap_or(Value::Unknown);
        self.bind(frame.scope, name, value);
    }

    /// `from m import A as B`: `B` stands for `A` (and `from m import A` for `A`).
    fn imported(&mut self, node: Node<'_>, frame: Frame, src: Source<'_>) {
        for name in crate::parse::field_children(node, "name") {
            let (imported, bound) = match name.kind_name() {
                "aliased_import" => (src.field(name, "name"), src.field(name, "alias")),
                _ => (Some(src.compact(name)), Some(src.compact(name))),
            };
            if let (Some(imported), Some(bound)) = (imported, bound) {
                self.bind(frame.scope, bound, Value::named(imported));
            }
        }
    }

    /// A call as [`crate::calls`] records it, with the value of the object of a method call.
    fn call<'t>(
        &mut self,
        node: Node<'t>,
        frame: Frame,
        paths: &mut Paths<'t, '_>,
        src: Source<'_>,
    ) {
        let Some(callee) = node.field(Field::Function) else {
            return;
        };
        let Some(written) = paths.path(callee) else {
            return;
        };
        let object = (callee.kind_name() == "attribute")
            .then(|| callee.field(Field::Object))
            .flatten();
        let value = object.and_then(|o| self.value(o, frame, src));
        self.calls.push((written, value));
    }

    /// An attribute read as a value ([`crate::references::is_value_position`]), with the value
    /// of its object when it has one.
    fn read<'t>(&mut self, at: Site<'t>, frame: Frame, paths: &mut Paths<'t, '_>, src: Source<'_>) {
        if !at.parent.is_some_and(|p| is_value_position(at.node, p)) {
            return;
        }
        let object = at.node.field(Field::Object);
        let Some(object) = object.and_then(|o| self.value(o, frame, src)) else {
            return;
        };
        if let Some(written) = paths.path(at.node) {
            self.reads.push(Read {
                written,
                line: line(at.node),
                object,
            });
        }
    }
}

/// `v` of `enumerate(v)`.
fn enumerated<'t>(node: Node<'t>, src: Source<'_>) -> Option<Node<'t>> {
    let function = node.field(Field::Function)?;
    if node.kind_name() != "call" || src.text(function) != "enumerate" {
        return None;
    }
    let arguments = node.field(Field::Arguments)?;
    named_children(arguments).first().copied()
}

/// `(x, C)` of a condition `isinstance(x, C)` (`C` may be dotted; a tuple of classes is not read).
fn instance_test(condition: Node<'_>, src: Source<'_>) -> Option<(String, String)> {
    let function = condition.field(Field::Function)?;
    if condition.kind_name() != "call" || src.text(function) != "isinstance" {
        return None;
    }
    let arguments = named_children(condition.field(Field::Arguments)?);
    let [object, class] = arguments.as_slice() else {
        return None;
    };
    let class_like = matches!(class.kind_name(), "identifier" | "attribute");
    (object.kind_name() == "identifier" && class_like)
        .then(|| (src.text(*object).into_owned(), src.dotted(*class)))
}
