//! `get_atomic_functions`: every function and method of a file with its metadata.

use omnysys_api::prelude::*;

use crate::calls::callers_by_symbol;
use crate::details::COMPLEXITY_NOTE;
use crate::project::{MAX_ENTRIES, PageRequest, Project, paginate};

/// Arguments of `get_atomic_functions`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AtomicArgs {
    /// The file, relative to the project root.
    pub file_path: String,
    /// The `nextCursor` of the previous page, to continue the functions.
    pub cursor: Option<String>,
    /// The most functions per page (1 to 200, default 200).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

/// One function or method.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AtomicFunction {
    /// Its name (`Class.method` for methods).
    pub name: String,
    /// `function` or `method`.
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
    /// Whether it is `async`.
    pub is_async: bool,
    /// 1 + the number of call sites inside it.
    pub complexity: usize,
    /// Number of call sites inside it.
    pub calls: usize,
    /// Number of calls in the project that resolve to it.
    pub callers: usize,
}

/// Result of `get_atomic_functions`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AtomicFunctions {
    /// The file.
    pub file_path: String,
    /// This page of the functions and methods, in source order.
    pub functions: Vec<AtomicFunction>,
    /// How many there are in all.
    pub total: usize,
    /// How `complexity` is computed.
    pub complexity_note: String,
    /// The cursor of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The tool.
pub fn get_atomic_functions(
    ctx: &ToolContext<'_>,
    args: AtomicArgs,
) -> Result<AtomicFunctions, ToolError> {
    let p = Project::of(ctx);
    let (file, facts) = p.file(&args.file_path)?;
    let callers = callers_by_symbol(p, &file);
    let functions: Vec<AtomicFunction> = facts
        .symbols
        .iter()
        .filter(|s| s.kind != SymbolKind::Class)
        .map(|s| describe(facts, s, callers.get(&s.name).map_or(0, Vec::len)))
        .collect();
    let total = functions.len();
    let request = PageRequest::new(args.cursor.as_deref(), args.limit);
    let query = format!("get_atomic_functions {file}");
    let page = paginate(functions, request, &query, MAX_ENTRIES)?;
    Ok(AtomicFunctions {
        file_path: file,
        functions: page.items,
        total,
        complexity_note: COMPLEXITY_NOTE.to_owned(),
        next_cursor: page.next_cursor,
    })
}

/// The metadata of one function.
fn describe(facts: &FileFacts, s: &Symbol, callers: usize) -> AtomicFunction {
    let calls = facts
        .calls
        .iter()
        .filter(|c| c.caller.as_deref() == Some(s.name.as_str()))
        .count();
    AtomicFunction {
        name: s.name.clone(),
        kind: s.kind,
        start_line: s.start_line,
        end_line: s.end_line,
        lines: s.end_line + 1 - s.start_line.min(s.end_line),
        params: s.params.clone(),
        exported: s.exported,
        is_async: s.is_async,
        complexity: 1 + calls,
        calls,
        callers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn atomic(world: &World, file: &str) -> Result<AtomicFunctions, ToolError> {
        get_atomic_functions(
            &ctx(world),
            AtomicArgs {
                file_path: file.into(),
                cursor: None,
                limit: None,
            },
        )
    }

    #[test]
    fn every_method_and_function_with_counts() {
        let w = shapes_world();
        let a = atomic(&w, "src/shapes.js").unwrap();
        let rows: Vec<(&str, usize, usize, usize)> = a
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.complexity, f.calls, f.callers))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Shape.constructor", 1, 0, 0),
                ("Shape.area", 1, 0, 1),
                ("Shape.describe", 4, 3, 0),
                ("Shape.create", 2, 1, 1),
                ("makeShape", 3, 2, 1),
            ]
        );
        assert_eq!((a.total, a.next_cursor), (5, None));
    }

    #[test]
    fn async_flags_and_a_file_without_functions() {
        let w = shapes_world();
        let a = atomic(&w, "src/main.js").unwrap();
        assert!(a.functions[0].is_async);
        assert_eq!(a.functions[0].callers, 1);
        let a = atomic(&w, "src/index.js").unwrap();
        assert_eq!(a.total, 0);
        assert!(atomic(&w, "/etc/passwd").is_err());
    }
}
