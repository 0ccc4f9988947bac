//! Call sites resolved in both directions: the calls a symbol makes, and the calls elsewhere
//! that resolve to it.
//!
//! "Inside a symbol" means the calls whose innermost enclosing definition is that symbol, as
//! the extractor records them: calls in a nested function belong to the nested function.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use omnysys_api::prelude::*;

use super::names::{Confidence, ImportUse, SymbolRef, Via, resolve_export};
use crate::Project;
use crate::symbols::{exported_as, short_name};

/// A call a symbol makes, with what it resolves to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingCall {
    /// The callee as written (`foo`, `ns.foo`, `this.m`).
    pub callee: String,
    /// 1-based line of the call.
    pub line: u32,
    /// Whether it resolved to exactly one symbol of the project.
    pub resolved: bool,
    /// The rule that resolved it, or why it is unresolved.
    pub via: Via,
    /// The called symbol, when resolved.
    pub target: Option<SymbolRef>,
    /// The import the callee came through, when it came through one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportUse>,
    /// How sure the resolution is, when resolved (`exact` left out).
    #[serde(skip_serializing_if = "Confidence::omitted")]
    pub confidence: Option<Confidence>,
}

/// A call elsewhere that resolves to a given symbol.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = crate::resolve::names::left_out_when_exact)]
pub struct IncomingCall {
    /// The calling file.
    pub file: String,
    /// 1-based line of the call.
    pub line: u32,
    /// The calling symbol, `null` at module level.
    pub caller: Option<String>,
    /// The callee as written there.
    pub callee: String,
    /// The rule that resolved it, when it went through a receiver or a base class (the name
    /// rules are left out).
    #[serde(skip_serializing_if = "Via::by_name")]
    pub via: Via,
    /// How sure that is: `inferred` through a receiver's type (`exact` left out).
    #[serde(skip_serializing_if = "Confidence::is_exact")]
    pub confidence: Confidence,
}

/// The calls `symbol` of `file` makes, in source order, each resolved.
pub fn calls_inside(
    p: Project<'_>,
    file: &str,
    facts: &FileFacts,
    symbol: &str,
) -> Vec<OutgoingCall> {
    facts
        .calls
        .iter()
        .filter(|c| c.caller.as_deref() == Some(symbol))
        .map(|c| OutgoingCall::of(p, file, c))
        .collect()
}

impl OutgoingCall {
    /// The call `call` made in `file`, resolved.
    pub fn of(p: Project<'_>, file: &str, call: &CallSite) -> Self {
        let r = super::target::resolve(p, file, call);
        OutgoingCall {
            callee: call.callee.clone(),
            line: call.line,
            resolved: r.target.is_some(),
            via: r.via,
            confidence: r.target.as_ref().map(|_| r.via.confidence()),
            target: r.target,
            import: r.import,
        }
    }
}

/// Every call in the project that resolves to `target`, ordered by file and line. A method is
/// looked for in every file (a receiver's type needs no import of its file), other symbols in
/// the files that can call them ([`files_that_can_call`]).
pub fn callers_of(p: Project<'_>, target: &SymbolRef) -> Vec<IncomingCall> {
    callers_admitted(p, target, &CalleeFilter::for_target(p, target))
}

/// [`callers_of`] with the target's callee filter made already.
pub fn callers_admitted(
    p: Project<'_>,
    target: &SymbolRef,
    may_call: &CalleeFilter,
) -> Vec<IncomingCall> {
    let admitted = |callee: &str| may_call.admits(callee);
    let mut found = if super::overrides::is_method(p, target) {
        calls_into(p, p.files(), &target.file, admitted)
    } else {
        let files = files_that_can_call(p, &target.file);
        calls_into(p, with_facts(p, &files), &target.file, admitted)
    };
    found.remove(&target.symbol).unwrap_or_default()
}

/// The calls that resolve into `file`, grouped by the called symbol, ordered by file and line.
pub fn callers_by_symbol(p: Project<'_>, file: &str) -> BTreeMap<String, Vec<IncomingCall>> {
    let files = files_that_can_call(p, file);
    calls_into(p, with_facts(p, &files), file, |_| true)
}

/// The analysed ones of `files`, with their facts.
fn with_facts<'f>(
    p: Project<'f>,
    files: &'f BTreeSet<String>,
) -> impl Iterator<Item = (&'f str, &'f FileFacts)> {
    files
        .iter()
        .filter_map(move |f| Some((f.as_str(), p.facts(f)?)))
}

/// The names a call to one symbol can be written with, to skip resolving the calls that cannot
/// reach it: every rule of [`super::names`] ends the callee with the symbol's short name or a
/// name it is exported as, except a default import, called by any single name.
/// Local aliases of the symbol (`import {a as b}`) count as its names.
pub struct CalleeFilter {
    names: BTreeSet<String>,
    any_single_name: bool,
}

impl CalleeFilter {
    pub fn for_target(p: Project<'_>, target: &SymbolRef) -> Self {
        let mut names = BTreeSet::from([short_name(&target.symbol).to_owned()]);
        names.extend(aliases(p, target));
        let exported = p
            .facts(&target.file)
            .map(|f| exported_as(f, &target.symbol))
            .unwrap_or_default();
        let any_single_name = exported.iter().any(|e| e == "default");
        names.extend(exported);
        CalleeFilter {
            names,
            any_single_name,
        }
    }

