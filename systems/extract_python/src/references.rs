//! Names used as values, and the function scopes that rebind module-level names.
//!
//! A value use is an identifier in a value position that is not a call's callee: the
//! right-hand side of an assignment, an argument (positional or keyword), an operand of a
//! comparison (`obj is inspect`), a returned value, an item of a list, tuple, set or dict. A
//! class attribute read without a call, `C.m` where `C` is a class of the file or an imported
//! name, is one too (written `C.m`). Reads through an instance (`self._x.m`, `theme.m`) are
//! recorded by [`crate::receivers`] when the file types the object (the use's receiver).
//!
//! Only names the file binds at module level are kept: the local names of its imports and its
//! functions and classes not nested in another definition. A use inside a function that binds
//! the same name (a parameter, an assigned local) refers to that binding and is dropped; those
//! functions are recorded as [`Shadow`]s for the resolver. A class body is no scope for this
//! (its names are not visible in its methods).

use std::collections::HashSet;

use extract_support::collect::ReferenceCollector;
use extract_support::walk::Visit;
use omnysys_api::facts::{FileFacts, Shadow, SymbolKind, ValueRef};
use tree_sitter::Node;

use crate::parse::{Source, line};
use crate::syntax::{Field, Syntax};

/// The uses and function-local bindings seen so far.
#[derive(Debug, Default)]
pub struct References {
    uses: Vec<Use>,
    locals: Vec<Local>,
}

/// A candidate value use.
#[derive(Debug)]
struct Use {
    name: String,
    line: u32,
    caller: Option<String>,
    /// The enclosing function's lines, if any.
    scope: Option<(u32, u32)>,
}

/// A name bound inside a function (a parameter or an assigned local).
#[derive(Debug)]
struct Local {
    name: String,
    scope: (u32, u32),
}

impl ReferenceCollector for References {
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>) {
        let node = v.node;
        let Some(parent) = v.ancestors.parent(node) else {
            return;
        };
        let scope = v
            .enclosing
            .filter(|s| s.kind != SymbolKind::Class)
            .map(|s| (s.start_line, s.end_line));
        match node.kind_name() {
            "identifier" => {
                if let Some(scope) = scope
                    && binds_locally(node, parent)
                {
                    self.locals.push(Local {
                        name: src.text(node).into_owned(),
                        scope,
                    });
                } else if is_value_position(node, parent) {
                    self.add(src.text(node).into_owned(), node, v, scope);
                } else if let Some(symbol) = v.enclosing
                    && is_overload_signature(node, parent, src)
                {
                    // The signature's own symbol: `f`, or `C.m` for a method (a class attribute).
                    self.add(symbol.name.clone(), node, v, scope);
                }
            }
            "attribute" if is_value_position(node, parent) => {
                let object = node.field(Field::Object);
                let attribute = node.field(Field::Attribute);
                if let (Some(object), Some(attribute)) = (object, attribute)
                    && object.kind_name() == "identifier"
                {
                    let name = format!("{}.{}", src.text(object), src.text(attribute));
                    self.add(name, node, v, scope);
                }
            }
            _ => {}
        }
    }

    fn finish(self, facts: &mut FileFacts, _: Source<'_>) {
        let bound = module_names(facts);
        let shadowed = |name: &str, at: u32| {
            self.locals
                .iter()
                .any(|l| l.name == name && (l.scope.0..=l.scope.1).contains(&at))
        };
        let mut references = Vec::new();
        for u in self.uses {
            let head = u.name.split('.').next().unwrap_or_default();
            let kept = bound.contains(head)
                && !u.scope.is_some_and(|_| shadowed(head, u.line))
                && (head.len() == u.name.len() || is_class_or_import(facts, head));
            if kept {
                references.push(ValueRef {
                    name: u.name,
                    line: u.line,
                    caller: u.caller,
                    receiver: None,
                });
            }
        }
        let mut seen = HashSet::new();
        facts.shadows = self
            .locals
            .into_iter()
            .filter(|l| bound.contains(l.name.as_str()))
            .filter(|l| seen.insert((l.name.clone(), l.scope)))
            .map(|l| Shadow {
                name: l.name,
                start_line: l.scope.0,
                end_line: l.scope.1,
            })
            .collect();
        facts.references = references;
    }
}

