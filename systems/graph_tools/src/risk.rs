//! `get_risk_assessment`: the structural risks of the whole project, each with a severity.
//!
//! Findings and their severities:
//! - `cycle`: a strongly connected component of the import graph (see [`crate::cycles`]);
//!   high from 3 files, medium for 2 files or a self-import, low when every edge inside is
//!   type-only.
//! - `high_fan_in`: the 10 files with the most importers (at least 2); high from 20 importers,
//!   medium from 5, else low.
//! - `hub`: many importers and many imports; high when both are at least 10, medium at least 5,
//!   low at least 3.
//! - `orphan`: no importers and no project imports (dead code or an entry point); low.
//! - `large_file`: more than 1000 lines (medium), more than 3000 (high).
//! - `large_function`: `end_line - start_line` over 100 (medium), over 300 (high); classes are
//!   not counted.
//! - `unresolved_import`: a local import (as the engine's resolver judges it, tsconfig aliases
//!   and workspace packages included) that resolves to no file; medium.

use omnysys_api::prelude::*;

use crate::cycles::cycles;
use crate::project::{MAX_ENTRIES, PageRequest, Project, fan_in, fan_out, paginate};

/// How serious a finding is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    #[default]
    Low,
    /// Worth fixing.
    Medium,
    /// Fix first.
    High,
}

/// Arguments of `get_risk_assessment`.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskArgs {
    /// The least severity to report: `low` (default), `medium` or `high`.
    #[serde(default)]
    pub min_severity: Severity,
    /// The `nextCursor` of the previous page, to continue the list.
    #[serde(default)]
    pub cursor: Option<String>,
    /// The most findings per page (1 to 200, default 200).
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

/// One risk.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct Finding {
    /// `cycle`, `high_fan_in`, `hub`, `orphan`, `large_file`, `large_function` or
    /// `unresolved_import`.
    pub kind: String,
    /// How serious it is.
    pub severity: Severity,
    /// The files concerned (a cycle's files in path order).
    pub files: Vec<String>,
    /// The symbol concerned (large functions), or the specifier (unresolved imports).
    pub symbol: Option<String>,
    /// The line concerned, when there is one.
    pub line: Option<u32>,
    /// Why it is a risk.
    pub why: String,
}

/// Counts of findings by severity (after filtering).
#[derive(Serialize, JsonSchema, Default, Debug, PartialEq)]
pub struct Counts {
    /// High-severity findings.
    pub high: usize,
    /// Medium-severity findings.
    pub medium: usize,
    /// Low-severity findings.
    pub low: usize,
}

/// Result of `get_risk_assessment`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskAssessment {
    /// The least severity reported.
    pub min_severity: Severity,
    /// Number of files analysed.
    pub files: usize,
    /// Findings by count of severity.
    pub counts: Counts,
    /// This page of the findings, most severe first (`counts` covers them all).
    pub findings: Vec<Finding>,
    /// The cursor of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The `get_risk_assessment` tool.
///
/// # Errors
///
/// None beyond bad arguments (a bad cursor or limit included).
pub fn get_risk_assessment(
    ctx: &ToolContext<'_>,
    args: RiskArgs,
) -> Result<RiskAssessment, ToolError> {
    let p = Project::of(ctx);
    let mut findings = all_findings(p);
    findings.retain(|f| f.severity >= args.min_severity);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut counts = Counts::default();
    for f in &findings {
        match f.severity {
            Severity::High => counts.high += 1,
            Severity::Medium => counts.medium += 1,
            Severity::Low => counts.low += 1,
        }
    }
    let request = PageRequest::new(args.cursor.as_deref(), args.limit);
    let query = format!("get_risk_assessment {:?}", args.min_severity);
    let page = paginate(findings, request, &query, MAX_ENTRIES)?;
    Ok(RiskAssessment {
        min_severity: args.min_severity,
        files: p.files().count(),
        counts,
        findings: page.items,
        next_cursor: page.next_cursor,
    })
}

/// Every finding, grouped by kind in the order of the module docs.
fn all_findings(p: Project<'_>) -> Vec<Finding> {
    let graph = p.graph();
    let mut out = cycle_findings(&graph);
    out.extend(fan_in_findings(p, &graph));
    out.extend(hub_findings(p, &graph));
    out.extend(orphan_findings(p, &graph));
    out.extend(size_findings(p));
    out.extend(unresolved_findings(p));
    out
}

/// A finding about files, with no symbol or line.
fn finding(kind: &str, severity: Severity, files: Vec<String>, why: String) -> Finding {
    Finding {
        kind: kind.to_owned(),
        severity,
        files,
        symbol: None,
        line: None,
        why,
    }
}

