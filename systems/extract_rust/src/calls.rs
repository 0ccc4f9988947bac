//! Call sites: function and method calls, macro invocations, and calls written inside macro
//! arguments.
//!
//! - `call_expression`: the callee as written ([`crate::names::path`]): `foo`, `Foo::new`,
//!   `self.bar`, `x.y.z`, `a.b().c`. Method calls are call expressions on a field (`self.bar()`), so they
//!   come out the same way. Tuple-struct and enum-variant constructors (`Some(x)`) look like
//!   calls and are kept. Callees that are not paths (`(self.f)()`, closures) are left out.
//! - Macro invocations: `name!` (`println!`, `vec!`, `tokio::select!`), on the line of the name.
//! - Macro arguments are token trees the grammar does not parse, so calls inside them
//!   (`assert_eq!(f(x), 1)`, `format!("{}", self.name())`) are found by a heuristic: a path of
//!   names joined by `.` or `::` (`self`, `super`, `crate`, primitive types, tuple indexes and
//!   `.await` allowed after the first) directly followed by a `( ... )` group is a call; by a
//!   `!` and a group, a macro (`name!`). A call's `()` stays in a chain (`a.b().c`); a turbofish
//!   breaks the path (`a::<T>::b()` → `b`). Token trees in attributes are not read.
//! - `macro_rules!` bodies (each rule's right side) are read the same way, and a call's receiver
//!   typed from the `let` statements written in the same rule (`let mut b = Builder::new($p);`
//!   then `b.build()` is typed as `Builder::new().build`), since no function's variables reach
//!   there. Calls on `self`/`Self` are left out: the `impl` a macro expands in is unknown.
//!
//! The caller is the innermost enclosing function or method (`Type.method`), `None` outside
//! any (statics, consts, attributes). The line is where the callee ends.

use extract_support::chain::Paths;
use extract_support::facts::push_call;
use omnysys_api::facts::{CallSite, Symbol};
use tree_sitter::Node;

use crate::flow::{Env, is_name};
use crate::parse::{Source, children, end_line, line};
use crate::syntax::{Field, Syntax};
use crate::types::TypeCtx;

/// Records the calls `node` makes (callees of call expressions named by `paths`).
pub fn visit<'t>(
    node: Node<'t>,
    enclosing: Option<&Symbol>,
    paths: &mut Paths<'t, '_>,
    src: Source<'_>,
    out: &mut Vec<CallSite>,
) {
    let caller = || enclosing.map(|s| s.name.clone());
    match node.kind_name() {
        "call_expression" => {
            if let Some(callee) = node.field(Field::Function) {
                push_call(callee, enclosing, paths, out);
            }
        }
        "macro_invocation" => {
            if let Some(name) = node.field(Field::Macro) {
                out.push(CallSite {
                    caller: caller(),
                    callee: format!("{}!", src.compact(name)),
                    line: end_line(name),
                    receiver: None,
                });
            }
            for (callee, line) in argument_calls(node, src) {
                out.push(CallSite {
                    caller: caller(),
                    callee,
                    line,
                    receiver: None,
                });
            }
        }
        "macro_definition" => {
            for rule in children(node)
                .into_iter()
                .filter(|c| c.kind_name() == "macro_rule")
            {
                if let Some(body) = rule.field(Field::Right) {
                    out.extend(body_calls(body, src, caller()));
                }
            }
        }
        _ => {}
    }
}

/// The calls written in one `macro_rules!` rule's body, with receivers typed from its `let`s.
fn body_calls(body: Node<'_>, src: Source<'_>, caller: Option<String>) -> Vec<CallSite> {
    let mut lets: Vec<(u32, String, String)> = Vec::new();
    for_each_tree(body, |tree| lets.extend(token_lets(tree, src)));
    lets.sort_by_key(|(line, _, _)| *line);
    // Each `let`'s value read through the `let`s before it.
    let mut bound: Vec<(u32, String, String)> = Vec::new();
    for (line, name, value) in lets {
        let value = rewrite(&value, line, &bound).unwrap_or(value);
        bound.push((line, name, value));
    }
    let env = Env::new(TypeCtx::default());
    let mut calls = Vec::new();
    for_each_tree(body, |tree| calls.extend(token_calls(tree, src)));
    calls
        .into_iter()
        .filter(|(callee, _)| !callee.starts_with("self") && !callee.starts_with("Self"))
        .map(|(callee, line)| {
            let typed = rewrite(&callee, line, &bound);
            let receiver = env.receiver(typed.as_deref().unwrap_or(&callee), line);
            CallSite {
                caller: caller.clone(),
                callee,
                line,
                receiver,
            }
        })
        .collect()
}

