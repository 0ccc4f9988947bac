//! Rust type syntax read as the name of the type whose methods a value has.
//!
//! [`TypeCtx::base`] names the type a type node stands for, as the file writes it:
//! - `Foo`, `crate::a::Foo`, `super::Foo`, `a::Foo` (`a` a module of the crate the file names),
//!   `Foo<T>` → `Foo` (the resolver finds the name through the file's `use` imports); a path
//!   through another module (`io::Error`, `fmt::Formatter`) names nothing, since it is as
//!   likely another crate's type as one named like the file's own;
//! - references, raw pointers and the wrappers a method call sees through (`&Foo`, `&mut Foo`,
//!   `Box<Foo>`, `Rc<Foo>`, `Arc<Foo>`, `Pin<..>`, `Cow<..>`) → `Foo`; `Option<Foo>` and
//!   `Result<Foo, E>` → `Foo` too, since calls are read through `?`, `.unwrap()` and `.expect(..)`
//!   (see [`crate::flow`]);
//! - `dyn Tr`, `impl Tr`, `dyn Tr + Send` and a generic `T` bounded by `T: Tr` (in the item's or
//!   the enclosing `impl`'s generics or `where` clause) → `Tr`, the trait whose methods a call
//!   reaches;
//! - `Self` → the type of the enclosing `impl` (the trait, inside a `trait`).
//!
//! Primitive types, tuples, slices, arrays and function types name nothing; [`TypeCtx::element`]
//! names the elements of a collection (`Vec<T>`, `&[T]`, `[T; N]`, `Option<T>` → `T`), which
//! `for` loops and `.iter()` give.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use tree_sitter::Node;

use crate::parse::{Source, named_children};
use crate::syntax::{Field, Syntax};

/// How deeply nested a type [`TypeCtx::base`] reads.
const MAX_DEPTH: u32 = 32;

/// Generic types a method call sees through: the value's methods are those of the first type
/// argument.
const TRANSPARENT: &[&str] = &["Box", "Rc", "Arc", "Pin", "Cow", "Option", "Result"];

/// Collections whose elements a `for` loop (or `.iter()`) gives: the first type argument.
const COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "HashSet",
    "BTreeSet",
    "BinaryHeap",
    "LinkedList",
    "Option",
];

/// What a type is read in: the type `Self` stands for, and the first trait bound of each
/// generic parameter in scope.
#[derive(Clone, Debug, Default)]
pub struct TypeCtx {
    /// The type of the enclosing `impl` (or the enclosing trait).
    pub self_ty: Option<String>,
    /// Generic parameter → the first trait it is bounded by (for `T: AsRef<U>` and the like,
    /// `U`: what `.as_ref()` gives, the only method a `T` is called with as a rule).
    pub bounds: HashMap<String, String>,
    /// Generic parameter bounded by `IntoIterator<Item = U>` or `Iterator<Item = U>` → `U` as
    /// written (read through [`Self::bounds`] when used: `G` of `I: IntoIterator<Item = G>`).
    pub items: HashMap<String, String>,
    /// The crate's modules the file names (`mod a;`, `use crate::x::a;`, an inline `mod a`):
    /// a path through one of them (`a::Foo`) names a type of the crate.
    pub modules: Rc<HashSet<String>>,
}

impl TypeCtx {
    /// Whether a path starting with `first` stays in the crate (`crate`, `self`, `super`, or
    /// one of [`Self::modules`]).
    pub fn is_local_path(&self, first: &str) -> bool {
        matches!(first, "crate" | "self" | "super") || self.modules.contains(first)
    }

    /// The type name `ty` stands for, if it names one (see the module docs).
    pub fn base(&self, ty: Node<'_>, src: Source<'_>) -> Option<String> {
        self.base_at(ty, src, 0)
    }

    /// [`Self::base`] of a type nested `depth` deep.
    fn base_at(&self, ty: Node<'_>, src: Source<'_>, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let inner = |node: Option<Node<'_>>| self.base_at(node?, src, depth + 1);
        match ty.kind_name() {
            "type_identifier" => Some(self.named(src.compact(ty))),
            "scoped_type_identifier" => {
                let path = src.field(ty, "path")?;
                let first = path.split("::").next().unwrap_or_default();
                self.is_local_path(first).then_some(())?;
                Some(self.named(src.field(ty, "name")?))
            }
            "reference_type" | "pointer_type" => inner(ty.field(Field::Type)),
            "generic_type" => self.generic(ty, src, depth),
            "dynamic_type" | "abstract_type" => inner(ty.field(Field::Trait)),
            "bounded_type" => inner(named_children(ty).first().copied()),
            _ => None,
        }
    }

    /// `name` with `Self` and bounded generic parameters replaced.
    fn named(&self, name: String) -> String {
        if name == "Self" {
            return self.self_ty.clone().unwrap_or(name);
        }
        self.bounds.get(&name).cloned().unwrap_or(name)
    }

