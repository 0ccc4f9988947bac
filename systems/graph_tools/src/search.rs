//! `search_files`: project paths matching a glob or a regular expression.
//!
//! A pattern containing `*`, `?` or `[` is a glob, anything else a regular expression (the
//! `regex` crate's syntax, searched anywhere in the path unless anchored). Globs match the
//! whole path: `*` matches within one path segment, `**` across segments (`**/` also matches
//! no directory at all), `?` one character other than `/`, `[abc]`, `[a-z]` and `[!a]`/`[^a]`
//! one character of (or not of) a set. A glob without `/` may also match the file name alone
//! (`*.ts` finds `src/config.ts`).

use omnysys_api::paths::shorten;
use omnysys_api::prelude::*;
use regex::Regex;

use crate::project::{MAX_ENTRIES, PageRequest, Project, fan_in, fan_out, paginate};

/// Arguments of `search_files`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchArgs {
    /// A glob (contains `*`, `?` or `[`) or else a regular expression over project paths; at
    /// most 1024 characters.
    #[schemars(length(max = 1024))]
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

/// The longest pattern `search_files` takes, in characters (its schema says the same).
pub const MAX_PATTERN_CHARS: usize = 1024;

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
/// A pattern longer than [`MAX_PATTERN_CHARS`], an invalid regular expression, a bad cursor or
/// limit.
pub fn search_files(ctx: &ToolContext<'_>, args: SearchArgs) -> Result<SearchResult, ToolError> {
    let p = Project::of(ctx);
    let chars = args.pattern.chars().count();
    if chars > MAX_PATTERN_CHARS {
        return Err(ToolError::invalid_arguments(format!(
            "`pattern` has {chars} characters, more than the {MAX_PATTERN_CHARS} allowed: `{}`",
            shorten(&args.pattern)
        )));
    }
    let is_glob = args.pattern.contains(['*', '?', '[']);
    let matcher = if is_glob {
        Matcher::Glob(Glob::new(&args.pattern))
    } else {
        let compiled = Regex::new(&args.pattern).map_err(|e| {
            ToolError::invalid_arguments(format!(
                "pattern: invalid regex `{}`: {}",
                shorten(&args.pattern),
                // the parser's last line says what is wrong (those above quote the pattern)
                shorten(e.to_string().lines().last().unwrap_or_default())
            ))
        })?;
        Matcher::Regex(compiled)
    };
    let matching: Vec<&str> = p
        .paths()
        .filter(|path| match &matcher {
            Matcher::Regex(re) => re.is_match(path),
            Matcher::Glob(glob) => glob.matches(path),
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

/// A compiled pattern.
enum Matcher {
    Glob(Glob),
    Regex(Regex),
}

/// Whether `path` matches the glob (see the module docs).
pub fn glob_matches(glob: &str, path: &str) -> bool {
    Glob::new(glob).matches(path)
}

/// One element of a compiled glob.
#[derive(Debug)]
enum Token {
    /// This character.
    Literal(char),
    /// `?`: any one character but `/`.
    Any,
    /// `[...]`: one character (not `/`) in, or with `negated` not in, the items.
    Class { items: Vec<char>, negated: bool },
    /// `*`: any run of characters within one segment.
    Star,
    /// `**`: any run of characters, across segments.
    DoubleStar,
}

/// A glob compiled once, matched as a small NFA: one pass over the text carrying the set of
/// pattern positions reached, so a match costs at most pattern × text steps and no recursion,
/// whatever the pattern.
#[derive(Debug)]
pub struct Glob {
    tokens: Vec<Token>,
    /// Whether it may also match the file name alone (it has no `/`).
    by_name: bool,
}

impl Glob {
    /// Compiles `glob`.
    pub fn new(glob: &str) -> Glob {
        let p: Vec<char> = glob.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < p.len() {
            match p[i] {
                '*' if p.get(i + 1) == Some(&'*') => {
                    tokens.push(Token::DoubleStar);
                    i += 2;
                }
                '*' => {
                    tokens.push(Token::Star);
                    i += 1;
                }
                '?' => {
                    tokens.push(Token::Any);
                    i += 1;
                }
                '[' => match class(&p, i) {
                    Some((items, negated, next)) => {
                        tokens.push(Token::Class { items, negated });
                        i = next;
                    }
                    None => {
                        tokens.push(Token::Literal('['));
                        i += 1;
                    }
                },
                c => {
                    tokens.push(Token::Literal(c));
                    i += 1;
                }
            }
        }
        Glob {
            tokens,
            by_name: !glob.contains('/'),
        }
    }

    /// Whether `path` matches (see the module docs).
    pub fn matches(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.matches_whole(path) || (self.by_name && self.matches_whole(name))
    }

    /// Whether the glob matches all of `text`.
    fn matches_whole(&self, text: &str) -> bool {
        let n = self.tokens.len();
        let mut states = vec![false; n + 1];
        let mut next = vec![false; n + 1];
        states[0] = true;
        let mut after_slash = true;
        for c in text.chars() {
            self.close(&mut states, after_slash);
            next.fill(false);
            let mut any = false;
            for (k, token) in self.tokens.iter().enumerate() {
                if !states[k] {
                    continue;
                }
                let to = match token {
                    Token::Literal(l) => (*l == c).then_some(k + 1),
                    Token::Any => (c != '/').then_some(k + 1),
                    Token::Class { items, negated } => {
                        (c != '/' && in_set(items, c) != *negated).then_some(k + 1)
                    }
                    Token::Star => (c != '/').then_some(k),
                    Token::DoubleStar => Some(k),
                };
                if let Some(to) = to {
                    next[to] = true;
                    any = true;
                }
            }
            if !any {
                return false;
            }
            std::mem::swap(&mut states, &mut next);
            after_slash = c == '/';
        }
        self.close(&mut states, after_slash);
        states[n]
    }

    /// Adds the positions reachable without reading a character: past a `*` or `**` that
    /// matches nothing, and past the `/` of `**/` where `**` ends at the start of the text or
    /// right after a `/` (so `**/` also matches no directory at all). Moves only forward, so one
    /// pass in order suffices.
    fn close(&self, states: &mut [bool], after_slash: bool) {
        for k in 0..self.tokens.len() {
            if !states[k] {
                continue;
            }
            match self.tokens[k] {
                Token::Star => states[k + 1] = true,
                Token::DoubleStar => {
                    states[k + 1] = true;
                    if after_slash && matches!(self.tokens.get(k + 1), Some(Token::Literal('/'))) {
                        states[k + 2] = true;
                    }
                }
                _ => {}
            }
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
        assert!(glob_matches("src/**", "src/router/index.js"));
        assert!(glob_matches("**", "a/b"));
        assert!(glob_matches("src/**/index.js", "src/router/index.js"));
        assert!(!glob_matches("src/**/index.js", "lib/index.js"));
        assert!(glob_matches("a/**/b", "a/b"));
        assert!(!glob_matches("a/**/b", "a/xb"));
        assert!(glob_matches("a/***", "a/b"));
        assert!(!glob_matches("a*", "a/b"));
        assert!(glob_matches("[]]x", "]x"));
        assert!(!glob_matches("?", ""));
        assert!(glob_matches("*", ""));
    }

    #[test]
    fn a_glob_of_a_thousand_stars_matches_without_recursion_in_linear_time() {
        let stars = "*".repeat(MAX_PATTERN_CHARS);
        let long_path = format!("{}x.js", "a".repeat(4000));
        let started = std::time::Instant::now();
        assert!(glob_matches(&stars, &long_path));
        assert!(!glob_matches(&format!("{stars}y"), &long_path));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // On a small stack, where one frame per pattern character would overflow.
        let deep = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || glob_matches(&"*".repeat(20_000), "src/app.js"))
            .unwrap();
        assert!(deep.join().unwrap());
    }

    #[test]
    fn a_pattern_of_twenty_thousand_stars_is_refused_quoting_only_its_start() {
        let e = run(&js_basic_world(), &"*".repeat(20_000)).err().unwrap();
        assert_eq!(e.kind, omnysys_api::tool::ToolErrorKind::InvalidArguments);
        assert!(
            e.message.contains("more than the 1024 allowed"),
            "{}",
            e.message
        );
        assert!(e.message.len() < 200, "{}", e.message);
        assert!(run(&js_basic_world(), &"*".repeat(MAX_PATTERN_CHARS)).is_ok());
    }

    #[test]
    fn the_schema_tells_clients_the_pattern_bound() {
        let schema = omnysys_api::serde_json::to_value(schemars::schema_for!(SearchArgs)).unwrap();
        assert_eq!(schema["properties"]["pattern"]["maxLength"], 1024);
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
        let e = run(&js_basic_world(), &format!("({}", "x".repeat(900)))
            .err()
            .unwrap();
        assert!(e.message.len() < 300, "{}", e.message);
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
