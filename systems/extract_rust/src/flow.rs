//! The types of a function's variables and of the objects its method calls are made on.
//!
//! Bindings come in source order from typed parameters (`x: &Foo`, closures' `|x: Foo|`),
//! `self` (the `impl`'s type), `let` statements — `let x: T`, else the type of the value:
//! `Foo::new(..)` (what `Foo::new` returns, found by the resolver), `Foo::default()`,
//! `let x: Foo = Default::default()` (whose call is typed `Foo` too) and `Foo { .. }` (a `Foo`), `Box::new(v)`/`Rc::new(v)`/`Arc::new(v)` (the type of `v`), `f(..)`
//! (what `f` returns), another variable, a field chain (`self.a.b`), a method call
//! (`x.m()`: what `m` returns), through `&`, `*`, `?`, `.await`, `.unwrap()` and the like —,
//! `for` loops (an element of what they iterate: a variable or field typed `Vec<T>`, `&[T]`,
//! `[T; N]`, bound as `x[]` and `field[]`, through `&`, `.iter()`, `.enumerate()`; indexing,
//! `v[i]` and `self.items[0]`, and the untyped parameter of a closure given to an iterator
//! method, `v.iter().filter(..).map(|x| ..)`, are elements too), and the
//! patterns of `match` arms, `if let`, `while let` and `let` (`Some(x)`, `Ok(x)`; an enum
//! variant's fields as the enum's members `Variant.0`, `Variant.field`; a struct's own fields).
//! A name read at a line takes its latest binding before
//! that line, so shadowing in order is followed; block scopes are not.
//!
//! An object path as written in a callee (`self.graph.modules().get`, `Foo::new().run`) is read
//! the same way: the head is a variable, `self` or a constructor call, then fields and method
//! calls ([`Env::receiver`]).
//!
//! Patterns are read by [`crate::patterns`], collections' elements by [`crate::elements`].

use omnysys_api::facts::TypePath;
use tree_sitter::Node;

use crate::parse::{Source, line, named_children};
use crate::syntax::{Field, Syntax};
use crate::types::TypeCtx;

/// How deeply nested an expression [`Env::expression`] reads.
pub(crate) const MAX_DEPTH: u32 = 32;

/// Method calls that give back the value they are called on, for typing purposes.
pub(crate) const TRANSPARENT_CALLS: &[&str] = &[
    "unwrap",
    "expect",
    "clone",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "to_owned",
    "unwrap_or_default",
    "deref",
    "deref_mut",
    "lock",
    "read",
    "write",
];

/// Constructors of the wrappers whose methods are those of their content.
const WRAPPERS: &[&str] = &["Box", "Rc", "Arc", "Pin", "Cow"];

/// A variable bound from `line` on.
#[derive(Clone, Debug)]
struct Binding {
    name: String,
    line: u32,
    ty: TypePath,
}

/// A function's variables with known types, in source order.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// The type context of the function (`Self`, generic bounds).
    pub ctx: TypeCtx,
    bindings: Vec<Binding>,
    /// `let x: T = Default::default();`: the type the trait's `default` is called for, by the
    /// call's line.
    defaults: Vec<(u32, TypePath)>,
}

impl Env {
    /// An empty environment read in `ctx`.
    pub fn new(ctx: TypeCtx) -> Self {
        Env {
            ctx,
            bindings: Vec::new(),
            defaults: Vec::new(),
        }
    }

    /// Binds `name` to the type `ty` from `line` on.
    pub fn bind(&mut self, name: String, line: u32, ty: Option<TypePath>) {
        if let Some(ty) = ty {
            self.bindings.push(Binding { name, line, ty });
        }
    }

    /// The parameters of a function or closure (`parameters` or `closure_parameters`).
    pub fn bind_params(&mut self, params: Node<'_>, src: Source<'_>) {
        for param in named_children(params) {
            let (Some(pattern), Some(ty)) = (param.field(Field::Pattern), param.field(Field::Type))
            else {
                continue;
            };
            if let Some(name) = binding_name(pattern, src) {
                self.bind_typed(name, line(param), ty, src);
            }
        }
    }

