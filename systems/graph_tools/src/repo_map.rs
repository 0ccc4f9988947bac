//! `repo_map`: a ranked outline of the project that fits a token budget.
//!
//! Files are ranked by PageRank over the file import graph (an importer passes rank to what it
//! imports; damping 0.85; at most 100 iterations, stopping when the total change is below
//! 1e-12). The restart distribution is uniform over every file, or uniform over `focusFiles`
//! when given, so files the focus imports (directly or not) rise; files without imports pass
//! their rank through the restart distribution. Ties are broken by path.
//!
//! Each file's block in the outline is its path, then `exports: …` when it exports anything,
//! then one line per function, class or method: `  kind name start-end`. Tokens are estimated
//! as one per 4 characters (rounded up); blocks are added in rank order and the map stops
//! before the first block that would exceed the budget (default 1024 tokens).

use omnysys_api::prelude::*;

use crate::project::Project;
use crate::rank::{dequantize, pagerank, quantize, stored_rank};

/// The default token budget.
const DEFAULT_BUDGET: u32 = 1024;

/// Arguments of `repo_map`.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RepoMapArgs {
    /// Files to rank from (relative to the project root); the whole project when absent.
    #[serde(default)]
    pub focus_files: Vec<String>,
    /// The most tokens the outline may take (1 token ≈ 4 characters); default 1024.
    #[serde(default)]
    pub token_budget: Option<u32>,
}

/// A function, class or method in the map.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MapSymbol {
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// First line.
    pub start_line: u32,
    /// Last line.
    pub end_line: u32,
}

/// One file of the map.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct MapFile {
    /// Project-relative path.
    pub path: String,
    /// Its PageRank (the ranks of all files sum to 1), to 6 decimals.
    pub rank: f64,
    /// Names it exports.
    pub exports: Vec<String>,
    /// Its functions, classes and methods.
    pub symbols: Vec<MapSymbol>,
}

/// Result of `repo_map`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepoMap {
    /// The focus files, normalized.
    pub focus_files: Vec<String>,
    /// The budget used.
    pub token_budget: u32,
    /// The outline's estimated size in tokens.
    pub estimated_tokens: u32,
    /// The files in the outline, highest rank first.
    pub files: Vec<MapFile>,
    /// Files ranked but left out by the budget.
    pub omitted_files: usize,
    /// Whether the budget cut the map.
    pub truncated: bool,
    /// The outline as text.
    pub outline: String,
}

/// The `repo_map` tool.
///
/// # Errors
///
/// Focus paths outside the project or unknown.
pub fn repo_map(ctx: &ToolContext<'_>, args: RepoMapArgs) -> Result<RepoMap, ToolError> {
    let p = Project::of(ctx);
    let mut focus = args
        .focus_files
        .iter()
        .map(|f| p.path(f))
        .collect::<Result<Vec<_>, _>>()?;
    focus.sort();
    focus.dedup();
    let budget = args.token_budget.unwrap_or(DEFAULT_BUDGET);
    let ranked = ranked_files(ctx, p, &focus);
    let total = ranked.len();
    let mut outline = String::new();
    let mut files = Vec::new();
    for file in ranked {
        let block = block(&file);
        if tokens(outline.len() + block.len()) > budget {
            break;
        }
        outline.push_str(&block);
        files.push(file);
    }
    Ok(RepoMap {
        focus_files: focus,
        token_budget: budget,
        estimated_tokens: tokens(outline.len()),
        omitted_files: total - files.len(),
        truncated: files.len() < total,
        files,
        outline,
    })
}

/// Estimated tokens for `chars` characters (bytes): one per 4, rounded up.
fn tokens(chars: usize) -> u32 {
    u32::try_from(chars.div_ceil(4)).unwrap_or(u32::MAX)
}

/// Every indexed file with its rank and outline facts, highest rank first. Without focus files
/// the rank the loop keeps ([`crate::rank`]) is used when it is current.
fn ranked_files(ctx: &ToolContext<'_>, p: Project<'_>, focus: &[String]) -> Vec<MapFile> {
    let paths: Vec<&str> = p.paths().collect();
    let graph = p.graph();
    let stored = focus
        .is_empty()
        .then(|| stored_rank(ctx, &graph, &paths))
        .flatten();
    let ranks = stored.unwrap_or_else(|| {
        let computed = pagerank(&graph, &paths, focus);
        computed.into_iter().map(quantize).collect()
    });
    let mut files: Vec<MapFile> = paths
        .iter()
        .zip(ranks)
        .map(|(path, rank)| map_file(p, path, dequantize(rank)))
        .collect();
    files.sort_by(|a, b| b.rank.total_cmp(&a.rank).then_with(|| a.path.cmp(&b.path)));
    files
}

