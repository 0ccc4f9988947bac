//! `find_references`: every import, call, re-export, export and use as a value of a symbol
//! across the project.
//!
//! An import is listed on the line of each local name it binds to the symbol (a multi-line
//! `const {\n a,\n b\n} = require()` gives `a`'s and `b`'s lines), or on its own line where the
//! facts hold no bindings; a whole-module `require` of a module whose default export is the
//! symbol is a reference too. An export written as a name (`module.exports = f`,
//! `exports.f = f`, `module.exports = { f }`, `export { f }`) is an `export` reference, and a
//! name used without being called (passed, assigned, returned, `this.m` read) a `value`
//! reference, both resolved like calls ([`crate::target`]): a method read through a typed
//! object (`theme.get_style`) by its receiver, with the confidence a call there would have.
//!
//! With `filePath`, the symbol is the one that file defines or exports (followed through
//! re-exports). Without it, every symbol of that name (or method short name) and every exported
//! value of that name is a definition, and imports of the name from outside the project are
//! listed too, unresolved. Namespace imports (`import * as ns`) are not references by
//! themselves; the calls made through them are.

use std::collections::{BTreeSet, HashMap};

use omnysys_api::paths::{closest, shorten};
use omnysys_api::prelude::*;

use crate::bindings::site;
use crate::calls::{CalleeFilter, IncomingCall, callers_admitted, files_that_can_call};
use crate::name_only::name_only_callers;
use crate::overrides::{MethodDefinition, links_of};
use crate::project::{
    MAX_ENTRIES, PageRequest, Project, exported_as, paginate, short_name, symbols_named,
    unknown_symbol,
};
use crate::resolve::{Confidence, SymbolRef, resolve_export};
use crate::target;

/// Arguments of `find_references`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReferencesArgs {
    /// The symbol (function, class, method or exported value); at most 512 characters.
    #[schemars(length(max = 512))]
    pub symbol_name: String,
    /// The file defining it, relative to the project root; all definitions when absent.
    pub file_path: Option<String>,
    /// The `nextCursor` of the previous page, to continue the references.
    pub cursor: Option<String>,
    /// The most references per page (1 to 200, default 200).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// Also list the method calls `x.m()` whose receiver's type stays unknown and whose method
    /// is named like the symbol, marked `confidence: "name-only"` (default false: only what the
    /// resolution rules find).
    #[serde(default)]
    pub include_name_only: bool,
}

/// What kind of reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// `import {x} from`, `import x from`.
    Import,
    /// `import type {x} from`, a JSDoc `@typedef {import("./x")} X`.
    TypeImport,
    /// `require()` naming it.
    Require,
    /// `import()`.
    DynamicImport,
    /// `export {x} from`, `export * from`.
    ReExport,
    /// A call that resolves to it.
    Call,
    /// An export of it written as a name (`module.exports = f`, `export {f}`).
    Export,
    /// A use as a value, not called (`sort(compareIds)`, `return f`, `this.m` read).
    Value,
}

/// One reference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = crate::resolve::left_out_when_exact)]
pub struct Reference {
    /// The referring file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// Import, re-export, call, export or value.
    pub kind: RefKind,
    /// The specifier (imports), the callee or name as written (calls, values), the exported
    /// name (exports).
    pub text: String,
    /// The definition it refers to; `null` for imports from outside the project.
    pub target: Option<SymbolRef>,
    /// `inferred` for a call through a receiver's inferred type, `name-only` for a call matched
    /// by the method's name alone (`includeNameOnly`); `exact` left out.
    #[serde(skip_serializing_if = "Confidence::is_exact")]
    pub confidence: Confidence,
}

/// Result of `find_references`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct References {
    /// The name asked about.
    pub symbol_name: String,
    /// The definitions whose references are listed.
    pub definitions: Vec<SymbolRef>,
    /// This page of the references, ordered by file, line and kind.
    pub references: Vec<Reference>,
    /// How many references there are in all.
    pub total: usize,
    /// The cursor of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// The base methods a method among the definitions redefines (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<MethodDefinition>,
    /// The methods of subclasses (and Rust trait impls) redefining a method among the
    /// definitions, transitively (absent when none); not in `references`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden_by: Vec<MethodDefinition>,
}

