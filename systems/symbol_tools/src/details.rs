//! `get_function_details`: one function's lines, signature, flags, complexity, calls and callers.

use omnysys_api::prelude::*;

use crate::calls::{IncomingCall, OutgoingCall, callers_of, calls_inside};
use crate::name_only::name_only_callers;
use crate::overrides::{MethodDefinition, links_of};
use crate::project::{Project, cap, exported_as, find_symbol};
use crate::resolve::{SymbolRef, resolve_export};

/// How complexity is computed, repeated in every answer.
pub const COMPLEXITY_NOTE: &str = "complexity = 1 + the number of call sites inside the function (branch counts are not in the index)";

/// Arguments of `get_function_details`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetailsArgs {
    /// The file, relative to the project root.
    pub file_path: String,
    /// The function, method (`Class.method`, or `method` when unique) or class; at most 512 characters.
    #[schemars(length(max = 512))]
    pub function_name: String,
    /// Also list among `callers` the method calls `x.m()` whose receiver's type stays unknown
    /// and whose method is named like it, marked `confidence: "name-only"` (default false).
    #[serde(default)]
    pub include_name_only: bool,
}

/// Result of `get_function_details`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDetails {
    /// The file.
    pub file_path: String,
    /// The symbol's full name.
    pub function_name: String,
    /// `function`, `method` or `class`.
    pub kind: SymbolKind,
    /// 1-based first line.
    pub start_line: u32,
    /// 1-based last line.
    pub end_line: u32,
    /// Number of lines it spans.
    pub lines: u32,
    /// Parameter names in order.
    pub params: Vec<String>,
    /// Whether the file exports it.
    pub exported: bool,
    /// The names it is exported under (`default` included).
    pub exported_as: Vec<String>,
    /// Whether it is `async`.
    pub is_async: bool,
    /// 1 + the number of call sites inside it.
    pub complexity: usize,
    /// How `complexity` is computed.
    pub complexity_note: String,
    /// The calls it makes, in source order, resolved or marked unresolved.
    pub calls: Vec<OutgoingCall>,
    /// The calls in the project that resolve to it.
    pub callers: Vec<IncomingCall>,
    /// Whether `calls` or `callers` was cut to 200 entries.
    pub truncated: bool,
    /// The base methods this method redefines (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<MethodDefinition>,
    /// The methods of subclasses (and Rust trait impls) redefining this method, transitively
    /// (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden_by: Vec<MethodDefinition>,
}

/// The tool.
pub fn get_function_details(
    ctx: &ToolContext<'_>,
    args: DetailsArgs,
) -> Result<FunctionDetails, ToolError> {
    tool_support::check_name("functionName", &args.function_name)?;
    let p = Project::of(ctx);
    let (file, facts) = p.file(&args.file_path)?;
    let symbol = match find_symbol(facts, &file, &args.function_name) {
        Ok(symbol) => symbol,
        Err(e) => return exported_value(p, &file, facts, &args.function_name).ok_or(e),
    };
    let calls = calls_inside(p, &file, facts, &symbol.name);
    let complexity = 1 + calls.len();
    let (calls, calls_cut) = cap(calls);
    let target = SymbolRef::new(&file, &symbol.name);
    let (callers, callers_cut) = cap(callers_with(p, &target, args.include_name_only));
    let links = links_of(p, std::slice::from_ref(&target));
    Ok(FunctionDetails {
        function_name: symbol.name.clone(),
        kind: symbol.kind,
        start_line: symbol.start_line,
        end_line: symbol.end_line,
        lines: symbol.end_line + 1 - symbol.start_line.min(symbol.end_line),
        params: symbol.params.clone(),
        exported: symbol.exported,
        exported_as: exported_as(facts, &symbol.name),
        is_async: symbol.is_async,
        complexity,
        complexity_note: COMPLEXITY_NOTE.to_owned(),
        calls,
        callers,
        truncated: calls_cut || callers_cut,
        file_path: file,
        overrides: links.overrides,
        overridden_by: links.overridden_by,
    })
}

/// The callers of `target`, with the name-only ones when asked, ordered by file and line.
fn callers_with(p: Project<'_>, target: &SymbolRef, name_only: bool) -> Vec<IncomingCall> {
    let mut callers = callers_of(p, target);
    if name_only {
        callers.extend(name_only_callers(p, target));
        callers.sort();
    }
    callers
}