/// One finding per import cycle.
fn cycle_findings(graph: &DependencyGraph) -> Vec<Finding> {
    cycles(graph)
        .into_iter()
        .map(|files| {
            let type_only = files.iter().all(|f| {
                graph
                    .dependencies(f)
                    .filter(|e| files.contains(&e.to))
                    .all(|e| e.kinds.iter().all(|k| *k == ImportKind::Type))
            });
            let severity = match files.len() {
                _ if type_only => Severity::Low,
                n if n >= 3 => Severity::High,
                _ => Severity::Medium,
            };
            let why = format!(
                "{} files import each other in a cycle{}: a change to any of them can affect all, and load order matters",
                files.len(),
                if type_only { " (type-only imports)" } else { "" }
            );
            finding("cycle", severity, files, why)
        })
        .collect()
}

/// The 10 files with the most importers (at least 2), most first.
fn fan_in_findings(p: Project<'_>, graph: &DependencyGraph) -> Vec<Finding> {
    let mut ranked: Vec<(usize, &str)> = p
        .paths()
        .map(|f| (fan_in(graph, f), f))
        .filter(|(n, _)| *n >= 2)
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    ranked
        .into_iter()
        .take(10)
        .map(|(n, f)| {
            let severity = match n {
                n if n >= 20 => Severity::High,
                n if n >= 5 => Severity::Medium,
                _ => Severity::Low,
            };
            let why = format!("{n} files import it: a change ripples to all of them");
            finding("high_fan_in", severity, vec![f.to_owned()], why)
        })
        .collect()
}

/// Files with both many importers and many imports.
fn hub_findings(p: Project<'_>, graph: &DependencyGraph) -> Vec<Finding> {
    p.paths()
        .filter_map(|f| {
            let (i, o) = (fan_in(graph, f), fan_out(graph, f));
            let severity = match i.min(o) {
                m if m >= 10 => Severity::High,
                m if m >= 5 => Severity::Medium,
                m if m >= 3 => Severity::Low,
                _ => return None,
            };
            let why = format!(
                "a hub: {i} files import it and it imports {o}, so it both spreads and receives changes"
            );
            Some(finding("hub", severity, vec![f.to_owned()], why))
        })
        .collect()
}

/// Files with no importers and no project imports.
fn orphan_findings(p: Project<'_>, graph: &DependencyGraph) -> Vec<Finding> {
    p.paths()
        .filter(|f| fan_in(graph, f) == 0 && fan_out(graph, f) == 0)
        .map(|f| {
            let why =
                "nothing imports it and it imports no project file: dead code or an entry point"
                    .to_owned();
            finding("orphan", Severity::Low, vec![f.to_owned()], why)
        })
        .collect()
}

/// Files over 1000 lines and functions spanning more than 100 lines.
fn size_findings(p: Project<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, facts) in p.files() {
        if facts.lines > 1000 {
            let severity = if facts.lines > 3000 {
                Severity::High
            } else {
                Severity::Medium
            };
            let why = format!(
                "{} lines (over 1000): hard to review and to change safely",
                facts.lines
            );
            out.push(finding("large_file", severity, vec![path.to_owned()], why));
        }
        for s in facts.symbols.iter().filter(|s| s.kind != SymbolKind::Class) {
            let span = s.end_line.saturating_sub(s.start_line);
            if span > 100 {
                let severity = if span > 300 {
                    Severity::High
                } else {
                    Severity::Medium
                };
                let why = format!(
                    "spans {span} lines ({}–{}, over 100): split it into smaller functions",
                    s.start_line, s.end_line
                );
                out.push(Finding {
                    symbol: Some(s.name.clone()),
                    line: Some(s.start_line),
                    ..finding("large_function", severity, vec![path.to_owned()], why)
                });
            }
        }
    }
    out
}

