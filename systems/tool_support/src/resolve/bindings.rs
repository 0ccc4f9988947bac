//! What the local names a file binds say about a callee: the rules
//! [`super::names::resolve_call`] applies before its own, from the bindings, shadows and
//! exports the extractor records. This module reads the facts only; the resolver turns its
//! answer ([`Bound`]) into a resolution.
//!
//! In order, for a callee (or value) as written in file `F` at line `L`:
//! 1. **shadowed**: `x` or `x.…` where an inner scope of `F` around `L` rebinds `x` (a
//!    parameter, a destructured argument, a local: [`Shadow`]) → unresolved: it is not the
//!    import or module-level definition of that name. Likewise a plain `a` that an import binds
//!    only under another name (`import {a as b}`, Python `from m import a as b`).
//! 2. **own exports**: `module.exports.f` / `exports.f` → what `F` exports as `f`.
//! 3. **local binding**: `b` where an import of `F` binds the local name `b` (`import {a as b}`,
//!    `const {a: b} = require()`, `import b from`, `const b = require()`) → the name it imports
//!    (`a`; for a default import or a whole-module `require`, the module's default export).
//!    Several bindings of `b` (one `require` per function): the nearest one at or above `L`.
//!
//! Anything else (or a binding whose file does not export the name) is left to the resolver's
//! own rules. Where the extractor records no bindings (Python, Rust, old snapshots), only rule 2
//! can apply.

use omnysys_api::prelude::*;

/// What the bindings say a callee names (rules 1–3 above).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound<'f> {
    /// Rule 1: an inner scope rebinds it; not the module-level name.
    Shadowed,
    /// Rule 2: `module.exports.f` / `exports.f`, the file's own export `f`.
    OwnExport(&'f str),
    /// Rule 3: a local name bound by `import` (on the binding's line) to what its file exports
    /// as `name` (`default` for a default import or a whole-module `require`).
    Imported {
        /// The import binding it.
        import: &'f Import,
        /// The line of the local name.
        line: u32,
        /// The exported name it stands for.
        name: &'f str,
    },
}

/// What `call` names by rules 1–3, or `None` when they do not apply.
pub fn bound<'f>(facts: &'f FileFacts, call: &'f CallSite) -> Option<Bound<'f>> {
    let callee = call.callee.as_str();
    let head = callee.split(['.', '?']).next().unwrap_or(callee);
    if is_shadowed(facts, head, call.line) {
        return Some(Bound::Shadowed);
    }
    if let Some(member) = own_export(callee) {
        return Some(Bound::OwnExport(member));
    }
    if head != callee {
        return None;
    }
    let Some((import, binding)) = binding_of(facts, callee, call.line) else {
        return renamed_away(facts, callee).then_some(Bound::Shadowed);
    };
    let name = match binding.name.as_str() {
        "*" if import.kind == ImportKind::Require => "default",
        "*" => return None,
        named => named,
    };
    Some(Bound::Imported {
        import,
        line: binding.line,
        name,
    })
}

/// A call site of `callee` (or a name used like one) at `line`, inside `caller`.
pub fn site(caller: Option<String>, callee: &str, line: u32) -> CallSite {
    CallSite {
        caller,
        callee: callee.to_owned(),
        line,
        receiver: None,
    }
}

/// Whether an inner scope of the file rebinds `name` on `line`.
pub fn is_shadowed(facts: &FileFacts, name: &str, line: u32) -> bool {
    facts
        .shadows
        .iter()
        .any(|s| s.name == name && (s.start_line..=s.end_line).contains(&line))
}

/// Whether an import brings in `name` under another local name only (`import {a as b}`, then
/// `a`): `a` is then not that import.
fn renamed_away(facts: &FileFacts, name: &str) -> bool {
    facts
        .imports
        .iter()
        .filter(|i| i.kind != ImportKind::ReExport)
        .any(|i| i.bindings.iter().any(|b| b.name == name && b.local != name))
}

/// `f` for `module.exports.f` and `exports.f`.
fn own_export(callee: &str) -> Option<&str> {
    let member = callee
        .strip_prefix("module.exports.")
        .or_else(|| callee.strip_prefix("exports."))?;
    (!member.contains(['.', '(', '[', '?'])).then_some(member)
}

/// The import binding the local `name` in force at `line`: the only one, else the nearest at or
/// above `line`, else the first.
fn binding_of<'f>(
    facts: &'f FileFacts,
    name: &str,
    line: u32,
) -> Option<(&'f Import, &'f Binding)> {
    let mut all = facts
        .imports
        .iter()
        .filter(|i| i.kind != ImportKind::ReExport)
        .flat_map(|i| i.bindings.iter().map(move |b| (i, b)))
        .filter(|(_, b)| b.local == name);
    let first = all.next()?;
    let above = std::iter::once(first)
        .chain(all)
        .filter(|(_, b)| b.line <= line)
        .max_by_key(|(_, b)| b.line);
    Some(above.unwrap_or(first))
}