impl References {
    /// Records a candidate use of `name` at `node`.
    fn add(&mut self, name: String, node: Node<'_>, v: &Visit<'_, '_>, scope: Option<(u32, u32)>) {
        self.uses.push(Use {
            name,
            line: line(node),
            caller: v.enclosing.map(|s| s.name.clone()),
            scope,
        });
    }
}

/// Whether `node` (an identifier) is bound by its parent inside a function: a parameter, or the
/// plain target of an assignment.
fn binds_locally(node: Node<'_>, parent: Node<'_>) -> bool {
    match parent.kind_name() {
        "parameters" | "lambda_parameters" => true,
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            parent.named_child(0) == Some(node)
        }
        "default_parameter" | "typed_default_parameter" => parent.field(Field::Name) == Some(node),
        "assignment" | "augmented_assignment" | "for_statement" => {
            parent.field(Field::Left) == Some(node)
        }
        "pattern_list" | "tuple_pattern" => true,
        _ => false,
    }
}

/// Whether `node` sits where its value is read as a value (not called, not assigned to).
pub fn is_value_position(node: Node<'_>, parent: Node<'_>) -> bool {
    match parent.kind_name() {
        "assignment" => parent.field(Field::Right) == Some(node),
        "keyword_argument" | "pair" => parent.field(Field::Value) == Some(node),
        // `@rich_repr` applies the function without a call written: a use of it as a value
        // (`@auto(angular=True)` is a call).
        "argument_list"
        | "comparison_operator"
        | "return_statement"
        | "list"
        | "set"
        | "tuple"
        | "decorator" => true,
        _ => false,
    }
}

/// Whether `node` names a function declared by an `@overload` (`@typing.overload`) signature:
/// a reference to the function its implementation defines, as a type checker lists it.
fn is_overload_signature(node: Node<'_>, parent: Node<'_>, src: Source<'_>) -> bool {
    // Checked first: most identifiers are not a definition's name (a parent lookup is not free).
    if parent.kind_name() != "function_definition" || parent.field(Field::Name) != Some(node) {
        return false;
    }
    let Some(decorated) = parent.parent() else {
        return false;
    };
    let mut cursor = decorated.walk();
    decorated.kind_name() == "decorated_definition"
        && decorated
            .named_children(&mut cursor)
            .filter(|d| d.kind_name() == "decorator")
            .filter_map(|d| d.named_child(0))
            .any(|e| {
                let text = src.text(e);
                text == "overload" || text.ends_with(".overload")
            })
}

/// The names the file binds at module level: imports' local names, top-level functions and
/// classes.
fn module_names(facts: &FileFacts) -> HashSet<&str> {
    let imported = facts
        .imports
        .iter()
        .flat_map(|i| i.bindings.iter().map(|b| b.local.as_str()));
    imported.chain(top_level(facts)).collect()
}

/// The names of the definitions not nested in another one. The symbols are in source order,
/// so a definition is top-level when it starts after the last top-level one ends.
fn top_level(facts: &FileFacts) -> Vec<&str> {
    let mut names = Vec::new();
    let mut end = 0;
    for s in &facts.symbols {
        if s.start_line > end {
            names.push(s.name.as_str());
            end = s.end_line;
        }
    }
    names
}

/// Whether `name` is an imported name or a class of the file (so `name.m` is a class attribute
/// or a module attribute, not an instance's).
fn is_class_or_import(facts: &FileFacts, name: &str) -> bool {
    facts
        .imports
        .iter()
        .any(|i| i.bindings.iter().any(|b| b.local == name))
        || facts
            .symbols
            .iter()
            .any(|s| s.name == name && s.kind == SymbolKind::Class)
}
