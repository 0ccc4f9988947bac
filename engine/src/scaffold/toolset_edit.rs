//! Adding a plugin (or one tool of a plugin) to a tool set by inserting text into its RON, so
//! that comments, order and layout stay as the user wrote them. The result is parsed with the
//! engine's own tool-set parser and must mean exactly the old tool set plus the addition before
//! it replaces the file (atomically).

use std::ops::Range;
use std::path::Path;

use super::ron_text::{Kind, Token, matching, tokens};
use crate::toolset::{PluginEntry, PluginSource, Toolset, parse_toolset_with};

/// What serving a tool of a plugin crate takes in a tool set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addition {
    /// Nothing: the tool set already serves every tool of the crate, or names this tool.
    AlreadyServed,
    /// A `(crate: "…")` entry appended to `plugins`.
    Plugin,
    /// The tool's name appended to the crate's `tools` list.
    Tool,
}

/// The edited text and what it adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What changes.
    pub addition: Addition,
    /// The whole new text (equal to the old one for [`Addition::AlreadyServed`]).
    pub text: String,
}

/// The tool set `text` (of `file`, parsed as `old`) edited to serve `tool` of `krate`; `known`
/// are the workspace's plugin crates (`krate` among them).
///
/// # Errors
///
/// A sentence saying what could not be found or what the edited text fails to mean (the
/// caller names the file).
pub fn add_tool(
    file: &Path,
    text: &str,
    old: &Toolset,
    known: &[String],
    krate: &str,
    tool: &str,
) -> Result<Edit, String> {
    let entry = old
        .plugins
        .iter()
        .position(|p| p.source == PluginSource::Crate(krate.to_owned()));
    let (addition, expected, new_text) = match entry.map(|i| (i, &old.plugins[i].tools)) {
        Some((_, None)) => return unchanged(text),
        Some((_, Some(tools))) if tools.iter().any(|t| t == tool) => return unchanged(text),
        Some((i, Some(_))) => {
            let mut expected = old.plugins.clone();
            if let Some(tools) = expected[i].tools.as_mut() {
                tools.push(tool.to_owned());
            }
            let new_text = insert_tool(text, krate, tool)?;
            (Addition::Tool, expected, new_text)
        }
        None => {
            let mut expected = old.plugins.clone();
            expected.push(PluginEntry {
                source: PluginSource::Crate(krate.to_owned()),
                tools: None,
            });
            let new_text = insert_plugin(text, krate)?;
            (Addition::Plugin, expected, new_text)
        }
    };
    let new = parse_toolset_with(file, &new_text, known)
        .map_err(|e| format!("the edited tool set would not parse ({e})"))?;
    if new.plugins != expected || new.watch != old.watch || new.index != old.index {
        return Err(
            "the edited tool set would mean something other than the old one plus the addition"
                .to_owned(),
        );
    }
    Ok(Edit {
        addition,
        text: new_text,
    })
}

fn unchanged(text: &str) -> Result<Edit, String> {
    Ok(Edit {
        addition: Addition::AlreadyServed,
        text: text.to_owned(),
    })
}

/// The tokens of a tool set with their matching brackets.
struct Parsed<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    closes: Vec<Option<usize>>,
}

impl<'t> Parsed<'t> {
    fn new(text: &'t str) -> Result<Self, String> {
        let tokens = tokens(text).map_err(|e| e.to_string())?;
        let closes = matching(&tokens).map_err(|e| e.to_string())?;
        Ok(Parsed {
            text,
            tokens,
            closes,
        })
    }

    /// The token range inside the outermost `( … )` (the `ToolSet(...)` struct).
    fn top(&self) -> Result<Range<usize>, String> {
        let open = self
            .tokens
            .iter()
            .position(|t| t.kind == Kind::Punct('('))
            .ok_or("no `ToolSet( … )`")?;
        let close = self.closes[open].ok_or("no `ToolSet( … )`")?;
        Ok(open + 1..close)
    }

