//! `analyze_change`: who imports or calls one symbol, directly and through importer files.
//!
//! Rules (from the facts alone):
//! - The symbol is a name the file defines (`f`, `Class.m`, or a method's short name when only
//!   one method has it) or exports (`default` included; an export's local name is followed).
//! - It is *exported as* every export naming it; a method is carried by its class's exports.
//! - A **direct importer** is another file with an import resolved to this file that names one
//!   of those exports, or imports the whole module (`*`: namespace, whole `require`, `export *`).
//! - A **call** of it is any call site the shared resolver ([`tool_support::resolve::target`])
//!   resolves to it: by name (local, `this.m`, named, default and namespace imports, local
//!   binding names such as `import {a as b}`), through a typed receiver (`x.m()` where `x` has a
//!   declared or constructed type, inherited methods included), in the files that can call it
//!   (for a method, every file). Calls found through a receiver carry a `confidence`.
//! - **Transitive** files: the direct importers and callers are depth 1, then every file that
//!   imports a file at depth `n` is at depth `n + 1` (file level, the symbol's file excluded).
//! - Risk as `get_impact_map`: critical from 50 affected files, high from 10 direct users or
//!   20 affected, medium from 3 direct or 5 affected, else low.

use std::collections::BTreeSet;

use omnysys_api::prelude::*;

use tool_support::resolve::calls::{IncomingCall, callers_of};
use tool_support::resolve::names::{Confidence, SymbolRef};

use crate::project::{Project, cap, unknown_symbol};

/// Arguments of `analyze_change`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyzeArgs {
    /// The file defining the symbol, relative to the project root.
    pub file_path: String,
    /// The symbol's name (`f`, `Class.method`, or an exported name such as `default`); at most 512 characters.
    #[schemars(length(max = 512))]
    pub symbol_name: String,
}

/// An import that brings the symbol into another file.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImportUse {
    /// The importing file.
    pub file: String,
    /// Its line there.
    pub line: u32,
    /// The specifier as written.
    pub specifier: String,
    /// The names it imports.
    pub names: Vec<String>,
    /// The kind of import.
    pub kind: ImportKind,
}

/// A call of the symbol.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = tool_support::resolve::names::left_out_when_exact)]
pub struct CallUse {
    /// The calling file.
    pub file: String,
    /// The line of the call.
    pub line: u32,
    /// The enclosing symbol, or `null` at module level.
    pub caller: Option<String>,
    /// The callee as written.
    pub callee: String,
    /// How sure the resolution is: `inferred` through a receiver's type (`exact` left out).
    #[serde(skip_serializing_if = "Confidence::is_exact")]
    pub confidence: Confidence,
}

impl From<IncomingCall> for CallUse {
    fn from(call: IncomingCall) -> Self {
        CallUse {
            file: call.file,
            line: call.line,
            caller: call.caller,
            callee: call.callee,
            confidence: call.confidence,
        }
    }
}

/// A file affected through importers, with its distance.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct Affected {
    /// Project-relative path.
    pub path: String,
    /// 1 for direct users, 2 for files importing them, and so on.
    pub depth: u32,
}

/// Result of `analyze_change`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeAnalysis {
    /// The file asked about.
    pub file_path: String,
    /// The symbol as defined (an export's local name is followed).
    pub symbol_name: String,
    /// Its kind, when the file defines it (exported values have none).
    pub kind: Option<SymbolKind>,
    /// The names under which other files can import it.
    pub exported_as: Vec<String>,
    /// Imports of it in other files.
    pub direct_importers: Vec<ImportUse>,
    /// Calls of it, in its own file and in importers.
    pub direct_callers: Vec<CallUse>,
    /// Every affected file other than its own, nearest first.
    pub transitive_dependents: Vec<Affected>,
    /// Number of affected files.
    pub total_affected: usize,
    /// `low`, `medium`, `high` or `critical`.
    pub risk_level: String,
    /// Why that risk level.
    pub reasons: Vec<String>,
    /// What to do, in one line.
    pub recommendation: String,
    /// Whether a list was cut at 200 entries.
    pub truncated: bool,
}

/// The symbol asked about: its defined name, kind and export names.
pub(crate) struct Target {
    /// The name as defined (an export's local name is followed).
    pub name: String,
    /// Its kind, when the file defines it.
    pub kind: Option<SymbolKind>,
    /// The names under which other files can import it.
    pub exported_as: Vec<String>,
}