    /// A `let` statement: its annotated type, else the type of its value.
    pub fn bind_let(&mut self, stmt: Node<'_>, src: Source<'_>) {
        let Some(pattern) = stmt.field(Field::Pattern) else {
            return;
        };
        let Some(name) = binding_name(pattern, src) else {
            let value = stmt.field(Field::Value);
            let ty = value.and_then(|v| self.expression(v, src, 0));
            self.bind_pattern(pattern, ty, line(stmt), src, 0);
            return;
        };
        // The binding starts after the statement, so `let x = x.inner();` reads the old `x`.
        let after = stmt.end_position().row as u32 + 2;
        if let Some(ty) = stmt.field(Field::Type) {
            let value = stmt.field(Field::Value);
            let function = value
                .filter(|v| v.kind_name() == "call_expression")
                .and_then(|v| v.field(Field::Function))
                .filter(|f| src.compact(*f) == "Default::default");
            if let (Some(function), Some(base)) = (function, self.ctx.base(ty, src)) {
                self.defaults
                    .push((crate::parse::end_line(function), plain(base)));
            }
            self.bind_typed(name, after, ty, src);
            return;
        }
        let Some(value) = stmt.field(Field::Value) else {
            return;
        };
        let (ty, element) = (
            self.expression(value, src, 0),
            self.element_of(value, src, 0),
        );
        self.bind(format!("{name}[]"), after, element);
        self.bind(name, after, ty);
    }

    /// Binds `name` to the type `ty` names, and `name[]` to its elements when it is a
    /// collection.
    fn bind_typed(&mut self, name: String, line: u32, ty: Node<'_>, src: Source<'_>) {
        let element = self.ctx.element(ty, src).map(plain);
        self.bind(format!("{name}[]"), line, element);
        let ty = self.ctx.base(ty, src).map(plain);
        self.bind(name, line, ty);
    }

    /// The type of variable `name` read at `line`.
    pub(crate) fn var(&self, name: &str, line: u32) -> Option<TypePath> {
        if name == "self" {
            return self.ctx.self_ty.clone().map(plain);
        }
        self.bindings
            .iter()
            .rev()
            .find(|b| b.name == name && b.line <= line)
            .map(|b| b.ty.clone())
    }

    /// The type of the expression `expr`, if the file says.
    pub fn expression(&self, expr: Node<'_>, src: Source<'_>, depth: u32) -> Option<TypePath> {
        if depth > MAX_DEPTH {
            return None;
        }
        let inner = |node: Option<Node<'_>>| self.expression(node?, src, depth + 1);
        match expr.kind_name() {
            "identifier" | "self" => self.var(&src.compact(expr), line(expr)),
            "reference_expression" => inner(expr.field(Field::Value)),
            "unary_expression" if src.compact(expr).starts_with('*') => {
                inner(named_children(expr).first().copied())
            }
            "try_expression" | "await_expression" | "parenthesized_expression" => {
                inner(named_children(expr).first().copied())
            }
            "field_expression" => {
                let object = inner(expr.field(Field::Value))?;
                Some(with(object, src.field(expr, "field")?))
            }
            "struct_expression" => {
                let name = expr.field(Field::Name)?;
                Some(plain(self.path_type(&src.compact(name))?))
            }
            "call_expression" => self.call(expr, src, depth),
            "index_expression" => self.element_of(*named_children(expr).first()?, src, depth + 1),
            _ => None,
        }
    }

    /// The type of a call's value: a method call, an associated function, a function.
    fn call(&self, call: Node<'_>, src: Source<'_>, depth: u32) -> Option<TypePath> {
        let mut function = call.field(Field::Function)?;
        if function.kind_name() == "generic_function" {
            function = function.field(Field::Function)?;
        }
        match function.kind_name() {
            "field_expression" => {
                let object = self.expression(function.field(Field::Value)?, src, depth + 1);
                method_result(object?, &src.field(function, "field")?)
            }
            "scoped_identifier" => {
                let owner = src.field(function, "path")?;
                let name = src.field(function, "name")?;
                if WRAPPERS.contains(&last_segment(&owner)) && name == "new" {
                    let args = call.field(Field::Arguments)?;
                    return self.expression(*named_children(args).first()?, src, depth + 1);
                }
                self.associated(&owner, &name)
            }
            "identifier" => self.associated("", &src.compact(function)),
            _ => None,
        }
    }

    /// The type `Owner::name(..)` gives (`owner` empty for a plain `name(..)`): `Owner` for
    /// `default` and tuple structs or variants (`Owner::Variant`), else what the function
    /// returns. `None` when the owner is a module or a path outside the crate.
    fn associated(&self, owner: &str, name: &str) -> Option<TypePath> {
        let capital = name.starts_with(char::is_uppercase);
        if owner.is_empty() {
            return Some(match capital {
                true => plain(name.to_owned()),
                false => with(plain(name.to_owned()), "()".to_owned()),
            });
        }
        let owner = self.path_type(owner)?;
        if name == "default" || capital {
            return Some(plain(owner));
        }
        if owner.starts_with(char::is_lowercase) {
            return None;
        }
        Some(with(plain(owner), format!("{name}()")))
    }

