//! `get_molecule_summary`: a file's outline — imports, exports, functions and classes.

use std::collections::{HashMap, HashSet};

use omnysys_api::prelude::*;

use crate::project::{Project, cap};

/// Arguments of `get_molecule_summary`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SummaryArgs {
    /// The file, relative to the project root.
    pub file_path: String,
}

/// A function (or a method outside any known class) in the outline.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunctionOutline {
    /// Its name.
    pub name: String,
    /// 1-based first line.
    pub start_line: u32,
    /// 1-based last line.
    pub end_line: u32,
    /// Parameter names.
    pub params: Vec<String>,
    /// Whether the file exports it.
    pub exported: bool,
    /// Whether it is `async`.
    pub is_async: bool,
}

/// A class in the outline.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassOutline {
    /// Its name.
    pub name: String,
    /// 1-based first line.
    pub start_line: u32,
    /// 1-based last line.
    pub end_line: u32,
    /// Whether the file exports it.
    pub exported: bool,
    /// Its methods' short names, in source order; the first 200 (`truncated` says when there
    /// were more).
    pub methods: Vec<String>,
}

/// Result of `get_molecule_summary`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MoleculeSummary {
    /// The file.
    pub file_path: String,
    /// Number of lines.
    pub lines: u32,
    /// True when the file had syntax errors and only what parsed is listed.
    pub partial: bool,
    /// Imports in source order (`resolved` is the project file, when there is one).
    pub imports: Vec<Import>,
    /// Exported names (`local` when it differs).
    pub exports: Vec<Export>,
    /// Functions, in source order.
    pub functions: Vec<FunctionOutline>,
    /// Classes with their methods, in source order.
    pub classes: Vec<ClassOutline>,
    /// Whether any list (a class's methods included) was cut to 200 entries.
    pub truncated: bool,
}

/// The tool.
pub fn get_molecule_summary(
    ctx: &ToolContext<'_>,
    args: SummaryArgs,
) -> Result<MoleculeSummary, ToolError> {
    let (file, facts) = Project::of(ctx).file(&args.file_path)?;
    let (imports, a) = cap(facts.imports.clone());
    let (exports, b) = cap(facts.exports.clone());
    let (functions, c) = cap(functions(facts));
    let (classes, d) = cap(classes(facts));
    let (classes, e): (Vec<_>, Vec<_>) = classes.into_iter().unzip();
    Ok(MoleculeSummary {
        file_path: file,
        lines: facts.lines,
        partial: facts.partial,
        imports,
        exports,
        functions,
        classes,
        truncated: a || b || c || d || e.contains(&true),
    })
}

/// Free functions, and methods whose class is not a symbol of the file.
fn functions(facts: &FileFacts) -> Vec<FunctionOutline> {
    let classes = class_names(facts);
    facts
        .symbols
        .iter()
        .filter(|s| match s.kind {
            SymbolKind::Function => true,
            SymbolKind::Class => false,
            SymbolKind::Method => class_of(&classes, &s.name).is_none(),
        })
        .map(|s| FunctionOutline {
            name: s.name.clone(),
            start_line: s.start_line,
            end_line: s.end_line,
            params: s.params.clone(),
            exported: s.exported,
            is_async: s.is_async,
        })
        .collect()
}

/// Classes with the short names of their methods (capped, with whether the cap cut them), in
/// one pass over the symbols: a method `Class.m` belongs to every class of the file named
/// `Class`.
fn classes(facts: &FileFacts) -> Vec<(ClassOutline, bool)> {
    let names = class_names(facts);
    let mut methods: HashMap<&str, Vec<String>> = HashMap::new();
    for s in facts
        .symbols
        .iter()
        .filter(|s| s.kind == SymbolKind::Method)
    {
        if let (Some(class), Some((_, short))) =
            (class_of(&names, &s.name), s.name.rsplit_once('.'))
        {
            methods.entry(class).or_default().push(short.to_owned());
        }
    }
    let classes = facts.symbols.iter().filter(|s| s.kind == SymbolKind::Class);
    classes
        .map(|class| {
            let own = methods
                .get(class.name.as_str())
                .cloned()
                .unwrap_or_default();
            let (methods, truncated) = cap(own);
            let outline = ClassOutline {
                name: class.name.clone(),
                start_line: class.start_line,
                end_line: class.end_line,
                exported: class.exported,
                methods,
            };
            (outline, truncated)
        })
        .collect()
}