/// The tool.
pub fn find_references(
    ctx: &ToolContext<'_>,
    args: ReferencesArgs,
) -> Result<References, ToolError> {
    tool_support::check_name("symbolName", &args.symbol_name)?;
    let p = Project::of(ctx);
    let name = args.symbol_name.as_str();
    let (definitions, mut found) = match &args.file_path {
        Some(raw) => (definitions_in(p, raw, name)?, BTreeSet::new()),
        None => (definitions_everywhere(p, name)?, external_imports(p, name)),
    };
    for target in &definitions {
        found.extend(references_to(p, target));
        if args.include_name_only {
            let calls = name_only_callers(p, target).into_iter();
            found.extend(calls.map(|c| call_reference(target, c)));
        }
    }
    let links = links_of(p, &definitions);
    let total = found.len();
    let request = PageRequest::new(args.cursor.as_deref(), args.limit);
    let query = format!("find_references {name} {:?}", args.file_path);
    let page = paginate(found.into_iter().collect(), request, &query, MAX_ENTRIES)?;
    Ok(References {
        symbol_name: args.symbol_name,
        definitions,
        references: page.items,
        total,
        next_cursor: page.next_cursor,
        overrides: links.overrides,
        overridden_by: links.overridden_by,
    })
}

/// The symbol `name` as the file `raw` defines or exports it: every method of the file with that
/// short name when it names several (`area` of `Shape.area` and `Square.area`).
fn definitions_in(p: Project<'_>, raw: &str, name: &str) -> Result<Vec<SymbolRef>, ToolError> {
    let (file, facts) = p.file(raw)?;
    let symbols = symbols_named(facts, name);
    if !symbols.is_empty() {
        return Ok(symbols
            .iter()
            .map(|s| SymbolRef::new(&file, &s.name))
            .collect());
    }
    let export = resolve_export(p, &file, name).ok_or_else(|| unknown_symbol(facts, &file, name));
    Ok(vec![export?])
}

/// Every symbol named `name` (or method `X.name`) and every exported value `name`.
fn definitions_everywhere(p: Project<'_>, name: &str) -> Result<Vec<SymbolRef>, ToolError> {
    let mut found = BTreeSet::new();
    for (file, facts) in p.files() {
        let symbols = facts
            .symbols
            .iter()
            .filter(|s| s.name == name || short_name(&s.name) == name);
        found.extend(symbols.map(|s| SymbolRef::new(file, &s.name)));
        if facts
            .exports
            .iter()
            .any(|e| e.name == name && name != "default")
        {
            found.extend(resolve_export(p, file, name).filter(|t| t.file == file));
        }
    }
    if found.is_empty() && !imported_from_outside(p, name) {
        return Err(ToolError::not_found(
            format!("no symbol `{}` in the project", shorten(name)),
            closest(name, all_names(p)),
        ));
    }
    Ok(found.into_iter().collect())
}

/// Whether some file imports `name` from outside the project.
fn imported_from_outside(p: Project<'_>, name: &str) -> bool {
    !external_imports(p, name).is_empty()
}

/// Every symbol and export name of the project, once each.
fn all_names(p: Project<'_>) -> Vec<&str> {
    let mut names = BTreeSet::new();
    for (_, facts) in p.files() {
        names.extend(facts.symbols.iter().map(|s| s.name.as_str()));
        names.extend(facts.exports.iter().map(|e| e.name.as_str()));
    }
    names.into_iter().collect()
}

/// Imports of `name` by name from packages outside the project.
fn external_imports(p: Project<'_>, name: &str) -> BTreeSet<Reference> {
    let mut found = BTreeSet::new();
    for (file, facts) in p.files() {
        let external = facts.imports.iter().filter(|i| i.resolved.is_none());
        for import in external.filter(|i| i.names.iter().any(|n| n == name)) {
            found.insert(import_reference(file, import, None));
        }
    }
    found
}