    /// Index of the token after `i` skipping a nested bracket group when `i` opens one.
    fn next(&self, i: usize) -> usize {
        self.closes[i].map_or(i + 1, |c| c + 1)
    }

    /// The `[`…`]` token indices of the list value of `key` directly inside `within`.
    fn list_of(&self, within: Range<usize>, key: &str) -> Option<(usize, usize)> {
        let mut i = within.start;
        while i < within.end {
            if self.tokens[i].kind == Kind::Word(key.to_owned())
                && self.tokens.get(i + 1)?.kind == Kind::Punct(':')
            {
                let mut at = i + 2;
                // `Some([...])`, for tool sets written without the implicit-Some extension.
                if self.tokens.get(at)?.kind == Kind::Word("Some".into()) {
                    at += 2;
                }
                let open = self.tokens.get(at)?;
                return (open.kind == Kind::Punct('[')).then_some((at, self.closes[at]?));
            }
            i = self.next(i);
        }
        None
    }

    /// The `(`…`)` token indices of the entry of `plugins` (`list`) naming `crate: krate`.
    fn entry_of(&self, list: (usize, usize), krate: &str) -> Option<(usize, usize)> {
        let mut i = list.0 + 1;
        while i < list.1 {
            if self.tokens[i].kind == Kind::Punct('(') {
                let close = self.closes[i]?;
                if self.names_crate(i + 1..close, krate) {
                    return Some((i, close));
                }
            }
            i = self.next(i);
        }
        None
    }

    fn names_crate(&self, within: Range<usize>, krate: &str) -> bool {
        within.clone().any(|i| {
            self.tokens[i].kind == Kind::Word("crate".into())
                && self.tokens.get(i + 1).map(|t| &t.kind) == Some(&Kind::Punct(':'))
                && self.tokens.get(i + 2).map(|t| &t.kind) == Some(&Kind::Str(krate.to_owned()))
                && i + 2 < within.end
        })
    }

    /// `text` with `item` appended to the list whose brackets are tokens `list`, in the
    /// list's own layout (one entry per line, or all on one line).
    fn append(&self, list: (usize, usize), item: &str) -> String {
        let (open, close) = (&self.tokens[list.0], &self.tokens[list.1]);
        let last = (list.1 > list.0 + 1).then(|| &self.tokens[list.1 - 1]);
        let trailing_comma = last.is_some_and(|t| t.kind == Kind::Punct(','));
        let close_line = line_start(self.text, close.span.start);
        let close_alone = self.text[close_line..close.span.start].trim().is_empty();
        let multi_line = self.text[open.span.start..close.span.start].contains('\n');
        let mut out = self.text.to_owned();
        if multi_line && close_alone {
            let close_indent = &self.text[close_line..close.span.start];
            let indent = self
                .tokens
                .get(list.0 + 1)
                .filter(|_| last.is_some())
                .and_then(|t| indent_of(self.text, t.span.start))
                .unwrap_or_else(|| format!("{close_indent}    "));
            out.insert_str(close_line, &format!("{indent}{item},\n"));
            if let Some(last) = last.filter(|_| !trailing_comma) {
                out.insert(last.span.end, ',');
            }
        } else {
            let (at, insert) = match last {
                None => (open.span.end, item.to_owned()),
                Some(t) if trailing_comma => (t.span.end, format!(" {item},")),
                Some(t) => (t.span.end, format!(", {item}")),
            };
            out.insert_str(at, &insert);
        }
        out
    }
}

/// The byte offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |n| n + 1)
}

/// The indentation of the line holding `at`, when nothing but it precedes `at` there.
fn indent_of(text: &str, at: usize) -> Option<String> {
    let before = &text[line_start(text, at)..at];
    before.trim().is_empty().then(|| before.to_owned())
}

