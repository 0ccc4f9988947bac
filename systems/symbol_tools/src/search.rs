//! `search_symbols`: ranked fuzzy search over the names of every symbol in the project.
//!
//! Matching ignores case and is tried on the full name (`Class.method`) and on the short name
//! (`method`), keeping the better. Rank: exact > prefix > substring > subsequence, then shorter
//! names, then name, file and line.

use omnysys_api::prelude::*;

use crate::project::{PageRequest, Project, paginate, short_name};

/// The most matches on a page when the client names no limit.
const LIMIT: usize = 50;

/// Arguments of `search_symbols`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchArgs {
    /// Text to look for in symbol names; at most 512 characters.
    #[schemars(length(max = 512))]
    pub query: String,
    /// Only symbols of this kind: `function`, `class` or `method`.
    pub kind: Option<SymbolKind>,
    /// The `nextCursor` of the previous page, to continue the matches.
    pub cursor: Option<String>,
    /// The most matches per page (1 to 200, default 50).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

/// How a name matched, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The name is the query.
    Exact,
    /// The name starts with the query.
    Prefix,
    /// The name contains the query.
    Substring,
    /// The query's characters appear in the name in order.
    Subsequence,
}

/// One matching symbol.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SymbolMatch {
    /// Its full name.
    pub name: String,
    /// `function`, `class` or `method`.
    pub kind: SymbolKind,
    /// The file defining it.
    pub file: String,
    /// 1-based first line.
    pub start_line: u32,
    /// 1-based last line.
    pub end_line: u32,
    /// Whether its file exports it.
    pub exported: bool,
    /// How it matched.
    #[serde(rename = "match")]
    pub matched: MatchKind,
}

/// Result of `search_symbols`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// The query.
    pub query: String,
    /// This page of the matches, best first.
    pub matches: Vec<SymbolMatch>,
    /// How many symbols matched in all.
    pub total: usize,
    /// The cursor of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The tool.
pub fn search_symbols(ctx: &ToolContext<'_>, args: SearchArgs) -> Result<SearchResult, ToolError> {
    tool_support::check_name("query", &args.query)?;
    let query = args.query.trim().to_lowercase();
    if query.is_empty() {
        return Err(ToolError::invalid_arguments("`query` must not be empty"));
    }
    let mut found: Vec<SymbolMatch> = Vec::new();
    for (file, facts) in Project::of(ctx).files() {
        let wanted = facts
            .symbols
            .iter()
            .filter(|s| args.kind.is_none_or(|k| k == s.kind));
        found.extend(wanted.filter_map(|s| found_symbol(file, s, &query)));
    }
    found.sort_by(|a, b| rank(a).cmp(&rank(b)));
    let total = found.len();
    let request = PageRequest::new(args.cursor.as_deref(), args.limit);
    let key = format!("search_symbols {query} {:?}", args.kind);
    let page = paginate(found, request, &key, LIMIT)?;
    Ok(SearchResult {
        query: args.query,
        matches: page.items,
        total,
        next_cursor: page.next_cursor,
    })
}

/// The sort key of a match.
fn rank(m: &SymbolMatch) -> (MatchKind, usize, &str, &str, u32) {
    (
        m.matched,
        m.name.chars().count(),
        &m.name,
        &m.file,
        m.start_line,
    )
}

/// The symbol as a match, if its name matches `query` (lower case).
fn found_symbol(file: &str, s: &Symbol, query: &str) -> Option<SymbolMatch> {
    let full = match_kind(&s.name.to_lowercase(), query);
    let short = match_kind(&short_name(&s.name).to_lowercase(), query);
    let matched = full.into_iter().chain(short).min()?;
    Some(SymbolMatch {
        name: s.name.clone(),
        kind: s.kind,
        file: file.to_owned(),
        start_line: s.start_line,
        end_line: s.end_line,
        exported: s.exported,
        matched,
    })
}

/// How `name` matches `query` (both lower case), if it does.
pub fn match_kind(name: &str, query: &str) -> Option<MatchKind> {
    if name == query {
        Some(MatchKind::Exact)
    } else if name.starts_with(query) {
        Some(MatchKind::Prefix)
    } else if name.contains(query) {
        Some(MatchKind::Substring)
    } else {
        is_subsequence(name, query).then_some(MatchKind::Subsequence)
    }
}

/// Whether the characters of `query` appear in `name` in order.
fn is_subsequence(name: &str, query: &str) -> bool {
    let mut rest = name.chars();
    query.chars().all(|q| rest.any(|c| c == q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn search(
        world: &World,
        query: &str,
        kind: Option<SymbolKind>,
    ) -> Result<SearchResult, ToolError> {
        let args = SearchArgs {
            query: query.into(),
            kind,
            cursor: None,
            limit: None,
        };
        search_symbols(&ctx(world), args)
    }

    fn names(r: &SearchResult) -> Vec<(&str, MatchKind)> {
        r.matches
            .iter()
            .map(|m| (m.name.as_str(), m.matched))
            .collect()
    }

    #[test]
    fn match_kinds_rank_in_order() {
        assert_eq!(match_kind("shape", "shape"), Some(MatchKind::Exact));
        assert_eq!(match_kind("shapes", "shape"), Some(MatchKind::Prefix));
        assert_eq!(match_kind("makeshape", "shape"), Some(MatchKind::Substring));
        assert_eq!(
            match_kind("makeshape", "mksh"),
            Some(MatchKind::Subsequence)
        );
        assert_eq!(match_kind("log", "gol"), None);
    }

    #[test]
    fn exact_before_prefix_before_substring_before_subsequence_then_shorter() {
        let w = shapes_world();
        let r = search(&w, "shape", None).unwrap();
        assert_eq!(
            names(&r),
            vec![
                ("Shape", MatchKind::Exact),
                ("Shape.area", MatchKind::Prefix),
                ("Shape.create", MatchKind::Prefix),
                ("Shape.describe", MatchKind::Prefix),
                ("Shape.constructor", MatchKind::Prefix),
                ("makeShape", MatchKind::Substring)
            ]
        );
        let r = search(&w, "create", None).unwrap();
        assert_eq!(names(&r), vec![("Shape.create", MatchKind::Exact)]);
    }

    #[test]
    fn kinds_filter_and_subsequences_match() {
        let w = shapes_world();
        let r = search(&w, "shape", Some(SymbolKind::Method)).unwrap();
        assert_eq!(r.total, 4);
        let w = js_basic_world();
        let r = search(&w, "crap", None).unwrap();
        assert_eq!(names(&r), vec![("createApp", MatchKind::Subsequence)]);
        let r = search(&w, "zzz", None).unwrap();
        assert_eq!((r.total, r.next_cursor), (0, None));
        assert!(search(&w, "  ", None).is_err());
    }
}
