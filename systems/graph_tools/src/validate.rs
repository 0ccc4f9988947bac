//! `validate_imports`: imports that do not resolve, names the target does not export, cycles.
//!
//! Rules:
//! - **Unresolved**: a local-looking specifier (`.`-relative for JavaScript and Python,
//!   `crate::`, `super`, `self::` for Rust) with no resolved file. Package imports are not
//!   checked.
//! - **Missing names**: for an import resolved to a project file, each imported name must be
//!   exported by the target, defined there, or re-exported through its `export *` (followed up
//!   to 8 files). Skipped, because the facts cannot settle them: `*` and `self`; `default` when
//!   the target has a default export and every `default` of a whole-module `require`;
//!   type-only imports (extractors may not list exported types); and, outside JavaScript,
//!   names the target itself imports (Rust `pub use`, Python package `__init__`) or that name
//!   a submodule next to it.
//! - **Cycles**: the import cycles containing the file, or every cycle when no file is given.

use std::collections::BTreeSet;

use omnysys_api::prelude::*;

use crate::cycles::cycles;
use crate::project::{Project, cap};

/// How many `export *` files are followed when looking for a name.
const MAX_HOPS: usize = 8;

/// Arguments of `validate_imports`.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidateArgs {
    /// One file to check (relative to the project root); every file when absent.
    #[serde(default)]
    pub file_path: Option<String>,
}

/// An import that resolves to no project file.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct Unresolved {
    /// The importing file.
    pub file: String,
    /// Its line.
    pub line: u32,
    /// The specifier as written.
    pub specifier: String,
    /// The kind of import.
    pub kind: ImportKind,
}

/// A name imported from a file that does not export it.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct MissingName {
    /// The importing file.
    pub file: String,
    /// Its line.
    pub line: u32,
    /// The specifier as written.
    pub specifier: String,
    /// The file it resolves to.
    pub resolved: String,
    /// The name the target does not export.
    pub name: String,
}

/// Result of `validate_imports`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    /// The file checked, or `null` for the whole project.
    pub file_path: Option<String>,
    /// Number of files checked.
    pub checked_files: usize,
    /// True when nothing below was found.
    pub valid: bool,
    /// Local imports that resolve to no file.
    pub unresolved: Vec<Unresolved>,
    /// Imported names their target does not export.
    pub missing_names: Vec<MissingName>,
    /// Import cycles (each its files in path order).
    pub cycles: Vec<Vec<String>>,
    /// Whether a list was cut at 200 entries.
    pub truncated: bool,
}

/// The `validate_imports` tool.
///
/// # Errors
///
/// Paths outside the project and unknown files.
pub fn validate_imports(
    ctx: &ToolContext<'_>,
    args: ValidateArgs,
) -> Result<Validation, ToolError> {
    let p = Project::of(ctx);
    let only = match &args.file_path {
        Some(raw) => Some(p.file(raw)?.0),
        None => None,
    };
    let files: Vec<(&str, &FileFacts)> = p
        .files()
        .filter(|(f, _)| only.as_deref().is_none_or(|o| o == *f))
        .collect();
    let unresolved: Vec<Unresolved> = files
        .iter()
        .flat_map(|(f, x)| unresolved(p, f, x))
        .collect();
    let missing: Vec<MissingName> = files.iter().flat_map(|(f, x)| missing(p, f, x)).collect();
    let mut cycles = cycles(&p.graph());
    if let Some(o) = &only {
        cycles.retain(|c| c.contains(o));
    }
    let valid = unresolved.is_empty() && missing.is_empty() && cycles.is_empty();
    let (unresolved, cut_u) = cap(unresolved);
    let (missing_names, cut_m) = cap(missing);
    let (cycles, cut_c) = cap(cycles);
    Ok(Validation {
        file_path: only,
        checked_files: files.len(),
        valid,
        unresolved,
        missing_names,
        cycles,
        truncated: cut_u || cut_m || cut_c,
    })
}

