//! Names used as values, and the inner scopes that rebind module-level names.
//!
//! A value use is an identifier in a value position that is not a call's callee: an argument
//! (`sort(compareIds)`), the right-hand side of an assignment or declaration, an object property
//! value (`{ f }`, `{ key: f }`), an array element, a returned, yielded, awaited, spread,
//! compared or negated value, an arrow function's expression body. The object of a member
//! access (`ns.f`) and the CommonJS exports (`exports.x = f`, `module.exports = { f }`, which are
//! [`Export`](omnysys_api::facts::Export)s written `by_name`) are not value uses. A class's
//! method read without being called is one too, written `this.m` (inside the class) or
//! `C.prototype.m`.
//!
//! Only names the file binds at module level are kept: the local names of its imports (also
//! `require`s inside functions) and its functions and classes; `this.m` only where the
//! enclosing class defines `m`. A use inside an inner scope that declares the same name (a
//! parameter, a destructured argument, a `const`/`let`/`var`, a `catch` parameter) refers to
//! that declaration and is dropped; those scopes are recorded as [`Shadow`]s for the resolver
//! (calls through a shadowed name are not calls of the import), also for names an import lists
//! without binding them (`{ formatSize: require('x').formatSize }`: the resolver matches
//! imported names).
//!
//! During the walk only byte ranges are kept; the names are read and filtered once the
//! imports and symbols are known ([`ReferenceCollector::finish`]).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use extract_support::collect::ReferenceCollector;
use extract_support::parse::{end_line, is_field, line};
use extract_support::walk::{Ancestors, Visit};
use omnysys_api::facts::{FileFacts, Shadow, ValueRef};
use tree_sitter::Node;

use crate::kinds::{
    self, DECLARED_NAME, DECLARING_PARENT, KindTable, MEMBER, PROPERTY, THIS, USE_NAME,
    VALUE_PARENT,
};
use crate::parse::Source;
use crate::scopes::{declaration_scope, is_exported_object, is_exports_target};
use crate::syntax::{Field, Syntax};

/// The uses and inner declarations seen so far.
#[derive(Debug, Default)]
pub struct References {
    uses: Vec<Use>,
    declarations: Vec<Declaration>,
    callers: Vec<String>,
    kinds: KindTable,
}

/// A candidate value use: where its name is, and the enclosing symbol.
#[derive(Debug)]
struct Use {
    name: Range<usize>,
    /// `this.m` / `C.prototype.m`: the byte range is the whole member path.
    member: bool,
    line: u32,
    caller: Option<usize>,
}

/// A name declared in an inner scope.
#[derive(Debug)]
struct Declaration {
    name: Range<usize>,
    scope: Range<usize>,
    lines: (u32, u32),
}

impl ReferenceCollector for References {
    fn visit(&mut self, v: &Visit<'_, '_>, src: Source<'_>) {
        let node = v.node;
        let bits = self.kinds.of(node);
        if bits & (USE_NAME | DECLARED_NAME | MEMBER) == 0 {
            return; // most nodes: one look-up by kind id
        }
        let Some(parent) = v.ancestors.parent(node) else {
            return;
        };
        let parent_bits = self.kinds.of(parent);
        if bits & MEMBER != 0 {
            if is_method_read(node, parent, &mut self.kinds, src) {
                self.add_use(node, true, v);
            }
        } else if bits & USE_NAME != 0
            && parent_bits & VALUE_PARENT != 0
            && is_value_use(node, parent, &v.ancestors, src)
        {
            self.add_use(node, false, v);
        } else if bits & DECLARED_NAME != 0
            && parent_bits & DECLARING_PARENT != 0
            && let Some(scope) = declaration_scope(node, &v.ancestors, src)
        {
            self.declarations.push(Declaration {
                name: node.byte_range(),
                scope: scope.byte_range(),
                lines: (line(scope), end_line(scope)),
            });
        }
    }

    fn finish(self, facts: &mut FileFacts, src: Source<'_>) {
        let text = |r: &Range<usize>| String::from_utf8_lossy(&src.bytes()[r.clone()]);
        let bound = module_names(facts);
        let rebindable = imported_names(facts, &bound);
        let mut shadows: HashMap<String, Vec<&Declaration>> = HashMap::new();
        for d in &self.declarations {
            let name = text(&d.name);
            if rebindable.contains(name.as_ref()) {
                shadows.entry(name.into_owned()).or_default().push(d);
            }
        }
        let mut references = Vec::new();
        for u in &self.uses {
            let name = text(&u.name);
            let caller = u.caller.map(|i| self.callers[i].clone());
            let kept = if u.member {
                method_exists(facts, &bound, &name, caller.as_deref())
            } else {
                bound.contains(name.as_ref()) && !shadowed(&shadows, &name, u.name.start)
            };
            if kept {
                let name: String = name.split_whitespace().collect();
                references.push(ValueRef {
                    name,
                    line: u.line,
                    caller,
                    receiver: None,
                });
            }
        }
        let shadows = shadow_facts(shadows);
        facts.references = references;
        facts.shadows = shadows;
    }
}