/// Who uses one symbol: its importers and callers, the direct users and the affected files.
pub(crate) struct SymbolImpact {
    /// The symbol.
    pub target: Target,
    /// Imports of it in other files.
    pub importers: Vec<ImportUse>,
    /// Calls of it, in its own file and in importers.
    pub callers: Vec<CallUse>,
    /// Files other than its own that import or call it.
    pub direct: BTreeSet<String>,
    /// Every affected file other than its own, nearest first.
    pub transitive: Vec<Affected>,
}

/// The impact of `target`, a symbol of `path`, as `analyze_change` computes it.
pub(crate) fn symbol_impact(p: Project<'_>, path: &str, target: Target) -> SymbolImpact {
    let importers = importers(p, path, &target);
    let symbol = SymbolRef::new(path, &target.name);
    let callers: Vec<CallUse> = callers_of(p, &symbol)
        .into_iter()
        .map(CallUse::from)
        .collect();
    let direct: BTreeSet<String> = importers
        .iter()
        .map(|i| i.file.as_str())
        .chain(callers.iter().map(|c| c.file.as_str()))
        .filter(|f| *f != path)
        .map(str::to_owned)
        .collect();
    let transitive = affected(&p.graph(), path, &direct);
    SymbolImpact {
        target,
        importers,
        callers,
        direct,
        transitive,
    }
}

/// The `analyze_change` tool.
///
/// # Errors
///
/// Paths outside the project, unknown files and unknown symbols (with close matches).
pub fn analyze_change(
    ctx: &ToolContext<'_>,
    args: AnalyzeArgs,
) -> Result<ChangeAnalysis, ToolError> {
    tool_support::check_name("symbolName", &args.symbol_name)?;
    let p = Project::of(ctx);
    let (path, facts) = p.file(&args.file_path)?;
    let target = find_target(facts, &path, &args.symbol_name)?;
    let SymbolImpact {
        target,
        importers,
        callers,
        direct,
        transitive,
    } = symbol_impact(p, &path, target);
    let (risk_level, reasons) = risk(&target, &direct, &callers, &transitive);
    let recommendation = recommend(
        &risk_level,
        &target.name,
        &path,
        &direct,
        &callers,
        &transitive,
    );
    let (direct_importers, cut_imports) = cap(importers);
    let (direct_callers, cut_calls) = cap(callers);
    let total_affected = transitive.len();
    let (transitive_dependents, cut_affected) = cap(transitive);
    Ok(ChangeAnalysis {
        file_path: path,
        symbol_name: target.name,
        kind: target.kind,
        exported_as: target.exported_as,
        direct_importers,
        direct_callers,
        transitive_dependents,
        total_affected,
        risk_level,
        reasons,
        recommendation,
        truncated: cut_imports || cut_calls || cut_affected,
    })
}

/// Finds the symbol `name` of `file`: defined, exported, or a unique method short name.
pub(crate) fn find_target(facts: &FileFacts, file: &str, name: &str) -> Result<Target, ToolError> {
    let kind_of = |n: &str| facts.symbols.iter().find(|s| s.name == n).map(|s| s.kind);
    let local = if kind_of(name).is_some() {
        name.to_owned()
    } else if let Some(e) = facts.exports.iter().find(|e| e.name == name) {
        e.local.clone().unwrap_or_else(|| name.to_owned())
    } else {
        let mut methods = facts
            .symbols
            .iter()
            .filter(|s| s.name.rsplit_once('.').is_some_and(|(_, m)| m == name));
        match (methods.next(), methods.next()) {
            (Some(only), None) => only.name.clone(),
            _ => return Err(unknown_symbol(facts, file, name)),
        }
    };
    let carrier = local.split_once('.').map_or(local.as_str(), |(c, _)| c);
    let exported_as = facts
        .exports
        .iter()
        .filter(|e| e.local.as_deref().unwrap_or(&e.name) == carrier)
        .map(|e| e.name.clone())
        .collect();
    Ok(Target {
        kind: kind_of(&local),
        name: local,
        exported_as,
    })
}

/// Imports in other files that bring the symbol in by name or as a whole module (a Python
/// module also through its package: `from pkg import util` resolves to `pkg/__init__.py`).
fn importers(p: Project<'_>, path: &str, target: &Target) -> Vec<ImportUse> {
    let mut out = Vec::new();
    if target.exported_as.is_empty() {
        return out;
    }
    let package = tool_support::python_package(path);
    // Only files with an edge to it (or to its package) can import it: the reverse index.
    let graph = p.graph();
    let mut candidates: BTreeSet<&str> = graph.dependents(path).collect();
    if let Some((init, _)) = &package {
        candidates.extend(graph.dependents(init));
    }
    for file in candidates.into_iter().filter(|f| *f != path) {
        let Some(facts) = p.facts(file) else { continue };
        for import in &facts.imports {
            let names_it = import
                .names
                .iter()
                .any(|n| n == "*" || target.exported_as.contains(n));
            let through_package = package.as_ref().is_some_and(|(init, name)| {
                import.resolved.as_deref() == Some(init.as_str())
                    && import.names.iter().any(|n| n == name)
            });
            if (import.resolved.as_deref() == Some(path) && names_it) || through_package {
                out.push(ImportUse {
                    file: file.to_owned(),
                    line: import.line,
                    specifier: import.specifier.clone(),
                    names: import.names.clone(),
                    kind: import.kind,
                });
            }
        }
    }
    out
}

