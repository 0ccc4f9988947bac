//! Elements of collections: a `for` loop's variable, indexing, and the untyped parameter of a
//! closure given to an iterator method ([`Env::bind_for`], [`Env::bind_closure_element`]). A
//! variable or field typed `Vec<T>`, `&[T]`, `[T; N]` or `Option<T>` has its elements bound as
//! `x[]` and `field[]` ([`crate::types::TypeCtx::element`]).

use omnysys_api::facts::TypePath;
use tree_sitter::Node;

use crate::flow::{Env, MAX_DEPTH, TRANSPARENT_CALLS, binding_name, with};
use crate::parse::{Source, line, named_children};
use crate::syntax::{Field, Syntax};

/// Methods that iterate over a collection's elements.
const ITERATORS: &[&str] = &["iter", "iter_mut", "into_iter", "drain"];

/// Iterator adapters that pass their elements on unchanged (`v.iter().filter(..)`).
const PASS_ELEMENTS: &[&str] = &[
    "filter",
    "skip",
    "take",
    "rev",
    "peekable",
    "cloned",
    "copied",
    "skip_while",
    "take_while",
    "inspect",
];

/// Iterator methods whose closure argument takes one element (`.map(|x| ..)`).
const TAKE_ELEMENT: &[&str] = &[
    "map",
    "filter",
    "for_each",
    "any",
    "all",
    "find",
    "filter_map",
    "flat_map",
    "position",
    "skip_while",
    "take_while",
    "inspect",
    "find_map",
    "max_by_key",
    "min_by_key",
];

impl Env {
    /// The untyped parameter of a closure given to an iterator method
    /// (`v.iter().map(|x| x.m())`, `self.items.iter().any(|i| ..)`): an element.
    pub fn bind_closure_element(&mut self, call: Node<'_>, src: Source<'_>) {
        let Some(iterator) = TAKE_ELEMENT.iter().find_map(|m| called_on(call, m, src)) else {
            return;
        };
        let closures = call
            .field(Field::Arguments)
            .map(named_children)
            .unwrap_or_default();
        for closure in closures
            .into_iter()
            .filter(|c| c.kind_name() == "closure_expression")
        {
            let first = closure
                .field(Field::Parameters)
                .and_then(|p| named_children(p).first().copied());
            if let Some(name) = first.and_then(|p| binding_name(p, src)) {
                let ty = self.element_of(iterator, src, 0);
                self.bind(name, line(closure), ty);
            }
        }
    }

    /// A `for` loop's variable: an element of what it iterates (`for x in &v`,
    /// `for x in self.items.iter()`, `for (i, x) in v.iter().enumerate()`).
    pub fn bind_for(&mut self, node: Node<'_>, src: Source<'_>) {
        let (Some(mut pattern), Some(mut value)) =
            (node.field(Field::Pattern), node.field(Field::Value))
        else {
            return;
        };
        if let Some(inner) = called_on(value, "enumerate", src) {
            let Some(second) = named_children(pattern).get(1).copied() else {
                return;
            };
            (pattern, value) = (second, inner);
        }
        if let Some(name) = binding_name(pattern, src) {
            let ty = self.element_of(value, src, 0);
            self.bind(name, line(node), ty);
        }
    }

    /// The type of the elements of the collection `expr` (a variable or field bound to one,
    /// through `&`, `.iter()`-like calls and [`TRANSPARENT_CALLS`] such as `.clone()`).
    pub(crate) fn element_of(
        &self,
        expr: Node<'_>,
        src: Source<'_>,
        depth: u32,
    ) -> Option<TypePath> {
        if depth > MAX_DEPTH {
            return None;
        }
        match expr.kind_name() {
            "identifier" => self.var(&format!("{}[]", src.compact(expr)), line(expr)),
            "reference_expression" => self.element_of(expr.field(Field::Value)?, src, depth + 1),
            "parenthesized_expression" => {
                self.element_of(*named_children(expr).first()?, src, depth + 1)
            }
            "field_expression" => {
                let object = self.expression(expr.field(Field::Value)?, src, depth + 1)?;
                Some(with(object, format!("{}[]", src.field(expr, "field")?)))
            }
            "call_expression" => {
                let inner = ITERATORS
                    .iter()
                    .chain(TRANSPARENT_CALLS)
                    .chain(PASS_ELEMENTS)
                    .find_map(|m| called_on(expr, m, src))?;
                self.element_of(inner, src, depth + 1)
            }
            _ => None,
        }
    }
}

/// The object of `expr` when `expr` is the call `object.method()`.
pub(crate) fn called_on<'t>(expr: Node<'t>, method: &str, src: Source<'_>) -> Option<Node<'t>> {
    let function = expr
        .field(Field::Function)
        .filter(|_| expr.kind_name() == "call_expression")?;
    let named = function.kind_name() == "field_expression"
        && src.field(function, "field").as_deref() == Some(method);
    named.then(|| function.field(Field::Value)).flatten()
}