/// `text` with `(crate: "krate")` appended to `plugins`.
fn insert_plugin(text: &str, krate: &str) -> Result<String, String> {
    let parsed = Parsed::new(text)?;
    let list = parsed
        .list_of(parsed.top()?, "plugins")
        .ok_or("no `plugins: [ … ]` list")?;
    Ok(parsed.append(list, &format!("(crate: \"{krate}\")")))
}

/// `text` with `"tool"` appended to the `tools` list of `krate`'s entry.
fn insert_tool(text: &str, krate: &str, tool: &str) -> Result<String, String> {
    let parsed = Parsed::new(text)?;
    let plugins = parsed
        .list_of(parsed.top()?, "plugins")
        .ok_or("no `plugins: [ … ]` list")?;
    let entry = parsed
        .entry_of(plugins, krate)
        .ok_or_else(|| format!("no `(crate: \"{krate}\", …)` entry in `plugins`"))?;
    let tools = parsed
        .list_of(entry.0 + 1..entry.1, "tools")
        .ok_or_else(|| format!("no `tools: [ … ]` list in the entry of `{krate}`"))?;
    Ok(parsed.append(tools, &format!("\"{tool}\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        [
            "graph_tools",
            "status_tools",
            "hello_tools",
            "extract_javascript",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn edit(text: &str, krate: &str, tool: &str) -> Result<Edit, String> {
        let file = Path::new("t.toolset.ron");
        let old = parse_toolset_with(file, text, &known()).unwrap();
        add_tool(file, text, &old, &known(), krate, tool)
    }

    #[test]
    fn a_plugin_is_appended_one_per_line_keeping_comments() {
        let text = "// top\nToolSet(\n    plugins: [\n        (crate: \"graph_tools\"), // g\n        // [not a list]\n    ],\n    watch: (debounce_ms: 50),\n)\n";
        let e = edit(text, "hello_tools", "hello").unwrap();
        assert_eq!(e.addition, Addition::Plugin);
        assert_eq!(
            e.text,
            "// top\nToolSet(\n    plugins: [\n        (crate: \"graph_tools\"), // g\n        // [not a list]\n        (crate: \"hello_tools\"),\n    ],\n    watch: (debounce_ms: 50),\n)\n"
        );
    }

    #[test]
    fn a_missing_trailing_comma_is_added_and_one_line_lists_stay_on_one_line() {
        let text = "ToolSet(\n  plugins: [\n    (crate: \"graph_tools\")\n  ],\n)";
        let e = edit(text, "hello_tools", "hello").unwrap();
        assert!(
            e.text
                .contains("(crate: \"graph_tools\"),\n    (crate: \"hello_tools\"),\n  ],"),
            "{}",
            e.text
        );
        let one = "ToolSet(plugins: [(crate: \"graph_tools\")])";
        let e = edit(one, "hello_tools", "hello").unwrap();
        assert_eq!(
            e.text,
            "ToolSet(plugins: [(crate: \"graph_tools\"), (crate: \"hello_tools\")])"
        );
        let empty = edit("ToolSet(plugins: [])", "hello_tools", "hello").unwrap();
        assert_eq!(empty.text, "ToolSet(plugins: [(crate: \"hello_tools\")])");
    }

    #[test]
    fn a_tool_is_added_to_an_explicit_tools_list_and_nothing_when_all_are_served() {
        let text = "ToolSet(plugins: [\n  (crate: \"graph_tools\", tools: [\"get_impact_map\"]),\n  (crate: \"status_tools\"),\n])";
        let e = edit(text, "graph_tools", "hello").unwrap();
        assert_eq!(e.addition, Addition::Tool);
        assert!(
            e.text.contains("tools: [\"get_impact_map\", \"hello\"]),"),
            "{}",
            e.text
        );
        let all = edit(text, "status_tools", "hello").unwrap();
        assert_eq!(all.addition, Addition::AlreadyServed);
        assert_eq!(all.text, text);
    }
}