    /// The type a path names, when it is a name of the file or a path in the crate
    /// (`Foo`, `crate::a::Foo`, `super::Foo`, `a::Foo` for a module `a` of the crate → `Foo`;
    /// `Self` → the `impl`'s type; see [`TypeCtx::is_local_path`]). Paths
    /// through other modules (`io::Error`, `de::Error`) name types of other crates as often as
    /// not, which the file's own names (its `Error`) must not be mistaken for: `None`.
    fn path_type(&self, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split("::").filter(|s| !s.starts_with('<')).collect();
        let last = segments.last()?.split('<').next()?;
        let rooted = segments.first().is_some_and(|f| self.ctx.is_local_path(f));
        if segments.len() > 1 && !rooted {
            return None;
        }
        match last {
            "Self" => self.ctx.self_ty.clone(),
            _ => Some(last.to_owned()),
        }
    }

    /// The type of the object of a method call whose callee is written `callee` at `line`
    /// (`x.m`, `self.a.b().m`, `Foo::new().m`), if it is a method call the file types; for an
    /// associated function (`Foo::f`), the type named.
    pub fn receiver(&self, callee: &str, line: u32) -> Option<TypePath> {
        if callee == "Default::default"
            && let Some((_, ty)) = self.defaults.iter().find(|(at, _)| *at == line)
        {
            return Some(ty.clone());
        }
        let Some((object, _method)) = callee.rsplit_once('.') else {
            return self.owner(callee);
        };
        let mut segments = object.split('.');
        let head = segments.next()?;
        let mut ty = self.head(head, line)?;
        for segment in segments {
            let segment = segment.trim_end_matches('?');
            if segment == "await" {
                continue;
            }
            ty = match segment.strip_suffix("()") {
                Some(method) => method_result(ty, method)?,
                None if is_name(segment) || is_index(segment) => with(ty, segment.to_owned()),
                None => with(ty, format!("{}[]", indexed(segment)?)),
            };
        }
        Some(ty)
    }

    /// The type an associated function is called on (`Foo::new`, `Self::helper`,
    /// `crate::a::Foo::run`): its owner when that names a type (capitalized), so that a method in an
    /// `impl` away from the type, or a trait's default method, is found.
    fn owner(&self, callee: &str) -> Option<TypePath> {
        let (owner, _function) = callee.rsplit_once("::")?;
        let owner = self.path_type(owner)?;
        owner.starts_with(char::is_uppercase).then(|| plain(owner))
    }

    /// The type of the head of an object path: a variable, `self`, or a call (`Foo::new()`,
    /// `make()`).
    fn head(&self, head: &str, line: u32) -> Option<TypePath> {
        let head = head.trim_end_matches('?');
        if is_name(head) {
            return self.var(head, line);
        }
        if let Some(collection) = indexed(head) {
            return self.var(&format!("{collection}[]"), line);
        }
        let called = head.strip_suffix("()")?;
        match called.rsplit_once("::") {
            Some((owner, name)) if is_name(name) => self.associated(owner, name),
            None if is_name(called) => self.associated("", called),
            _ => None,
        }
    }
}

/// The collection of an indexing segment (`items[0]`, `items[i]` → `items`).
fn indexed(segment: &str) -> Option<&str> {
    let (collection, index) = segment.strip_suffix(']')?.split_once('[')?;
    (is_name(collection) && !index.contains('[')).then_some(collection)
}

/// Whether `s` is a tuple field (`0`).
fn is_index(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// The name a parameter or `let` pattern binds: `x`, `mut x`, `ref x`; `None` for destructuring.
pub(crate) fn binding_name(pattern: Node<'_>, src: Source<'_>) -> Option<String> {
    match pattern.kind_name() {
        "identifier" => Some(src.compact(pattern)),
        "mut_pattern" | "ref_pattern" | "reference_pattern" => {
            binding_name(*named_children(pattern).last()?, src)
        }
        _ => None,
    }
}

/// What `object.method()` gives: the object itself for [`TRANSPARENT_CALLS`], else the
/// method's return type (a `method()` member).
fn method_result(object: TypePath, method: &str) -> Option<TypePath> {
    if TRANSPARENT_CALLS.contains(&method) {
        return Some(object);
    }
    is_name(method).then(|| with(object, format!("{method}()")))
}

/// The last segment of a path (`a::b::C` → `C`).
pub(crate) fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Whether `s` is a plain identifier.
pub(crate) fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The type named `base`, no members.
pub fn plain(base: String) -> TypePath {
    TypePath {
        base,
        members: Vec::new(),
        guessed: false,
    }
}

/// `ty` then the member `member`.
pub(crate) fn with(mut ty: TypePath, member: String) -> TypePath {
    ty.members.push(member);
    ty
}