/// The names of the file's classes.
fn class_names(facts: &FileFacts) -> HashSet<&str> {
    let classes = facts.symbols.iter().filter(|s| s.kind == SymbolKind::Class);
    classes.map(|s| s.name.as_str()).collect()
}

/// The class a method `Class.m` belongs to, when the file defines that class.
fn class_of<'f>(classes: &HashSet<&'f str>, method: &str) -> Option<&'f str> {
    let (class, _) = method.rsplit_once('.')?;
    classes.get(class).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn summary(world: &World, file: &str) -> Result<MoleculeSummary, ToolError> {
        get_molecule_summary(
            &ctx(world),
            SummaryArgs {
                file_path: file.into(),
            },
        )
    }

    #[test]
    fn the_outline_of_a_file_with_three_kinds_of_import() {
        let w = js_basic_world();
        let s = summary(&w, "src/index.js").unwrap();
        let imports: Vec<(&str, Option<&str>, ImportKind)> = s
            .imports
            .iter()
            .map(|i| (i.specifier.as_str(), i.resolved.as_deref(), i.kind))
            .collect();
        assert_eq!(
            imports,
            vec![
                ("./app", Some("src/app.js"), ImportKind::Static),
                ("./router", Some("src/router/index.js"), ImportKind::Static),
                ("./util.js", Some("src/util.js"), ImportKind::Require),
            ]
        );
        assert_eq!(s.functions.len(), 1);
        assert_eq!(
            (
                s.functions[0].name.as_str(),
                s.functions[0].start_line,
                s.functions[0].end_line
            ),
            ("main", 5, 7)
        );
        assert!(s.classes.is_empty() && !s.truncated);
    }

    #[test]
    fn classes_carry_their_methods() {
        let w = shapes_world();
        let s = summary(&w, "src/shapes.js").unwrap();
        assert_eq!(s.classes.len(), 1);
        assert_eq!(
            s.classes[0].methods,
            vec!["constructor", "area", "describe", "create"]
        );
        assert_eq!(
            (
                s.classes[0].start_line,
                s.classes[0].end_line,
                s.classes[0].exported
            ),
            (3, 8, true)
        );
        let names: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["makeShape"]);
    }

    #[test]
    fn a_file_without_code_symbols_and_an_unknown_file() {
        let w = js_basic_world();
        let s = summary(&w, "src/types.ts").unwrap();
        assert_eq!(s.exports[0].name, "Options");
        assert!(s.functions.is_empty());
        let e = summary(&w, "src/type.ts").err().unwrap();
        assert_eq!(e.suggestions[0], "src/types.ts");
    }

    #[test]
    fn eighty_classes_of_four_hundred_methods_are_outlined_at_once_and_capped() {
        let mut symbols = Vec::new();
        for c in 0..80u32 {
            let class = format!("C{c}");
            let first = c * 500 + 1;
            symbols.push(sym(
                &class,
                SymbolKind::Class,
                (first, first + 450),
                &[],
                true,
            ));
            for m in 0..400 {
                let line = first + 1 + m;
                let method = format!("{class}.m{m}");
                symbols.push(sym(&method, SymbolKind::Method, (line, line), &[], false));
            }
        }
        symbols.push(sym(
            "Gone.m",
            SymbolKind::Method,
            (40_001, 40_001),
            &[],
            false,
        ));
        let w = world_of(vec![(
            "src/big.js",
            facts(vec![], vec![], symbols, vec![], 40_001),
        )]);
        let started = std::time::Instant::now();
        let s = summary(&w, "src/big.js").unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(s.classes.len(), 80);
        assert!(s.classes.iter().all(|c| c.methods.len() == 200));
        assert_eq!(s.classes[79].methods[199], "m199");
        assert!(s.truncated);
        let names: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["Gone.m"]);
    }
}