/// `path` with its head variable replaced by the value of its latest `let` before `line`
/// (`b.build` with `let b = Builder::new()` → `Builder::new().build`); `None` when no `let`
/// binds the head.
fn rewrite(path: &str, line: u32, bound: &[(u32, String, String)]) -> Option<String> {
    let (head, rest) = path.split_once('.')?;
    let (_, _, value) = bound
        .iter()
        .rev()
        .find(|(at, name, _)| *at < line && name == head)?;
    Some(format!("{value}.{rest}"))
}

/// The `let NAME = value;` statements written directly in one token tree, with `value` a path
/// of names and calls as [`token_calls`] writes it (`Builder::new().build()`; groups other than
/// `( .. )` and any other token make it no path: left out); `&`, `*` and `mut` are skipped.
fn token_lets(tree: Node<'_>, src: Source<'_>) -> Vec<(u32, String, String)> {
    let tokens = children(tree);
    let mut lets = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let text = |at: usize| tokens.get(at).map(|t| src.compact(*t)).unwrap_or_default();
        if text(i) != "let" {
            i += 1;
            continue;
        }
        let mut at = i + 1;
        if text(at) == "mut" {
            at += 1;
        }
        let name = text(at);
        if !is_name(&name) || text(at + 1) != "=" {
            i = at;
            continue;
        }
        at += 2;
        let mut value = String::new();
        let mut path = true;
        while at < tokens.len() && text(at) != ";" {
            let token = tokens[at];
            let t = text(at);
            if token.kind_name() == "token_tree" {
                path &= is_parenthesized(token) && !value.is_empty();
                value.push_str("()");
            } else if (t == "&" || t == "*" || t == "mut") && value.is_empty() {
            } else if t == "." || t == "::" || t == "?" || is_name(&t) {
                value.push_str(&t);
            } else {
                path = false;
            }
            at += 1;
        }
        if path && !value.is_empty() {
            lets.push((line(tokens[i]), name, value));
        }
        i = at;
    }
    lets
}

/// Calls `visit` on `root` and every token tree nested in it, in source order of their starts
/// (iteratively: deeply nested groups cannot overflow the stack).
fn for_each_tree<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let mut stack = vec![root];
    while let Some(tree) = stack.pop() {
        visit(tree);
        let start = stack.len();
        stack.extend(
            children(tree)
                .into_iter()
                .filter(|c| c.kind_name() == "token_tree"),
        );
        stack[start..].reverse();
    }
}

/// The calls written in a macro invocation's arguments, every group visited in source order.
fn argument_calls(invocation: Node<'_>, src: Source<'_>) -> Vec<(String, u32)> {
    let mut calls = Vec::new();
    for tree in children(invocation)
        .into_iter()
        .filter(|c| c.kind_name() == "token_tree")
    {
        for_each_tree(tree, |t| calls.extend(token_calls(t, src)));
    }
    calls
}

/// The calls written directly in one token tree (not in its nested groups).
fn token_calls(tree: Node<'_>, src: Source<'_>) -> Vec<(String, u32)> {
    let tokens = children(tree);
    let mut calls = Vec::new();
    // The path being read, whether it ends in `.` or `::`, and the line of its last name.
    let mut path: Option<String> = None;
    let mut open = false;
    let mut last_line = 0;
    for (i, token) in tokens.iter().enumerate() {
        let kind = token.kind_name();
        let after_dot = open && path.as_deref().is_some_and(|p| p.ends_with('.'));
        let name = (token.is_named()
            && matches!(
                kind,
                "identifier" | "self" | "super" | "crate" | "primitive_type"
            ))
            || (after_dot && (kind == "integer_literal" || (!token.is_named() && kind == "await")));
        let ended = path.is_some() && !open;
        if name {
            let text = src.compact(*token);
            path = Some(match (path.take(), open) {
                (Some(p), true) => p + &text,
                _ => text,
            });
            open = false;
            last_line = line(*token);
        } else if ended && !token.is_named() && matches!(kind, "." | "::") {
            path = path.map(|p| p + kind);
            open = true;
        } else if ended
            && kind == "!"
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.kind_name() == "token_tree")
        {
            calls.extend(path.take().map(|p| (format!("{p}!"), last_line)));
        } else if ended && kind == "token_tree" && is_parenthesized(*token) {
            let callee = path.take().unwrap_or_default();
            path = Some(format!("{callee}()"));
            calls.push((callee, last_line));
        } else {
            path = None;
            open = false;
        }
    }
    calls
}

/// Whether a token tree is a `( ... )` group.
fn is_parenthesized(tree: Node<'_>) -> bool {
    tree.child(0).is_some_and(|c| c.kind_name() == "(")
}