/// The imports, re-exports, exports, values and calls that reach `target`.
fn references_to(p: Project<'_>, target: &SymbolRef) -> BTreeSet<Reference> {
    let mut found = BTreeSet::new();
    let names = exported_names(p, target);
    let filter = CalleeFilter::for_target(p, target);
    for file in files_that_can_call(p, &target.file) {
        let Some(facts) = p.facts(&file) else {
            continue;
        };
        for import in &facts.imports {
            found.extend(
                import_lines(p, import, &names, target).map(|line| Reference {
                    line,
                    ..import_reference(&file, import, Some(target))
                }),
            );
        }
        found.extend(named_uses(p, &file, facts, target, &filter));
    }
    found.extend(type_aliases_of(p, target));
    found.extend(
        callers_admitted(p, target, &filter)
            .into_iter()
            .map(|c| call_reference(target, c)),
    );
    found
}

/// The call `c` to `target` as a reference.
fn call_reference(target: &SymbolRef, c: IncomingCall) -> Reference {
    Reference {
        file: c.file,
        line: c.line,
        kind: RefKind::Call,
        text: c.callee,
        target: Some(target.clone()),
        confidence: c.confidence,
    }
}

/// Type aliases naming `target` (`/** @typedef {import("./memoize")} Memoize */`): a module's
/// own export when the alias names no member, else the member. Aliases make no import edge, so
/// every file is looked at; each `(module, name)` is resolved once (a module's typedefs are
/// repeated in most of the files using it).
fn type_aliases_of(p: Project<'_>, target: &SymbolRef) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut leads: HashMap<(&str, &str), bool> = HashMap::new();
    for (file, facts) in p.files() {
        for alias in &facts.types {
            let (Some(spec), Some(from)) = (&alias.specifier, alias.resolved.as_deref()) else {
                continue;
            };
            let name = alias.targets.first().map_or("default", String::as_str);
            let reaches = *leads
                .entry((from, name))
                .or_insert_with(|| resolve_export(p, from, name).as_ref() == Some(target));
            if reaches {
                found.push(Reference {
                    file: file.to_owned(),
                    line: alias.line,
                    kind: RefKind::TypeImport,
                    text: spec.clone(),
                    target: Some(target.clone()),
                    confidence: Confidence::Exact,
                });
            }
        }
    }
    found
}

/// The names `target` can be imported under: its own and its file's export names for it.
fn exported_names(p: Project<'_>, target: &SymbolRef) -> Vec<String> {
    let mut names = vec![target.symbol.clone()];
    if let Some(facts) = p.facts(&target.file) {
        names.extend(exported_as(facts, &target.symbol));
    }
    names
}

/// The lines on which `import` brings in `target`: by a name it lists, as a `*` re-export, or
/// as a whole-module `require` bound to a name, of the module whose default export it is; each on the lines of
/// the local names bound to it, else on the import's line.
fn import_lines(
    p: Project<'_>,
    import: &Import,
    names: &[String],
    target: &SymbolRef,
) -> impl Iterator<Item = u32> {
    let mut lines = BTreeSet::new();
    if let Some(from) = import.resolved.as_deref() {
        let leads = |name: &str| resolve_export(p, from, name).as_ref() == Some(target);
        for n in &import.names {
            let reached = match n.as_str() {
                "*" if import.kind == ImportKind::ReExport => names.iter().any(|n| leads(n)),
                "*" => is_bound_require(import) && leads("default"),
                named => leads(named),
            };
            if reached {
                lines.extend(binding_lines(import, n));
            }
        }
    }
    lines.into_iter()
}

/// A whole-module `require` bound to a local name (`const x = require()`, not
/// `() => require()`).
fn is_bound_require(import: &Import) -> bool {
    import.kind == ImportKind::Require && import.bindings.iter().any(|b| b.name == "*")
}

/// The lines of the local names `import` binds to its name `name`, else the import's line.
fn binding_lines(import: &Import, name: &str) -> Vec<u32> {
    let bound: Vec<u32> = import
        .bindings
        .iter()
        .filter(|b| b.name == name)
        .map(|b| b.line)
        .collect();
    if bound.is_empty() {
        vec![import.line]
    } else {
        bound
    }
}

/// A name written in a file (an export by name or a use as a value), to resolve like a call
/// (through its receiver too: `theme.get_style` read from a typed `theme`).
struct NamedUse {
    kind: RefKind,
    /// The site to resolve: the local name, `C.m` for `C.prototype.m`.
    site: CallSite,
    /// As written.
    text: String,
}