/// The unresolved local imports of one file.
fn unresolved(p: Project<'_>, file: &str, facts: &FileFacts) -> Vec<Unresolved> {
    facts
        .imports
        .iter()
        .filter(|i| i.resolved.is_none() && p.is_unresolved_local(file, i.line, &i.specifier))
        .map(|i| Unresolved {
            file: file.to_owned(),
            line: i.line,
            specifier: i.specifier.clone(),
            kind: i.kind,
        })
        .collect()
}

/// The imported names of one file that their targets do not provide.
fn missing(p: Project<'_>, file: &str, facts: &FileFacts) -> Vec<MissingName> {
    let mut out = Vec::new();
    for import in facts.imports.iter().filter(|i| i.kind != ImportKind::Type) {
        let Some(target) = import.resolved.as_deref() else {
            continue;
        };
        for name in &import.names {
            if !provides(p, target, name, import.kind) {
                out.push(MissingName {
                    file: file.to_owned(),
                    line: import.line,
                    specifier: import.specifier.clone(),
                    resolved: target.to_owned(),
                    name: name.clone(),
                });
            }
        }
    }
    out
}

/// Whether `target` provides `name` to an import of `kind` (see the module docs).
fn provides(p: Project<'_>, target: &str, name: &str, kind: ImportKind) -> bool {
    if name == "*" || name == "self" || (name == "default" && kind == ImportKind::Require) {
        return true;
    }
    let Some(entry) = p.entry(target) else {
        return true;
    };
    if exports_through_stars(p, target, name) {
        return true;
    }
    entry.extractor != "javascript"
        && (entry
            .facts
            .imports
            .iter()
            .any(|i| i.names.iter().any(|n| n == name))
            || is_submodule(p, target, name))
}

/// Whether `target`, or a file it re-exports with `export *`, exports or defines `name`.
fn exports_through_stars(p: Project<'_>, target: &str, name: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![target.to_owned()];
    while let Some(file) = todo.pop() {
        if seen.len() > MAX_HOPS || !seen.insert(file.clone()) {
            continue;
        }
        let Some(facts) = p.facts(&file) else {
            continue;
        };
        if facts.exports.iter().any(|e| e.name == name)
            || (name != "default" && facts.symbols.iter().any(|s| s.name == name))
        {
            return true;
        }
        let stars = facts
            .imports
            .iter()
            .filter(|i| i.kind == ImportKind::ReExport && i.names.iter().any(|n| n == "*"));
        todo.extend(stars.filter_map(|i| i.resolved.clone()));
    }
    false
}

