//! `search_files`: project paths matching a glob or a regular expression.
//!
//! A pattern containing `*`, `?` or `[` is a glob, anything else a regular expression (the
//! `regex` crate's syntax, searched anywhere in the path unless anchored). Globs match the
//! whole path: `*` matches within one path segment, `**` across segments (`**/` also matches
//! no directory at all), `?` one character other than `/`, `[abc]`, `[a-z]` and `[!a]`/`[^a]`
//! one character of (or not of) a set. A glob without `/` may also match the file name alone
//! (`*.ts` finds `src/config.ts`).

use omnysys_api::prelude::*;
use regex::Regex;

use crate::project::{MAX_ENTRIES, PageRequest, Project, fan_in, fan_out, paginate};

/// Arguments of `search_files`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchArgs {
    /// A glob (contains `*`, `?` or `[`) or else a regular expression over project paths.
    pub pattern: String,
    /// The `nextCursor` of the previous page, to continue the list.
    pub cursor: Option<String>,
    /// The most matches per page (1 to 200, default 200).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

/// One matching file.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileMatch {
    /// Project-relative path.
    pub path: String,
    /// The extractor that analysed it (`javascript`, `python`, `rust`), or `null` if none yet.
    pub language: Option<String>,
    /// Its number of lines, when analysed.
    pub lines: Option<u32>,
    /// Files importing it.
    pub fan_in: usize,
    /// Project files it imports.
    pub fan_out: usize,
}

/// Result of `search_files`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// The pattern asked for.
    pub pattern: String,
    /// `glob` or `regex`.
    pub mode: String,
    /// This page of the matching files, in path order.
    pub matches: Vec<FileMatch>,
    /// Number of matching files, on every page.
    pub total: usize,
    /// The cursor of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The `search_files` tool.
///
/// # Errors
///
/// An invalid regular expression, a bad cursor or limit.
pub fn search_files(ctx: &ToolContext<'_>, args: SearchArgs) -> Result<SearchResult, ToolError> {
    let p = Project::new(ctx.world());
    let is_glob = args.pattern.contains(['*', '?', '[']);
    let regex = if is_glob {
        None
    } else {
        let compiled = Regex::new(&args.pattern)
            .map_err(|e| ToolError::invalid_arguments(format!("pattern: invalid regex: {e}")))?;
        Some(compiled)
    };
    let matching: Vec<&str> = p
        .paths()
        .filter(|path| match &regex {
            Some(re) => re.is_match(path),
            None => glob_matches(&args.pattern, path),
        })
        .collect();
    let graph = p.graph();
    let total = matching.len();
    let request = PageRequest::new(args.cursor.as_deref(), args.limit);
    let query = format!("search_files {}", args.pattern);
    let page = paginate(matching, request, &query, MAX_ENTRIES)?;
    let matches = page
        .items
        .iter()
        .map(|path| {
            let entry = p.entry(path);
            FileMatch {
                path: (*path).to_owned(),
                language: entry.map(|e| e.extractor.clone()),
                lines: entry.map(|e| e.facts.lines),
                fan_in: fan_in(&graph, path),
                fan_out: fan_out(&graph, path),
            }
        })
        .collect();
    Ok(SearchResult {
        mode: if is_glob { "glob" } else { "regex" }.to_owned(),
        pattern: args.pattern,
        matches,
        total,
        next_cursor: page.next_cursor,
    })
}

/// Whether `path` matches the glob (see the module docs).
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches_whole(glob, path) || (!glob.contains('/') && matches_whole(glob, name))
}

/// Whether the glob matches all of `text`, with memoization over (pattern, text) positions.
fn matches_whole(glob: &str, text: &str) -> bool {
    let p: Vec<char> = glob.chars().collect();
    let s: Vec<char> = text.chars().collect();
    let mut memo = vec![None; (p.len() + 1) * (s.len() + 1)];
    Matcher {
        p: &p,
        s: &s,
        memo: &mut memo,
    }
    .at(0, 0)
}

/// The state of one glob match.
struct Matcher<'a> {
    p: &'a [char],
    s: &'a [char],
    memo: &'a mut Vec<Option<bool>>,
}

