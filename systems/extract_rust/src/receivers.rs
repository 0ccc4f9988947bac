//! The type facts of a Rust file, from a second walk of its tree: the receiver of each method
//! call ([`CallSite::receiver`]), the declared return type of each function and method
//! ([`Symbol::returns`]), and per type ([`FileFacts::classes`]) the types of a struct's fields
//! (a collection field `f: Vec<T>` also gives `f[]`, its elements' type) and of its enum
//! variants' fields (`Variant.0`, `Variant.field`), and the traits it implements (`impl Tr for T` in this file: `Tr` is a base of `T`, as a
//! trait's supertraits are of the trait).
//!
//! Types are read by [`crate::types`], variables and call objects by [`crate::flow`]. The walk
//! is iterative (deeply nested code cannot overflow the stack); a function's body is read in
//! source order, nested functions and items apart.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use omnysys_api::facts::{ClassFacts, Field, FileFacts};
use tree_sitter::{Node, Tree};

use crate::flow::{Env, plain};
use crate::names::type_name;
use crate::parse::{Source, line, named_children};
use crate::syntax::{self, Syntax};
use crate::types::TypeCtx;
use extract_support::parse::field_children;

/// Adds the type facts of `tree` to `facts` (whose symbols and calls come from the same tree).
pub fn apply(tree: &Tree, src: Source<'_>, facts: &mut FileFacts) {
    let mut by_caller: HashMap<String, Vec<usize>> = HashMap::new();
    for (at, call) in facts.calls.iter().enumerate() {
        if let Some(caller) = &call.caller {
            by_caller.entry(caller.clone()).or_default().push(at);
        }
    }
    let items = items(tree.root_node());
    let file = TypeCtx {
        modules: Rc::new(modules(&items, facts, src)),
        ..TypeCtx::default()
    };
    for (item, block) in items {
        match item.kind_name() {
            "function_item" | "function_signature_item" => {
                function(item, block, &file, src, facts, &by_caller);
            }
            "struct_item" => struct_fields(item, &file, src, facts),
            "enum_item" => variant_fields(item, &file, src, facts),
            "impl_item" => implemented(item, &file, src, facts),
            "trait_item" => supertraits(item, &file, src, facts),
            _ => {}
        }
    }
}

/// The crate's modules the file names: `mod a;` and inline `mod a { .. }`, and lowercase names
/// it imports from `crate::`, `self::` and `super::` paths (`use crate::x::a;`).
fn modules(
    items: &[(Node<'_>, Option<Node<'_>>)],
    facts: &FileFacts,
    src: Source<'_>,
) -> HashSet<String> {
    let declared = items
        .iter()
        .filter(|(item, _)| item.kind_name() == "mod_item")
        .filter_map(|(item, _)| src.field(*item, "name"));
    let local = |s: &str| ["crate", "self", "super"].contains(&s.split("::").next().unwrap_or(s));
    let imported = facts
        .imports
        .iter()
        .filter(|i| local(&i.specifier))
        .flat_map(|i| i.names.iter())
        .filter(|n| n.starts_with(char::is_lowercase))
        .cloned();
    declared.chain(imported).collect()
}

/// Every function (with a body or not), struct, enum, `impl` and trait of the tree in source
/// order, with the `impl` or trait whose body holds it directly.
fn items(root: Node<'_>) -> Vec<(Node<'_>, Option<Node<'_>>)> {
    const KINDS: &[&str] = &[
        "function_item",
        "function_signature_item",
        "mod_item",
        "struct_item",
        "enum_item",
        "impl_item",
        "trait_item",
    ];
    let mut found = Vec::new();
    // The state of a node is the block owning the items among its children.
    preorder(root, None, |node, owner| {
        if KINDS.contains(&node.kind_name()) {
            found.push((node, owner));
        }
        Some(match node.kind_name() {
            "impl_item" | "trait_item" => Some(node),
            "declaration_list" => owner,
            _ => None,
        })
    });
    found
}

