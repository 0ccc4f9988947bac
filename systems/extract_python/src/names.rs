//! Naming: what a definition is called, the lines it spans, names bound by assignment targets,
//! and dotted paths (`a.b.c`) as written.

use extract_support::chain::{Link, chain_path};
use extract_support::walk::Ancestors;
use omnysys_api::facts::SymbolKind;
use tree_sitter::Node;

use crate::parse::{PythonSource, Source, named_children};
use crate::syntax::{Field, Syntax};

/// Statements and clauses a definition may sit in without changing who owns it: a `def` inside
/// `if`/`try`/`with`/`for`/`while`/`match` in a class body is still a method, and one in such a
/// block at module level is still module-level.
const TRANSPARENT: &[&str] = &[
    "block",
    "decorated_definition",
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "for_statement",
    "while_statement",
    "match_statement",
    "case_clause",
];

/// The name and kind of the definition `node` introduces, if it introduces one:
/// - `class C` → `C` (`Class`), nested classes too, by their own name;
/// - `def m` whose owner is a class `C` → `C.m` (`Method`);
/// - any other `def f` (module-level, nested in a function or method) → `f` (`Function`).
///
/// `up` holds the nodes containing `node`.
pub fn definition_name<'t>(
    node: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
) -> Option<(String, SymbolKind)> {
    match node.kind_name() {
        "class_definition" => Some((src.field(node, "name")?, SymbolKind::Class)),
        "function_definition" => {
            let name = src.field(node, "name")?;
            match owner_class(node, up, src) {
                Some(class) => Some((format!("{class}.{name}"), SymbolKind::Method)),
                None => Some((name, SymbolKind::Function)),
            }
        }
        _ => None,
    }
}

/// The name of the class whose body holds `def` (through [`TRANSPARENT`] statements only).
fn owner_class<'t>(def: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> Option<String> {
    let node = up
        .up(def)
        .find(|node| !TRANSPARENT.contains(&node.kind_name()))?;
    (node.kind_name() == "class_definition")
        .then(|| src.field(node, "name"))
        .flatten()
}

/// The node whose lines a definition spans: the `decorated_definition` around it (so the span
/// starts at the first decorator), or the node itself.
pub fn definition_span<'t>(node: Node<'t>, up: &Ancestors<'_, 't>) -> Node<'t> {
    up.parent(node)
        .filter(|p| p.kind_name() == "decorated_definition")
        .unwrap_or(node)
}

/// Names an assignment target binds: `a` for `a`, `a`, `b`, `c` for `a, (b, c)` and
/// `[a, *b]`. Attributes (`obj.x`) and subscripts (`d[k]`) bind no name. Iterative: a deeply
/// nested target cannot overflow the stack.
pub fn target_names(target: Node<'_>, src: Source<'_>, out: &mut Vec<String>) {
    let mut stack = vec![target];
    while let Some(target) = stack.pop() {
        match target.kind_name() {
            "identifier" => out.push(src.text(target).into_owned()),
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "list_splat_pattern"
            | "parenthesized_expression"
            | "tuple"
            | "list" => stack.extend(named_children(target).into_iter().rev()),
            _ => {}
        }
    }
}

/// A callee path as written, whitespace dropped: `foo`, `self.bar`, `os.path.join`,
/// `items[0].run`, `super().__init__` (a call in the chain keeps its `()`, not its arguments).
/// `None` for anything else (a lambda, a parenthesized expression, ...). A chain longer than
/// [`extract_support::chain::MAX_PATH_DEPTH`] links starts with `…` where it was cut.
pub fn path(node: Node<'_>, src: Source<'_>) -> Option<String> {
    chain_path(node, src, path_link)
}

/// One link of [`path`].
pub fn path_link<'t>(node: Node<'t>, src: Source<'_>) -> Option<Link<'t>> {
    match node.kind_name() {
        "identifier" => Some(Link::first(src.text(node).into_owned())),
        "attribute" => {
            let object = node.field(Field::Object)?;
            let attribute = src.field(node, "attribute")?;
            Some(Link::after(object, format!(".{attribute}")))
        }
        "call" => Some(Link::after(node.field(Field::Function)?, "()")),
        "subscript" => {
            let value = node.field(Field::Value)?;
            let index = node.field(Field::Subscript)?;
            let simple = matches!(index.kind_name(), "string" | "integer" | "identifier");
            simple.then(|| Link::after(value, format!("[{}]", src.dotted(index))))
        }
        _ => None,
    }
}