/// Files affected through importers: `direct` at depth 1, then their importers.
pub(crate) fn affected(
    graph: &DependencyGraph,
    path: &str,
    direct: &BTreeSet<String>,
) -> Vec<Affected> {
    graph
        .importers_by_depth(direct, path)
        .into_iter()
        .map(|(depth, file)| Affected {
            path: file.to_owned(),
            depth,
        })
        .collect()
}

/// The risk level and its reasons.
fn risk(
    target: &Target,
    direct: &BTreeSet<String>,
    calls: &[CallUse],
    transitive: &[Affected],
) -> (String, Vec<String>) {
    let (d, t) = (direct.len(), transitive.len());
    let max_depth = transitive.iter().map(|a| a.depth).max().unwrap_or(0);
    let name = &target.name;
    let mut reasons = vec![
        format!(
            "{d} files import or call `{name}` directly ({} call sites)",
            calls.len()
        ),
        format!("{t} files affected, up to depth {max_depth}"),
    ];
    if target.exported_as.is_empty() {
        reasons.push(format!(
            "`{name}` is not exported: only its own file can use it"
        ));
    }
    (risk_level(d, t).to_owned(), reasons)
}

/// The risk level from the number of direct users and of affected files.
pub(crate) fn risk_level(direct: usize, affected: usize) -> &'static str {
    match (direct, affected) {
        (_, t) if t >= 50 => "critical",
        (d, t) if d >= 10 || t >= 20 => "high",
        (d, t) if d >= 3 || t >= 5 => "medium",
        _ => "low",
    }
}