/// Visits the named nodes under `root` (itself included) in source order, iteratively, with a
/// cursor (no allocation per node). `visit` gets a node and the state its parent passed down,
/// and returns the state for its children, or `None` to skip them.
fn preorder<'t, S: Copy>(
    root: Node<'t>,
    initial: S,
    mut visit: impl FnMut(Node<'t>, S) -> Option<S>,
) {
    let mut cursor = root.walk();
    let mut states = vec![initial];
    loop {
        let node = cursor.node();
        let state = states.last().copied().unwrap_or(initial);
        let down = if node.is_named() {
            visit(node, state)
        } else {
            None
        };
        if let Some(down) = down
            && cursor.goto_first_child()
        {
            states.push(down);
            continue;
        }
        // `states` holds one state per level below `root`: at `root`'s level, the walk ends.
        loop {
            if states.len() <= 1 {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
            states.pop();
        }
    }
}

/// The type `Self` stands for in `block` (an `impl`'s type, a trait's name).
fn block_type(block: Node<'_>, src: Source<'_>) -> Option<String> {
    match block.kind_name() {
        "impl_item" => Some(type_name(block.field(syntax::Field::Type)?, src)),
        _ => src.field(block, "name"),
    }
}

/// The type context of `item` held by `block`: the block's `Self` and the block's and the
/// item's own trait bounds.
fn context(item: Node<'_>, block: Option<Node<'_>>, file: &TypeCtx, src: Source<'_>) -> TypeCtx {
    let mut ctx = file.clone();
    if let Some(block) = block {
        ctx.self_ty = block_type(block, src);
        ctx.add_bounds(block, src);
    }
    ctx.add_bounds(item, src);
    ctx
}

/// The return type and the call receivers of a function or method held by `block`
/// (`by_caller`: the indexes of the calls of each caller).
fn function(
    item: Node<'_>,
    block: Option<Node<'_>>,
    file: &TypeCtx,
    src: Source<'_>,
    facts: &mut FileFacts,
    by_caller: &HashMap<String, Vec<usize>>,
) {
    let Some(name) = src.field(item, "name") else {
        return;
    };
    let ctx = context(item, block, file, src);
    let name = match block {
        Some(_) => format!("{}.{name}", ctx.self_ty.as_deref().unwrap_or_default()),
        None => name,
    };
    let (start, end) = (line(item), item.end_position().row as u32 + 1);
    if let Some(ret) = item.field(syntax::Field::ReturnType) {
        let returns = ctx.base(ret, src).map(plain);
        let symbol = facts
            .symbols
            .iter_mut()
            .find(|s| s.name == name && s.start_line == start);
        if let Some(symbol) = symbol {
            symbol.returns = returns;
        }
    }
    let Some(calls) = by_caller.get(&name) else {
        return;
    };
    let env = body_env(item, ctx, src);
    for &at in calls {
        let call = &mut facts.calls[at];
        if call.receiver.is_none() && (start..=end).contains(&call.line) {
            call.receiver = env.receiver(&call.callee, call.line);
        }
    }
}

/// The variables of a function: its parameters, then its `let` statements and typed closure
/// parameters in source order (nested items left out).
fn body_env(item: Node<'_>, ctx: TypeCtx, src: Source<'_>) -> Env {
    let mut env = Env::new(ctx);
    if let Some(params) = item.field(syntax::Field::Parameters) {
        env.bind_params(params, src);
    }
    let Some(body) = item.field(syntax::Field::Body) else {
        return env;
    };
    preorder(body, (), |node, ()| {
        match node.kind_name() {
            "let_declaration" => env.bind_let(node, src),
            "for_expression" => env.bind_for(node, src),
            "match_expression" | "let_condition" => env.bind_match(node, src),
            "call_expression" => env.bind_closure_element(node, src),
            "closure_expression" => {
                if let Some(params) = node.field(syntax::Field::Parameters) {
                    env.bind_params(params, src);
                }
            }
            "function_item" | "impl_item" | "trait_item" | "mod_item" => return None,
            _ => {}
        }
        Some(())
    });
    env
}

/// The class facts of `name`, added empty when missing.
fn class<'f>(facts: &'f mut FileFacts, name: &str) -> &'f mut ClassFacts {
    let at = match facts.classes.iter().position(|c| c.name == name) {
        Some(at) => at,
        None => {
            facts.classes.push(ClassFacts {
                name: name.to_owned(),
                ..ClassFacts::default()
            });
            facts.classes.len() - 1
        }
    };
    &mut facts.classes[at]
}