/// A file's entry in the map.
fn map_file(p: Project<'_>, path: &str, rank: f64) -> MapFile {
    let facts = p.facts(path);
    MapFile {
        path: path.to_owned(),
        rank: (rank * 1e6).round() / 1e6,
        exports: facts
            .map(|f| f.exports.iter().map(|e| e.name.clone()).collect())
            .unwrap_or_default(),
        symbols: facts
            .map(|f| {
                f.symbols
                    .iter()
                    .map(|s| MapSymbol {
                        name: s.name.clone(),
                        kind: s.kind,
                        start_line: s.start_line,
                        end_line: s.end_line,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A file's block of the outline text.
fn block(file: &MapFile) -> String {
    let mut text = format!("{}\n", file.path);
    if !file.exports.is_empty() {
        text.push_str(&format!("  exports: {}\n", file.exports.join(", ")));
    }
    for s in &file.symbols {
        let kind = match s.kind {
            SymbolKind::Function => "function",
            SymbolKind::Class => "class",
            SymbolKind::Method => "method",
        };
        text.push_str(&format!(
            "  {kind} {} {}-{}\n",
            s.name, s.start_line, s.end_line
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(world: &World, focus: &[&str], budget: Option<u32>) -> Result<RepoMap, ToolError> {
        let args = RepoMapArgs {
            focus_files: focus.iter().map(|f| (*f).to_owned()).collect(),
            token_budget: budget,
        };
        repo_map(&ctx(world), args)
    }

    fn order(m: &RepoMap) -> Vec<&str> {
        m.files.iter().map(|f| f.path.as_str()).collect()
    }

    /// `a → c`, `b → c`.
    fn vee() -> World {
        world_of(vec![
            ("a.js", imports_only(&[("./c", Some("c.js"))])),
            ("b.js", imports_only(&[("./c", Some("c.js"))])),
            ("c.js", imports_only(&[])),
        ])
    }

    #[test]
    fn the_imported_file_ranks_first_and_ties_go_by_path() {
        let m = run(&vee(), &[], None).unwrap();
        assert_eq!(order(&m), vec!["c.js", "a.js", "b.js"]);
        let sum: f64 = m.files.iter().map(|f| f.rank).sum();
        assert!((sum - 1.0).abs() < 1e-5);
        assert_eq!(m.files[0].rank, m.files[0].rank.max(m.files[1].rank));
    }

    #[test]
    fn focus_restarts_on_the_focus_file() {
        // Restart on a: r_a = 0.15 + 0.85 r_c (c dangles back to a), r_c = 0.85 r_a, r_b = 0,
        // so r_a = 1 / 1.85 ≈ 0.540541 and r_c ≈ 0.459459.
        let m = run(&vee(), &["a.js"], None).unwrap();
        assert_eq!(order(&m), vec!["a.js", "c.js", "b.js"]);
        assert!((m.files[0].rank - 0.540541).abs() < 1e-5);
        assert!((m.files[1].rank - 0.459459).abs() < 1e-5);
        assert_eq!(m.files[2].rank, 0.0);
        assert_eq!(m.focus_files, vec!["a.js"]);
    }

    #[test]
    fn the_fixture_ranks_util_then_app() {
        let m = run(&js_basic_world(), &[], None).unwrap();
        assert_eq!(
            order(&m),
            vec![
                "src/util.js",
                "src/app.js",
                "src/types.ts",
                "src/router/index.js",
                "src/config.ts",
                "src/index.js"
            ]
        );
        assert!(!m.truncated);
        assert!(
            m.outline
                .starts_with("src/util.js\n  exports: helper\n  function helper 1-3\n")
        );
    }

    #[test]
    fn the_budget_cuts_before_the_first_block_that_does_not_fit() {
        // "src/util.js\n  exports: helper\n  function helper 1-3\n" is 52 bytes = 13 tokens;
        // "src/app.js\n  exports: createApp\n  function createApp 3-5\n" is 57 bytes (109 in all = 28 tokens).
        let w = js_basic_world();
        let m = run(&w, &[], Some(13)).unwrap();
        assert_eq!(order(&m), vec!["src/util.js"]);
        assert_eq!(m.estimated_tokens, 13);
        assert_eq!(m.omitted_files, 5);
        assert!(m.truncated);
        let m = run(&w, &[], Some(12)).unwrap();
        assert!(m.files.is_empty() && m.outline.is_empty());
        let m = run(&w, &[], Some(28)).unwrap();
        assert_eq!(order(&m), vec!["src/util.js", "src/app.js"]);
    }

    #[test]
    fn unknown_focus_files_are_errors() {
        let e = run(&js_basic_world(), &["src/ap.js"], None).err().unwrap();
        assert_eq!(e.suggestions[0], "src/app.js");
        let e = run(&js_basic_world(), &["/etc/passwd"], None)
            .err()
            .unwrap();
        assert!(e.message.contains("is outside the project"));
    }
}
