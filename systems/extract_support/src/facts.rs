//! Small builders for fact values.

use omnysys_api::facts::{CallSite, Import, ImportKind, Symbol, SymbolKind};
use tree_sitter::Node;

use crate::chain::Paths;
use crate::parse::{end_line, line};

/// Builds an import with `resolved: None`, on the line where `node` starts.
pub fn import(specifier: String, names: Vec<String>, kind: ImportKind, node: Node<'_>) -> Import {
    Import {
        specifier,
        resolved: None,
        names,
        kind,
        line: line(node),
        bindings: Vec::new(),
    }
}

/// Records a call of `callee`, named by its path, on the line where `callee` ends; made by
/// `enclosing` (`None` at module level). Nothing is recorded when `callee` is not a path.
pub fn push_call<'t>(
    callee: Node<'t>,
    enclosing: Option<&Symbol>,
    paths: &mut Paths<'t, '_>,
    out: &mut Vec<CallSite>,
) {
    if let Some(name) = paths.path(callee) {
        out.push(CallSite {
            caller: enclosing.map(|s| s.name.clone()),
            callee: name,
            line: end_line(callee),
            receiver: None,
        });
    }
}

/// A symbol spanning the lines of `span`, neither `exported` nor `is_async` (the caller sets
/// those when they hold).
pub fn symbol(name: String, kind: SymbolKind, span: Node<'_>, params: Vec<String>) -> Symbol {
    Symbol {
        name,
        kind,
        start_line: line(span),
        end_line: end_line(span),
        params,
        exported: false,
        is_async: false,
        returns: None,
    }
}
