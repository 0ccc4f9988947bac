//! Dotted type names (`box.Box`, `ns.Foo`): a type written through a module the file imports
//! whole, read like a call of that path — by the namespace and submodule rules of
//! [`super::names`] — so `from . import box` then `box: box.Box` names the class `Box` of
//! `box.py`.

use omnysys_api::prelude::*;

use super::names::{SymbolRef, resolve_call};
use crate::Project;

/// The symbol the dotted type name `name` of `file` stands for, if it is dotted and resolves.
pub fn resolve_dotted(p: Project<'_>, file: &str, name: &str) -> Option<SymbolRef> {
    if !name.contains('.') {
        return None;
    }
    let path = CallSite {
        caller: None,
        callee: name.to_owned(),
        line: 0,
        receiver: None,
    };
    resolve_call(p, file, &path).target
}