/// A one-line recommendation for the risk level.
fn recommend(
    level: &str,
    name: &str,
    path: &str,
    direct: &BTreeSet<String>,
    calls: &[CallUse],
    transitive: &[Affected],
) -> String {
    let (d, t) = (direct.len(), transitive.len());
    match level {
        _ if d == 0 && calls.is_empty() => {
            format!("Nothing else uses `{name}`: safe to change (check for dynamic uses).")
        }
        _ if d == 0 => format!(
            "Only `{path}` uses `{name}`: change it together with its {} call sites.",
            calls.len()
        ),
        "low" => format!("Low risk: update the {d} direct users listed and run their tests."),
        "medium" => format!(
            "Medium risk: update the {d} direct users, keep the old signature if you can, and run the tests of the {t} affected files."
        ),
        _ => format!(
            "{} risk: {t} files are affected; keep the current signature (add a new variant instead) or change all {d} direct users in one step, and run the full test suite.",
            if level == "critical" {
                "Critical"
            } else {
                "High"
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(world: &World, file: &str, symbol: &str) -> Result<ChangeAnalysis, ToolError> {
        let args = AnalyzeArgs {
            file_path: file.into(),
            symbol_name: symbol.into(),
        };
        analyze_change(&ctx(world), args)
    }

    #[test]
    fn a_named_import_and_a_whole_module_require_both_reach_the_symbol() {
        let w = js_basic_world();
        let a = run(&w, "src/util.js", "helper").unwrap();
        assert_eq!(a.exported_as, vec!["helper"]);
        let importers: Vec<(&str, u32)> = a
            .direct_importers
            .iter()
            .map(|i| (i.file.as_str(), i.line))
            .collect();
        assert_eq!(importers, vec![("src/app.js", 1), ("src/index.js", 3)]);
        let calls: Vec<(&str, &str)> = a
            .direct_callers
            .iter()
            .map(|c| (c.file.as_str(), c.callee.as_str()))
            .collect();
        assert_eq!(
            calls,
            vec![("src/app.js", "helper"), ("src/index.js", "util.helper")]
        );
        let affected: Vec<(&str, u32)> = a
            .transitive_dependents
            .iter()
            .map(|x| (x.path.as_str(), x.depth))
            .collect();
        assert_eq!(
            affected,
            vec![
                ("src/app.js", 1),
                ("src/index.js", 1),
                ("src/router/index.js", 2)
            ]
        );
        assert_eq!(a.risk_level, "low");
        assert_eq!(
            a.reasons,
            vec![
                "2 files import or call `helper` directly (2 call sites)",
                "3 files affected, up to depth 2"
            ]
        );
        assert_eq!(
            a.recommendation,
            "Low risk: update the 2 direct users listed and run their tests."
        );
    }

    #[test]
    fn a_default_export_is_found_by_its_local_name_and_by_default() {
        let w = js_basic_world();
        for name in ["router", "default"] {
            let a = run(&w, "src/router/index.js", name).unwrap();
            assert_eq!(a.symbol_name, "router");
            assert_eq!(a.exported_as, vec!["default"]);
            assert_eq!(a.direct_importers.len(), 1);
            assert_eq!(a.direct_callers[0].callee, "router");
            assert_eq!(a.total_affected, 1);
        }
    }

    #[test]
    fn a_symbol_nobody_uses_is_safe_and_a_local_one_names_its_file() {
        let w = js_basic_world();
        let a = run(&w, "src/index.js", "main").unwrap();
        assert_eq!(a.total_affected, 0);
        assert!(a.recommendation.starts_with("Nothing else uses `main`"));
        let w = world_of(vec![(
            "a.js",
            facts(
                vec![],
                vec![],
                vec![
                    sym("C", SymbolKind::Class, (1, 9), &[], false),
                    sym("C.m", SymbolKind::Method, (2, 3), &[], false),
                ],
                vec![call(Some("C.n"), "this.m", 5), call(None, "other.m", 8)],
                9,
            ),
        )]);
        let a = run(&w, "a.js", "m").unwrap();
        assert_eq!(a.symbol_name, "C.m");
        assert_eq!(a.direct_callers.len(), 1);
        assert!(a.reasons[2].contains("not exported"));
        assert!(a.recommendation.starts_with("Only `a.js` uses `C.m`"));
    }

    #[test]
    fn many_importers_make_the_risk_high() {
        let mut files: Vec<(String, FileFacts)> = (0..12)
            .map(|i| {
                (
                    format!("u{i:02}.js"),
                    imports_only(&[("./lib", Some("lib.js"))]),
                )
            })
            .collect();
        files.push(("lib.js".into(), imports_only(&[])));
        let files = files.iter().map(|(p, f)| (p.as_str(), f.clone())).collect();
        let a = run(&world_of(files), "lib.js", "x").unwrap();
        assert_eq!(a.direct_importers.len(), 12);
        assert_eq!(a.risk_level, "high");
        assert!(a.recommendation.starts_with("High risk: 12 files"));
    }

    #[test]
    fn unknown_symbols_files_and_outside_paths_are_errors() {
        let w = js_basic_world();
        let e = run(&w, "src/app.js", "createAp").err().unwrap();
        assert_eq!(e.kind, omnysys_api::tool::ToolErrorKind::NotFound);
        assert_eq!(e.suggestions[0], "createApp");
        let e = run(&w, "src/ap.js", "createApp").err().unwrap();
        assert_eq!(e.suggestions[0], "src/app.js");
        let e = run(&w, "../x.js", "f").err().unwrap();
        assert!(e.message.contains("is outside the project"));
    }

    #[test]
    fn calls_through_typed_receivers_and_inherited_methods_are_counted() {
        let w = receivers_world();
        let a = run(&w, "lib/graph.js", "Graph.getModuleId").unwrap();
        let calls: Vec<(&str, u32, &str, Confidence)> = a
            .direct_callers
            .iter()
            .map(|c| (c.file.as_str(), c.line, c.callee.as_str(), c.confidence))
            .collect();
        assert_eq!(
            calls,
            vec![
                (
                    "lib/mod.js",
                    6,
                    "compilation.chunkGraph.getModuleId",
                    Confidence::Inferred
                ),
                (
                    "lib/mod.js",
                    7,
                    "compilation.getGraph().getModuleId",
                    Confidence::Inferred
                ),
            ]
        );
        assert!(a.direct_importers.is_empty());
        assert_eq!(a.transitive_dependents[0].path, "lib/mod.js");
        let json = omnysys_api::serde_json::to_value(&a.direct_callers[0]).unwrap();
        assert_eq!(json["confidence"], "inferred");
        let a = run(&w, "lib/base.js", "Base.addDependency").unwrap();
        assert_eq!(a.direct_callers.len(), 1);
        assert_eq!(a.direct_callers[0].callee, "this.addDependency");
        let json = omnysys_api::serde_json::to_value(&a.direct_callers[0]).unwrap();
        assert!(json.get("confidence").is_none(), "{json}");
    }
}