impl References {
    /// Records a candidate use at `node`, made inside the visit's enclosing symbol.
    fn add_use(&mut self, node: Node<'_>, member: bool, v: &Visit<'_, '_>) {
        let caller = v.enclosing.map(|s| {
            if self.callers.last() != Some(&s.name) {
                self.callers.push(s.name.clone());
            }
            self.callers.len() - 1
        });
        self.uses.push(Use {
            name: node.byte_range(),
            member,
            line: line(node),
            caller,
        });
    }
}

/// Whether the identifier `node` (child of `parent`) is read as a value (see the module docs).
fn is_value_use<'t>(
    node: Node<'t>,
    parent: Node<'t>,
    up: &Ancestors<'_, 't>,
    src: Source<'_>,
) -> bool {
    match parent.kind_name() {
        "variable_declarator" => is_field(parent, "value", node),
        "assignment_expression" => {
            is_field(parent, "right", node) && !is_exports_target(parent.field(Field::Left), src)
        }
        "pair" => is_field(parent, "value", node) && !in_exported_object(parent, up, src),
        "object" => {
            node.kind_name() == "shorthand_property_identifier"
                && !is_exported_object(parent, up, src)
        }
        "arrow_function" => is_field(parent, "body", node),
        _ => kinds::VALUE_PARENTS.contains(&parent.kind_name()),
    }
}

/// Whether the `pair`'s object is `module.exports = {...}`.
fn in_exported_object<'t>(pair: Node<'t>, up: &Ancestors<'_, 't>, src: Source<'_>) -> bool {
    up.parent(pair)
        .is_some_and(|object| is_exported_object(object, up, src))
}

/// `this.m` or `C.prototype.m` read, not called and not assigned to (`parent_kind`: the kind
/// of `parent`).
fn is_method_read(
    node: Node<'_>,
    parent: Node<'_>,
    kinds: &mut KindTable,
    src: Source<'_>,
) -> bool {
    // The object first: most member expressions stop at it.
    let Some(object) = node.child(0) else {
        return false;
    };
    let object_bits = kinds.of(object);
    let through = object_bits & THIS != 0
        || (object_bits & MEMBER != 0 && {
            let prototype = object.field(Field::Property);
            let class = object.child(0);
            prototype.is_some_and(|p| src.text(p) == "prototype")
                && class.is_some_and(|c| c.kind_name() == "identifier")
        });
    let last = node.child(node.child_count().saturating_sub(1));
    if !through || !last.is_some_and(|p| kinds.is(p, PROPERTY)) {
        return false;
    }
    let called = match parent.kind_name() {
        "call_expression" | "assignment_expression" => parent.child(0) == Some(node),
        "new_expression" => is_field(parent, "constructor", node),
        _ => false,
    };
    !called
}

/// The names the file binds at module level: import locals, functions and classes.
fn module_names(facts: &FileFacts) -> HashSet<&str> {
    let imported = facts.imports.iter().flat_map(|i| &i.bindings);
    let mut names: HashSet<&str> = imported.map(|b| b.local.as_str()).collect();
    let top = facts.symbols.iter().filter(|s| !s.name.contains('.'));
    names.extend(top.map(|s| s.name.as_str()));
    names
}

/// The module-level names and every name an import lists, bound or not: a name read off a
/// `require` without a binding (`{ f: require('x').f }`) still resolves by name, so a
/// parameter named so shadows it too.
fn imported_names<'f>(facts: &'f FileFacts, bound: &HashSet<&'f str>) -> HashSet<&'f str> {
    let listed = facts.imports.iter().flat_map(|i| &i.names);
    let mut names = bound.clone();
    names.extend(
        listed
            .map(String::as_str)
            .filter(|n| *n != "*" && *n != "default"),
    );
    names
}

/// Whether `this.m` (inside a class defining `m`) or `C.prototype.m` names a method.
fn method_exists(
    facts: &FileFacts,
    bound: &HashSet<&str>,
    path: &str,
    caller: Option<&str>,
) -> bool {
    let path: String = path.split_whitespace().collect();
    let Some((head, member)) = path.rsplit_once('.') else {
        return false;
    };
    let class = match head.strip_suffix(".prototype") {
        Some(class) => class,
        None => match caller {
            Some(caller) => caller.split_once('.').map_or(caller, |(c, _)| c),
            None => return false,
        },
    };
    let wanted = format!("{class}.{member}");
    let imported = head != "this" && bound.contains(class);
    imported || facts.symbols.iter().any(|s| s.name == wanted)
}

/// Whether a declaration of `name` has a scope holding the byte `at`.
fn shadowed(shadows: &HashMap<String, Vec<&Declaration>>, name: &str, at: usize) -> bool {
    shadows
        .get(name)
        .is_some_and(|ds| ds.iter().any(|d| d.scope.contains(&at)))
}

/// The shadows as facts, by name and line, each once.
fn shadow_facts(shadows: HashMap<String, Vec<&Declaration>>) -> Vec<Shadow> {
    let mut found: Vec<Shadow> = shadows
        .into_iter()
        .flat_map(|(name, ds)| {
            ds.into_iter().map(move |d| Shadow {
                name: name.clone(),
                start_line: d.lines.0,
                end_line: d.lines.1,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        (a.start_line, &a.name, a.end_line).cmp(&(b.start_line, &b.name, b.end_line))
    });
    found.dedup();
    found
}
