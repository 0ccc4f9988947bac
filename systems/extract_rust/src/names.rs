//! Naming: what a definition is called, visibility, and callee paths (`a.b.c`, `Foo::new`) as
//! written.

use extract_support::chain::{Link, chain_path};
use extract_support::walk::Ancestors;
use omnysys_api::facts::SymbolKind;
use tree_sitter::Node;

use crate::parse::{Source, child_of_kind, named_children};
use crate::syntax::{Field, Syntax};

/// The name and kind of the definition `node` introduces, if it introduces one:
/// - `struct S`, `enum E`, `union U`, `trait T` → their name (`Class`), wherever they are;
/// - `fn m` in `impl X` or `impl T for X` → `X.m` (`Method`), the type named without generics,
///   path or reference (`impl<T> fmt::Display for &my::Wrapper<T>` → `Wrapper`);
/// - `fn m` in `trait T`, with a body or not (a required method: the target of calls through
///   `dyn T`, `impl T` and `U: T`) → `T.m` (`Method`);
/// - any other `fn f` (free, nested in a function, in an inline `mod`) → `f` (`Function`).
///
/// `up` holds the nodes containing `node`.
pub fn definition_name<'t>(
    node: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
) -> Option<(String, SymbolKind)> {
    match node.kind_name() {
        "struct_item" | "enum_item" | "union_item" | "trait_item" => {
            Some((src.field(node, "name")?, SymbolKind::Class))
        }
        "function_item" => {
            let name = src.field(node, "name")?;
            match owner(node, up, src) {
                Some(owner) => Some((format!("{owner}.{name}"), SymbolKind::Method)),
                None => Some((name, SymbolKind::Function)),
            }
        }
        "function_signature_item" => {
            let block = owner_block(node, up).filter(|b| b.kind_name() == "trait_item")?;
            let owner = src.field(block, "name")?;
            Some((
                format!("{owner}.{}", src.field(node, "name")?),
                SymbolKind::Method,
            ))
        }
        _ => None,
    }
}

/// The `impl` or `trait` block whose body holds `item` directly.
pub fn owner_block<'t>(item: Node<'t>, up: &Ancestors<'_, 't>) -> Option<Node<'t>> {
    let mut above = up.up(item);
    above
        .next()
        .filter(|p| p.kind_name() == "declaration_list")?;
    above
        .next()
        .filter(|b| matches!(b.kind_name(), "impl_item" | "trait_item"))
}

/// The type (for an `impl`) or trait name that owns a method.
fn owner<'t>(item: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<String> {
    let block = owner_block(item, up)?;
    match block.kind_name() {
        "impl_item" => Some(type_name(block.field(Field::Type)?, src)),
        _ => src.field(block, "name"),
    }
}

/// A type's bare name: `Foo` for `Foo`, `Foo<T>`, `a::Foo`, `&Foo`, `&mut a::Foo<T>`; other
/// types (tuples, slices, `dyn Trait`) as written, whitespace collapsed.
pub fn type_name(ty: Node<'_>, src: Source<'_>) -> String {
    match ty.kind_name() {
        "generic_type" | "reference_type" | "pointer_type" => ty
            .field(Field::Type)
            .map(|inner| type_name(inner, src))
            .unwrap_or_else(|| src.collapsed(ty)),
        "scoped_type_identifier" => src.field(ty, "name").unwrap_or_else(|| src.collapsed(ty)),
        _ => src.collapsed(ty),
    }
}

/// Whether the item is declared plain `pub` (not `pub(crate)`, `pub(super)`, `pub(in ...)`).
pub fn is_pub(item: Node<'_>, src: Source<'_>) -> bool {
    child_of_kind(item, "visibility_modifier").is_some_and(|v| src.compact(v) == "pub")
}

/// Whether the item sits directly in the file (not in a function, block or inline `mod`).
pub fn is_file_level<'t>(item: Node<'t>, up: &Ancestors<'_, 't>) -> bool {
    up.parent(item)
        .is_some_and(|p| p.kind_name() == "source_file")
}

/// A callee path as written, whitespace dropped: `foo`, `Foo::new`, `self.bar`, `x.y.z`,
/// `a.b().c` (a call in the chain keeps its `()`, not its arguments), `fut.await`, `r?.get`,
/// `items[0].run`, `vec!().len` (a macro in the chain keeps `!()`). A turbofish on the called
/// function is dropped (`parse::<u8>()` → `parse`); one inside a path is kept
/// (`Vec::<u8>::new`). `None` for anything else (a closure, a parenthesized expression, ...).
/// A chain longer than [`extract_support::chain::MAX_PATH_DEPTH`] links starts with `…` where
/// it was cut.
pub fn path(node: Node<'_>, src: Source<'_>) -> Option<String> {
    chain_path(node, src, path_link)
}

/// One link of [`path`].
pub fn path_link<'t>(node: Node<'t>, src: Source<'_>) -> Option<Link<'t>> {
    let first = || named_children(node).first().copied();
    match node.kind_name() {
        "identifier" | "self" | "super" | "crate" | "metavariable" | "scoped_identifier" => {
            Some(Link::first(src.compact(node)))
        }
        "field_expression" => {
            let value = node.field(Field::Value)?;
            let field = node.field(Field::Field)?;
            Some(Link::after(value, format!(".{}", src.compact(field))))
        }
        "generic_function" => Some(Link::after(node.field(Field::Function)?, "")),
        "call_expression" => Some(Link::after(node.field(Field::Function)?, "()")),
        "await_expression" => Some(Link::after(first()?, ".await")),
        "try_expression" => Some(Link::after(first()?, "?")),
        "index_expression" => {
            let parts = named_children(node);
            let (object, index) = (*parts.first()?, *parts.get(1)?);
            let simple = matches!(
                index.kind_name(),
                "integer_literal" | "string_literal" | "identifier"
            );
            simple.then(|| Link::after(object, format!("[{}]", src.compact(index))))
        }
        "macro_invocation" => Some(Link::first(format!(
            "{}!()",
            src.compact(node.field(Field::Macro)?)
        ))),
        _ => None,
    }
}
