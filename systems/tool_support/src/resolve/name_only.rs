//! Name matches, on request (`includeNameOnly`): the method calls `x.m()` that no rule resolves
//! and whose receiver's type stays unknown ([`super::receiver::receiver_type_known`]) may call
//! any method named `m`; they are listed for a method of that name with [`Via::NameOnly`]
//! (confidence `name-only`), so a client can tell them from the calls the rules resolve.
//!
//! Left out: calls on the object itself (`this.m()`, `self.m()`: its class is known), on a
//! receiver whose type resolves but has no such method, on a name imported from outside the
//! project, and Rust paths (`T::m`, where `T` names a type). Only calls whose method name is the
//! target's are resolved (the prefilter [`super::calls::callers_of`] uses too), so asking costs
//! about what listing the method's callers does.

use omnysys_api::prelude::*;

use super::calls::IncomingCall;
use super::names::{SymbolRef, Via};
use super::overrides::is_method;
use super::receiver::receiver_type_known;
use super::target::{is_own_method, resolve};
use crate::Project;
use crate::symbols::short_name;

/// The name-only calls of method `target` (none for other symbols), ordered by file and line.
pub fn name_only_callers(p: Project<'_>, target: &SymbolRef) -> Vec<IncomingCall> {
    if !is_method(p, target) {
        return Vec::new();
    }
    let name = short_name(&target.symbol);
    let mut found = Vec::new();
    for (file, facts) in p.files() {
        let named = facts
            .calls
            .iter()
            .filter(|c| member_called(&c.callee) == Some(name));
        found.extend(
            named
                .filter(|c| unresolved_on_unknown_type(p, file, c))
                .map(|c| name_only_call(file, c)),
        );
    }
    found.sort();
    found
}

/// The method `m` of a member call `x.m` (not `this.m`/`self.m`, nor a Rust path `T::m`).
fn member_called(callee: &str) -> Option<&str> {
    if is_own_method(callee) || callee.contains("::") {
        return None;
    }
    callee.rsplit_once('.').map(|(_, method)| method)
}

/// Whether no rule resolves `call` and its receiver's type is unknown.
fn unresolved_on_unknown_type(p: Project<'_>, file: &str, call: &CallSite) -> bool {
    let r = resolve(p, file, call);
    r.target.is_none() && r.via != Via::External && !receiver_type_known(p, file, call)
}

/// The call `call` of `file` as a name-only caller.
fn name_only_call(file: &str, call: &CallSite) -> IncomingCall {
    IncomingCall {
        file: file.to_owned(),
        line: call.line,
        caller: call.caller.clone(),
        callee: call.callee.clone(),
        via: Via::NameOnly,
        confidence: Via::NameOnly.confidence(),
    }
}