    /// `Foo<T>` → `Foo`; a transparent wrapper → its first type argument.
    fn generic(&self, ty: Node<'_>, src: Source<'_>, depth: u32) -> Option<String> {
        let name = self.base_at(ty.field(Field::Type)?, src, depth + 1)?;
        if !TRANSPARENT.contains(&name.as_str()) {
            return Some(name);
        }
        let args = ty.field(Field::TypeArguments)?;
        let first = named_children(args)
            .into_iter()
            .find(|a| a.kind_name() != "lifetime")?;
        self.base_at(first, src, depth + 1)
    }

    /// The type name of the elements of the collection `ty` stands for (`Vec<T>`, `&[T]`,
    /// `[T; N]`, `Box<[T]>`, `Option<T>` → `T`), if it is one.
    pub fn element(&self, ty: Node<'_>, src: Source<'_>) -> Option<String> {
        self.element_at(ty, src, 0)
    }

    /// [`Self::element`] of a type nested `depth` deep.
    fn element_at(&self, ty: Node<'_>, src: Source<'_>, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match ty.kind_name() {
            "reference_type" | "pointer_type" => {
                self.element_at(ty.field(Field::Type)?, src, depth + 1)
            }
            "array_type" => self.base_at(ty.field(Field::Element)?, src, depth + 1),
            "type_identifier" => {
                let item = self.items.get(&src.compact(ty))?;
                Some(self.named(item.clone()))
            }
            "generic_type" => {
                let name = src.compact(ty.field(Field::Type)?);
                let name = name.rsplit("::").next().unwrap_or_default();
                let args = ty.field(Field::TypeArguments)?;
                let first = named_children(args)
                    .into_iter()
                    .find(|a| a.kind_name() != "lifetime")?;
                if COLLECTIONS.contains(&name) {
                    self.base_at(first, src, depth + 1)
                } else if TRANSPARENT.contains(&name) {
                    self.element_at(first, src, depth + 1)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Adds the trait bounds of `item`'s generics and `where` clause (a function, `impl`,
    /// struct or trait) to the context.
    pub fn add_bounds(&mut self, item: Node<'_>, src: Source<'_>) {
        if let Some(params) = item.field(Field::TypeParameters) {
            for param in named_children(params) {
                let name = param.field(Field::Name);
                self.bound(name, param.field(Field::Bounds), src);
            }
        }
        let clause = named_children(item)
            .into_iter()
            .find(|c| c.kind_name() == "where_clause");
        for predicate in clause.map(named_children).unwrap_or_default() {
            let left = predicate.field(Field::Left);
            self.bound(left, predicate.field(Field::Bounds), src);
        }
    }

    /// Records the first trait of `bounds` for the parameter `name`, unless it has one.
    fn bound(&mut self, name: Option<Node<'_>>, bounds: Option<Node<'_>>, src: Source<'_>) {
        let (Some(name), Some(bounds)) = (name, bounds) else {
            return;
        };
        let name = src.compact(name);
        let traits: Vec<Node<'_>> = named_children(bounds)
            .into_iter()
            .filter(|b| b.kind_name() != "lifetime")
            .collect();
        for tr in &traits {
            if let Some(item) = iterated_item(*tr, src) {
                self.items.entry(name.clone()).or_insert(item);
            }
        }
        let first = traits
            .into_iter()
            .find_map(|b| self.converted(b, src).or_else(|| self.base(b, src)));
        if let Some(first) = first {
            self.bounds.entry(name).or_insert(first);
        }
    }

    /// `U` of a bound `AsRef<U>`, `AsMut<U>`, `Borrow<U>`, `BorrowMut<U>`.
    fn converted(&self, bound: Node<'_>, src: Source<'_>) -> Option<String> {
        let (name, args) = generic_parts(bound, src)?;
        if !CONVERSIONS.contains(&name.as_str()) {
            return None;
        }
        let first = named_children(args)
            .into_iter()
            .find(|a| a.kind_name() != "lifetime")?;
        self.base(first, src)
    }
}

/// Conversion traits whose one method gives a view of their type argument.
const CONVERSIONS: &[&str] = &["AsRef", "AsMut", "Borrow", "BorrowMut"];

/// The trait name (last segment) and the type arguments of a generic bound (`Tr<..>`).
fn generic_parts<'t>(bound: Node<'t>, src: Source<'_>) -> Option<(String, Node<'t>)> {
    if bound.kind_name() != "generic_type" {
        return None;
    }
    let name = src.compact(bound.field(Field::Type)?);
    let name = name.rsplit("::").next().unwrap_or_default().to_owned();
    Some((name, bound.field(Field::TypeArguments)?))
}

/// `U` as written in `IntoIterator<Item = U>` or `Iterator<Item = U>` (a plain name).
fn iterated_item(bound: Node<'_>, src: Source<'_>) -> Option<String> {
    let (name, args) = generic_parts(bound, src)?;
    if name != "IntoIterator" && name != "Iterator" {
        return None;
    }
    let binding = named_children(args).into_iter().find(|a| {
        a.kind_name() == "type_binding" && src.field(*a, "name").as_deref() == Some("Item")
    })?;
    let ty = binding.field(Field::Type)?;
    (ty.kind_name() == "type_identifier").then(|| src.compact(ty))
}