    /// Whether a call written `callee` may reach the target: its last `.`/`:` segment is one
    /// of the names. Asked of every call site of the project for a method, so it compares
    /// suffixes rather than splitting the callee.
    pub fn admits(&self, callee: &str) -> bool {
        self.names.iter().any(|name| is_last_segment(callee, name))
            || (self.any_single_name && !callee.contains(['.', ':']))
    }
}

/// Whether `name` is the whole of `callee` or the part after its last `.` or `:`.
fn is_last_segment(callee: &str, name: &str) -> bool {
    // Most callees differ in their last byte: skip the comparison of the whole name for them.
    callee.as_bytes().last() == name.as_bytes().last()
        && callee
            .strip_suffix(name)
            .is_some_and(|head| head.is_empty() || head.ends_with(['.', ':']))
}

/// The local names other than its own under which files bind `target` (`import {a as b}`,
/// `const {a: b} = require()`), for the callee filters.
pub fn aliases(p: Project<'_>, target: &SymbolRef) -> Vec<String> {
    let mut found = Vec::new();
    for file in files_that_can_call(p, &target.file) {
        let Some(facts) = p.facts(&file) else {
            continue;
        };
        for import in &facts.imports {
            let Some(from) = import.resolved.as_deref() else {
                continue;
            };
            let renamed = import
                .bindings
                .iter()
                .filter(|b| b.local != b.name && b.name != "*" && b.name != "default");
            for b in renamed {
                if resolve_export(p, from, &b.name).as_ref() == Some(target) {
                    found.push(b.local.clone());
                }
            }
        }
    }
    found
}

/// The calls of the files `callers` (each with its facts) that resolve into `file` among
/// those whose callee `consider` admits, grouped by the called symbol, ordered by file and line.
fn calls_into<'f>(
    p: Project<'_>,
    callers: impl Iterator<Item = (&'f str, &'f FileFacts)>,
    file: &str,
    consider: impl Fn(&str) -> bool,
) -> BTreeMap<String, Vec<IncomingCall>> {
    let mut found: BTreeMap<String, Vec<IncomingCall>> = BTreeMap::new();
    for (caller_file, facts) in callers {
        for call in facts.calls.iter().filter(|c| consider(&c.callee)) {
            let resolution = super::target::resolve(p, caller_file, call);
            let Some(target) = resolution.target else {
                continue;
            };
            if target.file == file {
                found.entry(target.symbol).or_default().push(IncomingCall {
                    file: caller_file.to_owned(),
                    line: call.line,
                    caller: call.caller.clone(),
                    callee: call.callee.clone(),
                    via: resolution.via,
                    confidence: resolution.via.confidence(),
                });
            }
        }
    }
    found.values_mut().for_each(|calls| calls.sort());
    found
}

/// The files whose calls can resolve into `file`: the file, the files importing it, and the
/// importers of files that re-export it (transitively). For a Python module, the importers of
/// its package's `__init__.py` too (`from pkg import mod` resolves to the package).
pub fn files_that_can_call(p: Project<'_>, file: &str) -> BTreeSet<String> {
    let mut files = BTreeSet::from([file.to_owned()]);
    let graph = p.graph();
    if let Some((package, _)) = crate::python_package(file) {
        files.extend(graph.dependents(&package).map(str::to_owned));
    }
    let mut queue = VecDeque::from([file.to_owned()]);
    while let Some(current) = queue.pop_front() {
        for importer in graph.dependents(&current) {
            if files.insert(importer.to_owned()) && reexports(&graph, importer, &current) {
                queue.push_back(importer.to_owned());
            }
        }
    }
    files
}

/// Whether `from` passes on what it imports from `to`: an `export … from`, or any plain import
/// in Python, where an imported name is an attribute of the importing module (as
/// [`super::names::resolve_export`] follows it).
fn reexports(graph: &DependencyGraph, from: &str, to: &str) -> bool {
    let python = from.ends_with(".py") || from.ends_with(".pyi");
    graph
        .forward
        .get(from)
        .and_then(|edges| edges.get(to))
        .is_some_and(|edge| {
            edge.kinds.contains(&ImportKind::ReExport)
                || (python && edge.kinds.contains(&ImportKind::Static))
        })
}

#[cfg(test)]
mod tests {
    use super::is_last_segment;

    #[test]
    fn a_name_is_admitted_only_as_the_whole_callee_or_its_last_segment() {
        for callee in [
            "area",
            "shape.area",
            "this._s.area",
            "Shape::area",
            "ns::Shape::area",
        ] {
            assert!(is_last_segment(callee, "area"), "{callee}");
        }
        for callee in [
            "perimeter",
            "xarea",
            "shape.xarea",
            "area.of",
            "shape.area_",
            "",
        ] {
            assert!(!is_last_segment(callee, "area"), "{callee}");
        }
        assert!(is_last_segment("données.aire", "aire"));
        assert!(!is_last_segment("donnéesaire", "aire"));
    }
}
