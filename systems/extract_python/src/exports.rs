//! Exported names.
//!
//! Python has no export statement, so the exports follow the rule `from module import *` uses:
//! - When the module assigns `__all__` at module level (`__all__ = [...]` or `(...)`, annotated
//!   or not), the exports are exactly the string literals listed there, in order, each on the
//!   line of its literal. A later `__all__ = ...` replaces the list; `__all__ += [...]`,
//!   `__all__.extend([...])` and `__all__.append("x")` add to it. Operands of a `+` are read
//!   too (`__all__ = base + ["x"]` lists `x`); anything that is not a string literal (a name,
//!   a call, an f-string) is skipped. An `__all__` assigned only something else entirely
//!   (`__all__ = compute()`) is not understood and the fallback below applies. Each entry
//!   names a binding of the module, so these exports are `by_name`: the entry's line is a
//!   reference to what the name is bound to.
//! - Otherwise, every public (not `_`-prefixed) name bound at module level by `def`, `class`,
//!   an assignment (`x = ...`, `x: int = ...`, a bare annotation `x: int` as in stubs, every
//!   name of `a, (b, c) = ...` and of `a = b = ...`) or a `type X = ...` alias, on the line it
//!   is first bound. Imported names are not exports in this mode. "Module level" includes
//!   bodies of module-level `if`/`try`/`with`/`for`/`while` statements.
//!
//! `local` is always `None`. A name exported twice is listed once, first occurrence. The
//! fallback's exports are declared where they are listed, so they are not `by_name`.

use std::collections::HashSet;

use extract_support::collect::ExportCollector;
use extract_support::walk::Visit;
use omnysys_api::facts::Export;
use tree_sitter::Node;

use crate::names::target_names;
use crate::parse::{PythonSource, Source, line, named_children};
use crate::syntax::{Field, Syntax};

/// The module-level names seen so far, and `__all__` if it was assigned.
#[derive(Debug, Default)]
pub struct Exports {
    all: Option<Vec<(String, u32)>>,
    public: Vec<(String, u32)>,
}

impl ExportCollector for Exports {
    /// Records what the node binds at module level: a definition's name, or the names a
    /// statement binds. Nothing inside a definition counts.
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>) {
        if v.enclosing.is_some() {
            return;
        }
        match v.def {
            Some(def) => self.public.push((def.name.clone(), def.start_line)),
            None => self.statement(v.node, src),
        }
    }

    /// The exports (see the module docs), and their names.
    fn finish(self) -> (Vec<Export>, HashSet<String>) {
        self.exports()
    }
}

impl Exports {
    /// Records what a module-level statement that is not a definition binds.
    fn statement(&mut self, node: Node<'_>, src: Source<'_>) {
        match node.kind_name() {
            "assignment" => self.assignment(node, src),
            "augmented_assignment" => self.augmented(node, src),
            "call" => self.all_method(node, src),
            "type_alias_statement" => {
                if let Some(name) = node.field(Field::Left).and_then(first_identifier) {
                    self.public.push((src.text(name).into_owned(), line(node)));
                }
            }
            _ => {}
        }
    }

    /// The exports (see the module docs), and their names.
    fn exports(self) -> (Vec<Export>, HashSet<String>) {
        let by_name = self.all.is_some();
        let candidates = match self.all {
            Some(all) => all,
            None => self
                .public
                .into_iter()
                .filter(|(name, _)| !name.starts_with('_'))
                .collect(),
        };
        let mut seen = HashSet::new();
        let exports = candidates
            .into_iter()
            .filter(|(name, _)| seen.insert(name.clone()))
            .map(|(name, line)| Export {
                name,
                local: None,
                line,
                by_name,
            })
            .collect();
        (exports, seen)
    }

    /// `x = ...`, `x: T = ...`, `x: T`, `a, b = ...`, and `__all__ = [...]`.
    fn assignment(&mut self, node: Node<'_>, src: Source<'_>) {
        let Some(left) = node.field(Field::Left) else {
            return;
        };
        if is_all(left, src) {
            if let Some(right) = node.field(Field::Right) {
                let mut names = Vec::new();
                if string_items(right, src, &mut names) {
                    self.all = Some(names);
                }
            }
            return;
        }
        let mut bound = Vec::new();
        target_names(left, src, &mut bound);
        let at = line(node);
        self.public.extend(bound.into_iter().map(|name| (name, at)));
    }

    /// `__all__ += [...]`.
    fn augmented(&mut self, node: Node<'_>, src: Source<'_>) {
        let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
            return;
        };
        let plus = node
            .field(Field::Operator)
            .is_some_and(|op| src.text(op) == "+=");
        if plus && is_all(left, src) {
            let mut names = Vec::new();
            string_items(right, src, &mut names);
            self.all.get_or_insert_with(Vec::new).extend(names);
        }
    }

    /// `__all__.extend([...])` and `__all__.append("x")`.
    fn all_method(&mut self, call: Node<'_>, src: Source<'_>) {
        let Some(function) = call.field(Field::Function) else {
            return;
        };
        if function.kind_name() != "attribute" {
            return;
        }
        let on_all = function
            .field(Field::Object)
            .is_some_and(|o| is_all(o, src));
        let argument = call
            .field(Field::Arguments)
            .and_then(|a| named_children(a).first().copied());
        let (true, Some(argument)) = (on_all, argument) else {
            return;
        };
        let method = src.field(function, "attribute");
        let mut names = Vec::new();
        match method.as_deref() {
            Some("extend") => {
                string_items(argument, src, &mut names);
            }
            Some("append") => names.extend(src.string_value(argument).map(|s| (s, line(argument)))),
            _ => return,
        }
        self.all.get_or_insert_with(Vec::new).extend(names);
    }
}

/// Whether the node is the identifier `__all__`.
fn is_all(node: Node<'_>, src: Source<'_>) -> bool {
    node.kind_name() == "identifier" && src.text(node) == "__all__"
}

/// The string literals of a list or tuple (or a `+` of them), with their lines. False when the
/// node is none of those, so the value is not understood at all. Iterative: a long `+` chain or
/// deeply nested lists cannot overflow the stack.
fn string_items(node: Node<'_>, src: Source<'_>, out: &mut Vec<(String, u32)>) -> bool {
    let mut understood = false;
    // (node, reached from the value through `+` operands only, is an item of a list)
    let mut stack = vec![(node, true, false)];
    while let Some((node, top, item)) = stack.pop() {
        if item && let Some(value) = src.string_value(node) {
            out.push((value, line(node)));
            continue;
        }
        match node.kind_name() {
            "list" | "tuple" | "parenthesized_expression" => {
                understood |= top;
                let items = named_children(node).into_iter().rev();
                stack.extend(items.map(|item| (item, false, true)));
            }
            "binary_operator" => {
                let plus = node
                    .field(Field::Operator)
                    .is_some_and(|op| src.text(op) == "+");
                if let (true, Some(left), Some(right)) =
                    (plus, node.field(Field::Left), node.field(Field::Right))
                {
                    stack.push((right, top, false));
                    stack.push((left, top, false));
                }
            }
            _ => {}
        }
    }
    understood
}

/// The first identifier down the first-child line: `X` in `X` or in `X[T]`.
fn first_identifier(node: Node<'_>) -> Option<Node<'_>> {
    let mut node = node;
    loop {
        if node.kind_name() == "identifier" {
            return Some(node);
        }
        node = node.named_child(0)?;
    }
}
