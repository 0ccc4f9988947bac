//! The symbol a call site calls: the name rules of [`super::names`] first (rules 1–7), then,
//! when they find nothing, the call's receiver ([`super::receiver`], rule 8). Every tool that
//! resolves calls — `find_references`, `get_function_details`, `get_call_graph`,
//! `analyze_signature_change`, `explain_value_flow`, `get_atomic_functions` — goes through
//! [`resolve`] (by way of [`super::calls`]).

use omnysys_api::prelude::*;

use super::names::{Resolution, Via, resolve_call};
use super::receiver::{Found, resolve_receiver};
use crate::Project;

/// Resolves the call `call` made in `file`.
///
/// A call on a variable the file types (`chunkGraph.m()` with `@param {ChunkGraph} chunkGraph`)
/// tries its receiver first: no name rule can resolve a method called on a typed local, and the
/// name rules cost more (they look through every import). Calls on `this` or `self` (a method of
/// the enclosing class is rule 2, `this_class`; only a base's is `inherited`), on capitalised
/// names (classes: rule 5 names their import) and on guessed receivers try the name rules first.
pub fn resolve(p: Project<'_>, file: &str, call: &CallSite) -> Resolution {
    let typed_local = call.receiver.as_ref().is_some_and(|r| !r.guessed)
        && call.callee.starts_with(|c: char| c.is_ascii_lowercase())
        && !call.callee.starts_with("this.")
        && !call.callee.starts_with("self.");
    if typed_local && let Some(found) = through_receiver(p, file, call) {
        return found;
    }
    let by_name = resolve_call(p, file, call);
    if by_name.target.is_some() || call.receiver.is_none() || typed_local {
        return by_name;
    }
    through_receiver(p, file, call).unwrap_or(by_name)
}

/// The call resolved through its receiver, if it is.
fn through_receiver(p: Project<'_>, file: &str, call: &CallSite) -> Option<Resolution> {
    let (target, found) = resolve_receiver(p, file, call)?;
    let via = match found {
        _ if is_own_method(&call.callee) => Via::Inherited,
        Found::Typed => Via::Receiver,
        Found::Guessed => Via::ReceiverGuessed,
    };
    Some(Resolution {
        target: Some(target),
        via,
        import: None,
    })
}

/// Whether `callee` is a method called on the object itself (`this.m`, `self.m`; not
/// `this.x.m`, a field's method).
pub fn is_own_method(callee: &str) -> bool {
    ["this.", "self."].iter().any(|object| {
        callee
            .strip_prefix(object)
            .is_some_and(|m| !m.contains(['.', '(', '[']))
    })
}