/// The details of a value the file exports without defining a symbol for it
/// (`module.exports.f = make(..)`): its export line, the module-level calls on that line, and
/// the calls that resolve to it. Reported as a function: what is exported is called elsewhere,
/// or asked about as a function.
fn exported_value(
    p: Project<'_>,
    file: &str,
    facts: &FileFacts,
    name: &str,
) -> Option<FunctionDetails> {
    let export = facts.exports.iter().find(|e| e.name == name)?;
    let target = resolve_export(p, file, name).filter(|t| t.file == file)?;
    let line = export.line;
    let calls: Vec<OutgoingCall> = facts
        .calls
        .iter()
        .filter(|c| c.caller.is_none() && c.line == line)
        .map(|c| OutgoingCall::of(p, file, c))
        .collect();
    let (callers, truncated) = cap(callers_of(p, &target));
    Some(FunctionDetails {
        file_path: file.to_owned(),
        function_name: target.symbol.clone(),
        kind: SymbolKind::Function,
        start_line: line,
        end_line: line,
        lines: 1,
        params: Vec::new(),
        exported: true,
        exported_as: exported_as(facts, &target.symbol),
        is_async: false,
        complexity: 1 + calls.len(),
        complexity_note: COMPLEXITY_NOTE.to_owned(),
        calls,
        callers,
        truncated,
        overrides: Vec::new(),
        overridden_by: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Via;
    use crate::testkit::*;

    fn details(world: &World, file: &str, name: &str) -> Result<FunctionDetails, ToolError> {
        let args = DetailsArgs {
            file_path: file.into(),
            function_name: name.into(),
            include_name_only: false,
        };
        get_function_details(&ctx(world), args)
    }

    #[test]
    fn a_function_with_calls_and_callers() {
        let w = js_basic_world();
        let d = details(&w, "./src/app.js", "createApp").unwrap();
        assert_eq!(
            (d.file_path.as_str(), d.start_line, d.end_line, d.lines),
            ("src/app.js", 3, 5, 3)
        );
        assert_eq!((d.exported, d.is_async, d.complexity), (true, false, 2));
        assert_eq!(d.exported_as, vec!["createApp"]);
        assert_eq!(d.calls.len(), 1);
        assert_eq!(
            d.calls[0].target,
            Some(SymbolRef::new("src/util.js", "helper"))
        );
        let callers: Vec<(&str, u32)> = d
            .callers
            .iter()
            .map(|c| (c.file.as_str(), c.line))
            .collect();
        assert_eq!(
            callers,
            vec![("src/index.js", 6), ("src/router/index.js", 4)]
        );
        assert!(!d.truncated);
    }

    #[test]
    fn a_default_exported_function_and_a_method_by_its_short_name() {
        let w = js_basic_world();
        let d = details(&w, "src/router/index.js", "router").unwrap();
        assert_eq!(d.exported_as, vec!["default"]);
        assert_eq!(d.callers[0].callee, "router");
        let s = shapes_world();
        let d = details(&s, "src/shapes.js", "describe").unwrap();
        assert_eq!(
            (d.function_name.as_str(), d.kind, d.complexity),
            ("Shape.describe", SymbolKind::Method, 4)
        );
        let vias: Vec<Via> = d.calls.iter().map(|c| c.via).collect();
        assert_eq!(vias, vec![Via::NamedImport, Via::ThisClass, Via::External]);
        assert!(d.callers.is_empty(), "`s.describe` is a call on a value");
        let d = details(&s, "src/shapes.js", "create").unwrap();
        assert_eq!(d.callers[0].caller.as_deref(), Some("makeShape"));
    }

    #[test]
    fn an_exported_value_without_a_symbol_has_details_from_its_export() {
        let w = commonjs_world();
        let d = details(&w, "lib/identifier.js", "makePathsRelative").unwrap();
        assert_eq!(
            (d.function_name.as_str(), d.start_line, d.exported),
            ("makePathsRelative", 2, true)
        );
        assert_eq!(
            d.calls[0].target,
            Some(SymbolRef::new("lib/memoize.js", "memoize"))
        );
        let callers: Vec<(&str, u32)> = d
            .callers
            .iter()
            .map(|c| (c.file.as_str(), c.line))
            .collect();
        assert_eq!(callers, vec![("lib/use.js", 3)]);
    }

    #[test]
    fn unknown_files_and_symbols_get_suggestions_and_outside_paths_are_refused() {
        let w = js_basic_world();
        let e = details(&w, "src/ap.js", "createApp").err().unwrap();
        assert_eq!(e.suggestions[0], "src/app.js");
        let e = details(&w, "src/app.js", "createAp").err().unwrap();
        assert_eq!(e.kind, omnysys_api::tool::ToolErrorKind::NotFound);
        assert_eq!(e.message, "no symbol `createAp` in `src/app.js`");
        assert_eq!(e.suggestions, vec!["createApp"]);
        let e = details(&w, "../x.js", "f").err().unwrap();
        assert_eq!(e.message, "`../x.js` is outside the project");
    }
}
