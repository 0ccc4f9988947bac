//! The symbol a call site calls: the name rules of [`crate::resolve`] first (rules 1–7), then,
//! when they find nothing, the call's receiver ([`crate::receiver`], rule 8). Every tool that
//! resolves calls — `find_references`, `get_function_details`, `get_call_graph`,
//! `analyze_signature_change`, `explain_value_flow`, `get_atomic_functions` — goes through
//! [`resolve`] (by way of [`crate::calls`]).

use omnysys_api::prelude::*;

use crate::project::Project;
use crate::receiver::{Found, resolve_receiver};
use crate::resolve::{Resolution, Via, resolve_call};

/// Resolves the call `call` made in `file`.
pub fn resolve(p: Project<'_>, file: &str, call: &CallSite) -> Resolution {
    let by_name = resolve_call(p, file, call);
    if by_name.target.is_some() || call.receiver.is_none() {
        return by_name;
    }
    let Some((target, found)) = resolve_receiver(p, file, call) else {
        return by_name;
    };
    let via = match found {
        _ if call.callee.starts_with("this.") || is_self_method(&call.callee) => Via::Inherited,
        Found::Typed => Via::Receiver,
        Found::Guessed => Via::ReceiverGuessed,
    };
    Resolution {
        target: Some(target),
        via,
        import: None,
    }
}

/// Whether `callee` is a method called on Python's `self` (`self.m`, not `self.x.m`).
fn is_self_method(callee: &str) -> bool {
    callee
        .strip_prefix("self.")
        .is_some_and(|m| !m.contains(['.', '(', '[']))
}