/// The typed fields of a struct (`a: T`; tuple structs' `0`, `1`, ...).
fn struct_fields(item: Node<'_>, file: &TypeCtx, src: Source<'_>, facts: &mut FileFacts) {
    let (Some(name), Some(body)) = (src.field(item, "name"), item.field(syntax::Field::Body))
    else {
        return;
    };
    let ctx = item_ctx(item, &name, file, src);
    let fields = fields(body, "", &ctx, src);
    if !fields.is_empty() {
        class(facts, &name).fields.extend(fields);
    }
}

/// The typed fields of an enum's variants, as members of the enum named `Variant.0`,
/// `Variant.field`.
fn variant_fields(item: Node<'_>, file: &TypeCtx, src: Source<'_>, facts: &mut FileFacts) {
    let (Some(name), Some(body)) = (src.field(item, "name"), item.field(syntax::Field::Body))
    else {
        return;
    };
    let ctx = item_ctx(item, &name, file, src);
    let mut found = Vec::new();
    for variant in named_children(body) {
        let (Some(variant_name), Some(fields_list)) = (
            src.field(variant, "name"),
            variant.field(syntax::Field::Body),
        ) else {
            continue;
        };
        found.extend(fields(fields_list, &format!("{variant_name}."), &ctx, src));
    }
    if !found.is_empty() {
        class(facts, &name).fields.extend(found);
    }
}

/// The type context inside the struct or enum `name`.
fn item_ctx(item: Node<'_>, name: &str, file: &TypeCtx, src: Source<'_>) -> TypeCtx {
    let mut ctx = TypeCtx {
        self_ty: Some(name.to_owned()),
        ..file.clone()
    };
    ctx.add_bounds(item, src);
    ctx
}

/// The typed fields of a field list (`{ a: T }` or `(T, U)`), named after `prefix`; a
/// collection field `f` also gives `f[]`, its elements' type.
fn fields(body: Node<'_>, prefix: &str, ctx: &TypeCtx, src: Source<'_>) -> Vec<Field> {
    let declared: Vec<(String, Node<'_>)> = match body.kind_name() {
        "ordered_field_declaration_list" => field_children(body, "type")
            .into_iter()
            .enumerate()
            .map(|(index, ty)| (index.to_string(), ty))
            .collect(),
        _ => named_children(body)
            .into_iter()
            .filter(|f| f.kind_name() == "field_declaration")
            .filter_map(|f| Some((src.field(f, "name")?, f.field(syntax::Field::Type)?)))
            .collect(),
    };
    let mut found = Vec::new();
    for (field, ty) in declared {
        let name = format!("{prefix}{field}");
        if let Some(base) = ctx.base(ty, src) {
            found.push(Field {
                name: name.clone(),
                ty: plain(base),
            });
        }
        if let Some(element) = ctx.element(ty, src) {
            found.push(Field {
                name: format!("{name}[]"),
                ty: plain(element),
            });
        }
    }
    found
}

/// `impl Tr for T`: `Tr` is a base of `T` (unless `Tr` is a path through another module, see
/// [`TypeCtx::base`]).
fn implemented(item: Node<'_>, file: &TypeCtx, src: Source<'_>, facts: &mut FileFacts) {
    let (Some(ty), Some(tr)) = (
        item.field(syntax::Field::Type),
        item.field(syntax::Field::Trait),
    ) else {
        return;
    };
    let ty = type_name(ty, src);
    if let Some(tr) = file.base(tr, src).filter(|tr| *tr != ty) {
        add_base(class(facts, &ty), tr);
    }
}

/// `trait A: B + C`: `B` and `C` are bases of `A`.
fn supertraits(item: Node<'_>, file: &TypeCtx, src: Source<'_>, facts: &mut FileFacts) {
    let (Some(name), Some(bounds)) = (src.field(item, "name"), item.field(syntax::Field::Bounds))
    else {
        return;
    };
    let ctx = file;
    let bases: Vec<String> = named_children(bounds)
        .into_iter()
        .filter_map(|b| ctx.base(b, src))
        .collect();
    for base in bases {
        add_base(class(facts, &name), base);
    }
}

/// Adds `base` to the bases of `class` once.
fn add_base(class: &mut ClassFacts, base: String) {
    if !class.bases.contains(&base) {
        class.bases.push(base);
    }
}