impl Matcher<'_> {
    /// Whether `p[pi..]` matches `s[si..]`.
    fn at(&mut self, pi: usize, si: usize) -> bool {
        let key = pi * (self.s.len() + 1) + si;
        if let Some(known) = self.memo[key] {
            return known;
        }
        let result = self.compute(pi, si);
        self.memo[key] = Some(result);
        result
    }

    /// The uncached step of [`Matcher::at`].
    fn compute(&mut self, pi: usize, si: usize) -> bool {
        let (p, s) = (self.p, self.s);
        match p.get(pi) {
            None => si == s.len(),
            Some('*') if p.get(pi + 1) == Some(&'*') => {
                let rest = pi + 2;
                let skip_slash = p.get(rest) == Some(&'/');
                (si..=s.len()).any(|i| {
                    self.at(rest, i)
                        || (skip_slash && (i == 0 || s[i - 1] == '/') && self.at(rest + 1, i))
                })
            }
            Some('*') => {
                let end = s[si..]
                    .iter()
                    .position(|c| *c == '/')
                    .map_or(s.len(), |n| si + n);
                (si..=end).any(|i| self.at(pi + 1, i))
            }
            Some('?') => si < s.len() && s[si] != '/' && self.at(pi + 1, si + 1),
            Some('[') => match class(p, pi) {
                Some((set, negated, next)) => {
                    si < s.len()
                        && s[si] != '/'
                        && in_set(&set, s[si]) != negated
                        && self.at(next, si + 1)
                }
                None => s.get(si) == Some(&'[') && self.at(pi + 1, si + 1),
            },
            Some(c) => s.get(si) == Some(c) && self.at(pi + 1, si + 1),
        }
    }
}

/// The character class starting at `p[open]` (a `[`): its items, negation, and the index after
/// its `]`; `None` when it is not closed (then `[` is literal).
fn class(p: &[char], open: usize) -> Option<(Vec<char>, bool, usize)> {
    let mut i = open + 1;
    let negated = matches!(p.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let start = i;
    while i < p.len() && (p[i] != ']' || i == start) {
        i += 1;
    }
    (i < p.len()).then(|| (p[start..i].to_vec(), negated, i + 1))
}

/// Whether `c` is in the class items (single characters and `a-z` ranges).
fn in_set(set: &[char], c: char) -> bool {
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            if (set[i]..=set[i + 2]).contains(&c) {
                return true;
            }
            i += 3;
        } else {
            if set[i] == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(world: &World, pattern: &str) -> Result<SearchResult, ToolError> {
        search_files(
            &ctx(world),
            SearchArgs {
                pattern: pattern.into(),
                cursor: None,
                limit: None,
            },
        )
    }

    fn paths(r: &SearchResult) -> Vec<&str> {
        r.matches.iter().map(|m| m.path.as_str()).collect()
    }

    #[test]
    fn globs_match_segments_names_and_classes() {
        assert!(glob_matches("src/*.js", "src/app.js"));
        assert!(!glob_matches("src/*.js", "src/router/index.js"));
        assert!(glob_matches("src/**/*.js", "src/router/index.js"));
        assert!(glob_matches("src/**/*.js", "src/app.js"));
        assert!(glob_matches("**/index.js", "index.js"));
        assert!(glob_matches("*.ts", "src/types.ts"));
        assert!(glob_matches("src/?pp.js", "src/app.js"));
        assert!(glob_matches("src/[a-c]*.js", "src/app.js"));
        assert!(!glob_matches("src/[!a]*.js", "src/app.js"));
        assert!(glob_matches("a[.js", "a[.js"));
    }

    #[test]
    fn a_glob_lists_language_lines_and_fan_in_and_out() {
        let r = run(&js_basic_world(), "src/*.js").unwrap();
        assert_eq!(r.mode, "glob");
        assert_eq!(paths(&r), vec!["src/app.js", "src/index.js", "src/util.js"]);
        assert_eq!(
            r.matches[1],
            FileMatch {
                path: "src/index.js".into(),
                language: Some("javascript".into()),
                lines: Some(7),
                fan_in: 0,
                fan_out: 3,
            }
        );
        assert_eq!(r.total, 3);
        assert_eq!(r.next_cursor, None);
    }

    #[test]
    fn anything_else_is_a_regex_searched_anywhere() {
        let r = run(&js_basic_world(), r"\.ts$").unwrap();
        assert_eq!(r.mode, "regex");
        assert_eq!(paths(&r), vec!["src/config.ts", "src/types.ts"]);
        let r = run(&js_basic_world(), "router|util").unwrap();
        assert_eq!(paths(&r), vec!["src/router/index.js", "src/util.js"]);
        let e = run(&js_basic_world(), "(unclosed").err().unwrap();
        assert!(e.message.starts_with("pattern: invalid regex"));
    }

    #[test]
    fn more_than_200_matches_come_in_pages() {
        let files: Vec<(String, FileFacts)> = (0..205)
            .map(|i| (format!("f{i:03}.js"), imports_only(&[])))
            .collect();
        let w = world_of(files.iter().map(|(p, f)| (p.as_str(), f.clone())).collect());
        let r = run(&w, "*.js").unwrap();
        assert_eq!(r.matches.len(), 200);
        assert_eq!(r.total, 205);
        let args = SearchArgs {
            pattern: "*.js".into(),
            cursor: r.next_cursor,
            limit: None,
        };
        let rest = search_files(&ctx(&w), args).unwrap();
        assert_eq!(
            paths(&rest),
            vec!["f200.js", "f201.js", "f202.js", "f203.js", "f204.js"]
        );
        assert_eq!(rest.next_cursor, None);
    }
}