/// Local imports (as the engine's resolver judges them) that resolve to no project file.
fn unresolved_findings(p: Project<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, facts) in p.files() {
        for import in &facts.imports {
            if import.resolved.is_none()
                && p.is_unresolved_local(path, import.line, &import.specifier)
            {
                let why = format!(
                    "the local import `{}` resolves to no project file: a broken path or a file outside the index",
                    import.specifier
                );
                out.push(Finding {
                    symbol: Some(import.specifier.clone()),
                    line: Some(import.line),
                    ..finding(
                        "unresolved_import",
                        Severity::Medium,
                        vec![path.to_owned()],
                        why,
                    )
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(world: &World, min: Severity) -> RiskAssessment {
        get_risk_assessment(
            &ctx(world),
            RiskArgs {
                min_severity: min,
                ..RiskArgs::default()
            },
        )
        .unwrap()
    }

    fn kinds(r: &RiskAssessment) -> Vec<(&str, Severity, Vec<&str>)> {
        r.findings
            .iter()
            .map(|f| {
                let files = f.files.iter().map(String::as_str).collect();
                (f.kind.as_str(), f.severity, files)
            })
            .collect()
    }

    #[test]
    fn the_fixture_has_two_low_fan_in_findings_and_nothing_above() {
        let w = js_basic_world();
        let r = run(&w, Severity::Low);
        assert_eq!(
            kinds(&r),
            vec![
                ("high_fan_in", Severity::Low, vec!["src/app.js"]),
                ("high_fan_in", Severity::Low, vec!["src/util.js"]),
            ]
        );
        assert!(run(&w, Severity::Medium).findings.is_empty());
    }

    #[test]
    fn cycles_orphans_sizes_and_unresolved_imports_are_found_and_filtered() {
        let mut big = imports_only(&[("./gone", None), ("lodash", None)]);
        big.lines = 1200;
        big.symbols = vec![
            sym("long", SymbolKind::Function, (10, 150), &[], false),
            sym("short", SymbolKind::Function, (200, 300), &[], false),
            sym("Huge", SymbolKind::Class, (1, 1200), &[], false),
        ];
        let w = world_of(vec![
            ("a.js", imports_only(&[("./b", Some("b.js"))])),
            ("b.js", imports_only(&[("./c", Some("c.js"))])),
            ("big.js", big),
            ("c.js", imports_only(&[("./a", Some("a.js"))])),
            ("d.js", imports_only(&[("./e", Some("e.js"))])),
            ("e.js", imports_only(&[("./d", Some("d.js"))])),
            ("lonely.js", imports_only(&[])),
        ]);
        let r = run(&w, Severity::Low);
        assert_eq!(
            kinds(&r),
            vec![
                ("cycle", Severity::High, vec!["a.js", "b.js", "c.js"]),
                ("cycle", Severity::Medium, vec!["d.js", "e.js"]),
                ("large_file", Severity::Medium, vec!["big.js"]),
                ("large_function", Severity::Medium, vec!["big.js"]),
                ("unresolved_import", Severity::Medium, vec!["big.js"]),
                ("orphan", Severity::Low, vec!["big.js"]),
                ("orphan", Severity::Low, vec!["lonely.js"]),
            ]
        );
        assert_eq!(r.findings[3].symbol.as_deref(), Some("long"));
        assert_eq!(r.findings[4].symbol.as_deref(), Some("./gone"));
        assert_eq!(
            r.counts,
            Counts {
                high: 1,
                medium: 4,
                low: 2
            }
        );
        let high = run(&w, Severity::High);
        assert_eq!(high.findings.len(), 1);
        assert_eq!(
            high.counts,
            Counts {
                high: 1,
                medium: 0,
                low: 0
            }
        );
    }

    #[test]
    fn a_hub_needs_both_fan_in_and_fan_out() {
        let mut files: Vec<(String, FileFacts)> = (0..3)
            .map(|i| {
                (
                    format!("in{i}.js"),
                    imports_only(&[("./hub", Some("hub.js"))]),
                )
            })
            .collect();
        files.extend((0..3).map(|i| (format!("out{i}.js"), imports_only(&[]))));
        let outs: Vec<(String, String)> = (0..3)
            .map(|i| (format!("./out{i}"), format!("out{i}.js")))
            .collect();
        let specs: Vec<(&str, Option<&str>)> = outs
            .iter()
            .map(|(s, r)| (s.as_str(), Some(r.as_str())))
            .collect();
        files.push(("hub.js".into(), imports_only(&specs)));
        let w = world_of(files.iter().map(|(p, f)| (p.as_str(), f.clone())).collect());
        let r = run(&w, Severity::Low);
        let hubs: Vec<_> = r.findings.iter().filter(|f| f.kind == "hub").collect();
        assert_eq!(hubs.len(), 1);
        assert_eq!(hubs[0].files, vec!["hub.js"]);
        assert!(
            r.findings
                .iter()
                .any(|f| f.kind == "high_fan_in" && f.files == ["hub.js"])
        );
    }

    #[test]
    fn a_type_only_cycle_is_low() {
        let t = |spec: &str, to: &str| {
            facts(
                vec![imp(spec, Some(to), &["T"], ImportKind::Type, 1)],
                vec![exp("T", None, 1)],
                vec![],
                vec![],
                3,
            )
        };
        let w = world_of(vec![("a.ts", t("./b", "b.ts")), ("b.ts", t("./a", "a.ts"))]);
        let r = run(&w, Severity::Low);
        assert_eq!(r.findings[0].kind, "cycle");
        assert_eq!(r.findings[0].severity, Severity::Low);
    }
}