/// The exports written as a name and the uses as a value in `file` that resolve to `target`.
fn named_uses(
    p: Project<'_>,
    file: &str,
    facts: &FileFacts,
    target: &SymbolRef,
    filter: &CalleeFilter,
) -> Vec<Reference> {
    let exports = facts.exports.iter().filter(|e| e.by_name).map(|e| {
        let local = e.local.as_deref().unwrap_or(&e.name);
        NamedUse {
            kind: RefKind::Export,
            site: site(None, local, e.line),
            text: e.name.clone(),
        }
    });
    let values = facts.references.iter().map(|r| NamedUse {
        kind: RefKind::Value,
        site: CallSite {
            receiver: r.receiver.clone(),
            ..site(
                r.caller.clone(),
                &r.name.replace(".prototype.", "."),
                r.line,
            )
        },
        text: r.name.clone(),
    });
    exports
        .chain(values)
        .filter(|u| filter.admits(&u.site.callee))
        .filter_map(|u| {
            let resolution = target::resolve(p, file, &u.site);
            (resolution.target.as_ref() == Some(target)).then(|| Reference {
                file: file.to_owned(),
                line: u.site.line,
                kind: u.kind,
                text: u.text,
                target: Some(target.clone()),
                confidence: resolution.via.confidence(),
            })
        })
        .collect()
}