/// Whether `name` is a Python or Rust module next to (or under) `target`.
fn is_submodule(p: Project<'_>, target: &str, name: &str) -> bool {
    let (dir, file) = target.rsplit_once('/').unwrap_or(("", target));
    let own = file.split('.').next().unwrap_or(file);
    let mut dirs = vec![dir.to_owned()];
    if !["__init__", "mod", "lib", "main"].contains(&own) {
        dirs.push(if dir.is_empty() {
            own.to_owned()
        } else {
            format!("{dir}/{own}")
        });
    }
    dirs.iter().any(|d| {
        let prefix = if d.is_empty() {
            String::new()
        } else {
            format!("{d}/")
        };
        ["py", "rs"]
            .iter()
            .any(|ext| p.is_known(&format!("{prefix}{name}.{ext}")))
            || p.is_known(&format!("{prefix}{name}/__init__.py"))
            || p.is_known(&format!("{prefix}{name}/mod.rs"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use ImportKind::*;

    fn run(world: &World, file: Option<&str>) -> Result<Validation, ToolError> {
        let args = ValidateArgs {
            file_path: file.map(str::to_owned),
        };
        validate_imports(&ctx(world), args)
    }

    #[test]
    fn the_fixture_is_valid() {
        let v = run(&js_basic_world(), None).unwrap();
        assert!(v.valid);
        assert_eq!(v.checked_files, 6);
        let v = run(&js_basic_world(), Some("./src/index.js")).unwrap();
        assert_eq!(v.file_path.as_deref(), Some("src/index.js"));
        assert_eq!(v.checked_files, 1);
    }

    /// `main.js` imports a missing file, a missing name, a default from a file without one,
    /// a name re-exported through `export *`, a type, and a package.
    fn broken_world() -> World {
        world_of(vec![
            (
                "main.js",
                facts(
                    vec![
                        imp("./gone", None, &["x"], Static, 1),
                        imp("./lib", Some("lib.js"), &["a", "nope"], Static, 2),
                        imp("./lib", Some("lib.js"), &["default"], Static, 3),
                        imp("./barrel", Some("barrel.js"), &["a", "zzz"], Static, 4),
                        imp("./lib", Some("lib.js"), &["SomeType"], Type, 5),
                        imp("react", None, &["default"], Static, 6),
                        imp("./cyc", Some("cyc.js"), &["*"], Static, 7),
                    ],
                    vec![],
                    vec![],
                    vec![],
                    7,
                ),
            ),
            (
                "lib.js",
                facts(vec![], vec![exp("a", None, 1)], vec![], vec![], 1),
            ),
            (
                "barrel.js",
                facts(
                    vec![imp("./lib", Some("lib.js"), &["*"], ReExport, 1)],
                    vec![],
                    vec![],
                    vec![],
                    1,
                ),
            ),
            ("cyc.js", imports_only(&[("./cyc2", Some("cyc2.js"))])),
            ("cyc2.js", imports_only(&[("./cyc", Some("cyc.js"))])),
        ])
    }

    #[test]
    fn unresolved_files_and_missing_names_are_reported_and_the_rest_skipped() {
        let v = run(&broken_world(), Some("main.js")).unwrap();
        assert!(!v.valid);
        let specs: Vec<&str> = v.unresolved.iter().map(|u| u.specifier.as_str()).collect();
        assert_eq!(specs, vec!["./gone"]);
        let names: Vec<(u32, &str)> = v
            .missing_names
            .iter()
            .map(|m| (m.line, m.name.as_str()))
            .collect();
        assert_eq!(names, vec![(2, "nope"), (3, "default"), (4, "zzz")]);
        assert!(v.cycles.is_empty());
    }

    #[test]
    fn cycles_are_those_of_the_file_or_all() {
        let w = broken_world();
        let v = run(&w, Some("cyc.js")).unwrap();
        assert_eq!(v.cycles, vec![vec!["cyc.js".to_owned(), "cyc2.js".into()]]);
        assert!(v.missing_names.is_empty());
        let all = run(&w, None).unwrap();
        assert_eq!(all.cycles.len(), 1);
        assert_eq!(all.checked_files, 5);
    }

    #[test]
    fn python_names_imported_by_a_package_or_naming_a_submodule_pass() {
        let w = world_with(
            "python",
            vec![
                (
                    "app.py",
                    facts(
                        vec![imp(
                            ".pkg",
                            Some("pkg/__init__.py"),
                            &["thing", "sub", "bad"],
                            Static,
                            1,
                        )],
                        vec![],
                        vec![],
                        vec![],
                        1,
                    ),
                ),
                (
                    "pkg/__init__.py",
                    facts(
                        vec![imp(".sub", Some("pkg/sub.py"), &["thing"], Static, 1)],
                        vec![],
                        vec![],
                        vec![],
                        1,
                    ),
                ),
                (
                    "pkg/sub.py",
                    facts(vec![], vec![exp("thing", None, 1)], vec![], vec![], 1),
                ),
            ],
        );
        let v = run(&w, Some("app.py")).unwrap();
        let names: Vec<&str> = v.missing_names.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, vec!["bad"]);
    }

    #[test]
    fn bad_paths_are_errors() {
        let w = js_basic_world();
        assert!(run(&w, Some("src/nope.js")).is_err());
        let e = run(&w, Some("../x")).err().unwrap();
        assert!(e.message.contains("is outside the project"));
    }
}