/// A reference for an import line.
fn import_reference(file: &str, import: &Import, target: Option<&SymbolRef>) -> Reference {
    let kind = match import.kind {
        ImportKind::Static => RefKind::Import,
        ImportKind::Type => RefKind::TypeImport,
        ImportKind::Require => RefKind::Require,
        ImportKind::Dynamic => RefKind::DynamicImport,
        ImportKind::ReExport => RefKind::ReExport,
    };
    Reference {
        file: file.to_owned(),
        line: import.line,
        kind,
        text: import.specifier.clone(),
        target: target.cloned(),
        confidence: Confidence::Exact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn refs(world: &World, name: &str, file: Option<&str>) -> Result<References, ToolError> {
        let args = ReferencesArgs {
            symbol_name: name.into(),
            file_path: file.map(str::to_owned),
            cursor: None,
            limit: None,
            include_name_only: false,
        };
        find_references(&ctx(world), args)
    }

    fn rows(r: &References) -> Vec<(&str, u32, RefKind, &str)> {
        r.references
            .iter()
            .map(|x| (x.file.as_str(), x.line, x.kind, x.text.as_str()))
            .collect()
    }

    #[test]
    fn imports_reexports_and_calls_through_a_barrel() {
        let w = shapes_world();
        let r = refs(&w, "log", Some("src/log.js")).unwrap();
        assert_eq!(r.definitions, vec![SymbolRef::new("src/log.js", "log")]);
        assert_eq!(
            rows(&r),
            vec![
                ("src/index.js", 2, RefKind::ReExport, "./log"),
                ("src/main.js", 1, RefKind::Import, "./index"),
                ("src/main.js", 4, RefKind::Call, "log"),
                ("src/main.js", 4, RefKind::Call, "logger.log"),
                ("src/shapes.js", 1, RefKind::Import, "./log"),
                ("src/shapes.js", 6, RefKind::Call, "log"),
            ]
        );
        assert_eq!((r.total, r.next_cursor), (6, None));
    }

    #[test]
    fn a_default_export_is_referenced_by_its_default_import() {
        let w = js_basic_world();
        let r = refs(&w, "router", None).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                ("src/index.js", 2, RefKind::Import, "./router"),
                ("src/index.js", 6, RefKind::Call, "router")
            ]
        );
    }

    #[test]
    fn requires_exported_values_and_external_names() {
        let w = js_basic_world();
        let r = refs(&w, "helper", None).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                ("src/app.js", 1, RefKind::Import, "./util"),
                ("src/app.js", 4, RefKind::Call, "helper"),
                ("src/index.js", 6, RefKind::Call, "util.helper"),
            ]
        );
        let r = refs(&w, "Options", Some("src/types.ts")).unwrap();
        assert_eq!(
            rows(&r),
            vec![("src/config.ts", 1, RefKind::TypeImport, "./types")]
        );
        let s = shapes_world();
        let r = refs(&s, "default", None).unwrap();
        assert_eq!(
            rows(&r),
            vec![("src/shapes.js", 2, RefKind::Import, "lodash")]
        );
        assert_eq!(
            (r.definitions.len(), r.references[0].target.as_ref()),
            (0, None)
        );
    }

    #[test]
    fn bindings_exports_values_and_own_export_calls_each_on_their_line() {
        let w = commonjs_world();
        let r = refs(&w, "compareIds", Some("lib/comparators.js")).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                ("lib/comparators.js", 5, RefKind::Export, "compareIds"),
                (
                    "lib/comparators.js",
                    8,
                    RefKind::Call,
                    "module.exports.compareIds"
                ),
                ("lib/user.js", 2, RefKind::Require, "./comparators"),
                ("lib/user.js", 5, RefKind::Value, "compareIds"),
            ]
        );
        let r = refs(&w, "compareSelect", Some("lib/comparators.js")).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                ("lib/comparators.js", 4, RefKind::Call, "compareSelect"),
                ("lib/comparators.js", 6, RefKind::Export, "compareSelect"),
                ("lib/user.js", 3, RefKind::Require, "./comparators"),
                ("lib/user.js", 5, RefKind::Call, "select"),
            ]
        );
        let r = refs(&w, "compareRuntime", Some("lib/comparators.js")).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                ("lib/comparators.js", 4, RefKind::Value, "compareRuntime"),
                ("lib/comparators.js", 7, RefKind::Export, "compareRuntime"),
            ]
        );
    }

    #[test]
    fn a_whole_module_require_of_a_default_export_is_a_reference() {
        let w = commonjs_world();
        let r = refs(&w, "memoize", Some("lib/memoize.js")).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                ("lib/identifier.js", 1, RefKind::Require, "./memoize"),
                ("lib/identifier.js", 2, RefKind::Call, "memoize"),
                ("lib/memoize.js", 2, RefKind::Export, "default"),
                ("lib/use.js", 2, RefKind::Require, "./memoize"),
                ("lib/use.js", 3, RefKind::Call, "cached"),
            ]
        );
    }

    #[test]
    fn a_jsdoc_typedef_importing_a_module_is_a_reference_to_its_default_export() {
        let w = receivers_world();
        let r = refs(&w, "Graph", Some("lib/graph.js")).unwrap();
        let typedefs: Vec<_> = rows(&r)
            .into_iter()
            .filter(|row| row.2 == RefKind::TypeImport)
            .collect();
        assert_eq!(
            typedefs,
            [("lib/compilation.js", 1, RefKind::TypeImport, "./graph")]
        );
    }

    #[test]
    fn unknown_symbols_get_close_matches() {
        let w = js_basic_world();
        let e = refs(&w, "helpr", None).err().unwrap();
        assert_eq!(e.suggestions[0], "helper");
        let e = refs(&w, "helpr", Some("src/util.js")).err().unwrap();
        assert_eq!(
            (e.message.as_str(), e.suggestions[0].as_str()),
            ("no symbol `helpr` in `src/util.js`", "helper")
        );
    }

    #[test]
    fn a_megabyte_symbol_name_is_refused_at_once_quoting_only_its_start() {
        let w = js_basic_world();
        let started = std::time::Instant::now();
        let e = refs(&w, &"h".repeat(1 << 20), None).err().unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(e.kind, omnysys_api::tool::ToolErrorKind::InvalidArguments);
        assert!(e.message.starts_with("`symbolName` has 1048576 characters"));
        assert!(e.message.len() < 200, "{}", e.message);
    }

    #[test]
    fn an_unknown_name_within_the_bound_is_quoted_short() {
        let e = refs(&js_basic_world(), &"q".repeat(500), None)
            .err()
            .unwrap();
        assert!(e.message.len() < 200, "{}", e.message);
    }

    #[test]
    fn the_schema_tells_clients_the_name_bound() {
        let schema = omnysys_api::serde_json::to_value(schemars::schema_for!(ReferencesArgs));
        let bound = &schema.unwrap()["properties"]["symbolName"]["maxLength"];
        assert_eq!(bound.as_u64(), Some(tool_support::MAX_NAME_CHARS as u64));
    }
}
