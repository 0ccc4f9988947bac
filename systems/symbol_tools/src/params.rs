//! Parameter lists: parsing a proposed signature and comparing it with the indexed one.
//!
//! A signature is `(a, b = 1, ...rest)`, `f(a, b)`, `a, b`, TypeScript `(a: T, b?: U): R` or
//! Python `(self, a, *args, b=1, **kw)`. Names are read like the extractor reads them: the
//! binding before any default or type, `...`/`*` stripped, destructuring patterns kept as text,
//! and a leading receiver left out (Python `self`/`cls`, Rust `self`, `&self`, `&mut self`,
//! `mut self`), as the extractors leave it out of the indexed parameters.

use omnysys_api::prelude::*;

/// One parameter of a proposed signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Param {
    /// Its name (or destructuring pattern, whitespace collapsed).
    pub name: String,
    /// It has a default value or is marked optional (`b?`).
    pub optional: bool,
    /// It collects the remaining arguments (`...rest`, `*args`, `**kw`).
    pub rest: bool,
}

/// Parses a proposed parameter list.
pub fn parse_signature(text: &str) -> Vec<Param> {
    let mut params: Vec<Param> = split_top_level(inner_list(text))
        .into_iter()
        .filter_map(parse_param)
        .collect();
    if params.first().is_some_and(|p| is_receiver(&p.name)) {
        params.remove(0);
    }
    params
}

/// `self`, `cls`, `&self`, `&mut self`, `&'a self`, `mut self`.
fn is_receiver(name: &str) -> bool {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '&')
        .filter(|w| !w.is_empty() && *w != "mut" && !w.starts_with('\''))
        .collect();
    matches!(words.as_slice(), ["self" | "cls"])
}

/// The text between the first `(` and its matching `)`, or all of it when there is no `(`.
fn inner_list(text: &str) -> &str {
    let Some(open) = text.find('(') else {
        return text;
    };
    let mut depth = 0usize;
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            return &text[open + 1..i];
        }
    }
    &text[open + 1..]
}

/// Splits at commas outside brackets, braces, parentheses, angle brackets and strings.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'') if is_lifetime(&text[..i]) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(' | '[' | '{' | '<') => depth += 1,
            (None, ')' | ']' | '}' | '>') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Whether a `'` after `before` opens a Rust lifetime (`&'a T`, `Foo<'a>`, `T + 'static`)
/// rather than a quoted string.
fn is_lifetime(before: &str) -> bool {
    before.trim_end().ends_with(['&', '<', '+'])
}

/// One parameter, `None` for empty text and Python's bare `*` and `/` markers.
fn parse_param(text: &str) -> Option<Param> {
    let text = text.trim();
    let (binding, has_default) = match cut_top_level(text, '=') {
        Some(binding) => (binding, true),
        None => (text, false),
    };
    let binding = cut_top_level(binding, ':').unwrap_or(binding).trim();
    let rest = binding.starts_with("...") || binding.starts_with('*');
    let bare = binding.trim_start_matches("...").trim_start_matches('*');
    let optional = has_default || bare.ends_with('?');
    let name = bare
        .trim_end_matches('?')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty() && name != "/").then_some(Param {
        name,
        optional,
        rest,
    })
}

/// The text before the first `sep` outside brackets, when there is one (`=>`/`==` excluded).
fn cut_top_level(text: &str, sep: char) -> Option<&str> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 && !matches!(bytes.get(i + 1), Some(b'>' | b'=')) => {
                return Some(&text[..i]);
            }
            _ => {}
        }
    }
    None
}

/// A parameter that kept its name but changed position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Moved {
    /// Its name.
    pub name: String,
    /// 1-based position before.
    pub from: usize,
    /// 1-based position after.
    pub to: usize,
}

/// What changes between the indexed parameter list and a proposed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Parameters before (the index does not record which had defaults).
    pub arity_before: usize,
    /// Parameters a call must pass after.
    pub required_after: usize,
    /// Parameters a call may pass after; `null` with a rest parameter.
    pub max_after: Option<usize>,
    /// Names no longer present (a rename shows as removed plus added).
    pub removed: Vec<String>,
    /// New names, and whether each is required.
    pub added: Vec<Param>,
    /// Names whose position changed.
    pub moved: Vec<Moved>,
    /// Whether the kept names are in a different relative order.
    pub reordered: bool,
    /// Whether a call written for the old list may now be wrong.
    pub breaking: bool,
    /// Each change, one sentence each.
    pub changes: Vec<String>,
}

/// Compares the indexed parameter names `old` with the proposed `new` list.
pub fn compare(old: &[String], new: &[Param]) -> Comparison {
    let position = |name: &str| new.iter().position(|p| p.name == name);
    let removed: Vec<String> = old
        .iter()
        .filter(|o| position(o).is_none())
        .cloned()
        .collect();
    let added: Vec<Param> = new
        .iter()
        .filter(|p| !old.contains(&p.name))
        .cloned()
        .collect();
    let kept: Vec<usize> = old.iter().filter_map(|o| position(o)).collect();
    let required_after = new.iter().filter(|p| !p.optional && !p.rest).count();
    let moved = moved(old, new);
    let mut comparison = Comparison {
        arity_before: old.len(),
        required_after,
        max_after: (!new.iter().any(|p| p.rest)).then_some(new.len()),
        breaking: !removed.is_empty() || !moved.is_empty() || required_after > old.len(),
        removed,
        added,
        moved,
        reordered: kept.windows(2).any(|w| w[0] > w[1]),
        changes: Vec::new(),
    };
    comparison.changes = describe(&comparison);
    comparison
}

/// The old parameters that are still there at another position.
fn moved(old: &[String], new: &[Param]) -> Vec<Moved> {
    old.iter()
        .enumerate()
        .filter_map(|(i, o)| Some((i, o, new.iter().position(|p| p.name == *o)?)))
        .filter(|(i, _, j)| i != j)
        .map(|(i, o, j)| Moved {
            name: o.clone(),
            from: i + 1,
            to: j + 1,
        })
        .collect()
}

/// One sentence per change.
fn describe(c: &Comparison) -> Vec<String> {
    let max = c
        .max_after
        .map_or("any number of".to_owned(), |m| m.to_string());
    let mut changes = vec![format!(
        "arity: {} before; {} required and {max} accepted after",
        c.arity_before, c.required_after
    )];
    changes.extend(c.removed.iter().map(|r| format!("removed `{r}`")));
    changes.extend(
        c.added
            .iter()
            .map(|a| format!("added {} `{}`", how(a), a.name)),
    );
    changes.extend(
        c.moved
            .iter()
            .map(|m| format!("moved `{}` from position {} to {}", m.name, m.from, m.to)),
    );
    if c.reordered {
        changes.push("kept parameters are in a different order".to_owned());
    }
    if c.required_after > c.arity_before {
        changes.push(
            "more required parameters than before: calls passing the old ones miss an argument"
                .to_owned(),
        );
    }
    changes
}

/// `rest`, `optional` or `required`.
fn how(param: &Param) -> &'static str {
    match (param.rest, param.optional) {
        (true, _) => "rest",
        (false, true) => "optional",
        (false, false) => "required",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, optional: bool, rest: bool) -> Param {
        Param {
            name: name.into(),
            optional,
            rest,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_leading_receiver_is_left_out() {
        for text in [
            "(self, a)",
            "(cls, a)",
            "(&self, a: u8)",
            "(&'a mut self, a: u8)",
            "(mut self, a)",
        ] {
            assert_eq!(parse_signature(text), vec![p("a", false, false)], "{text}");
        }
        assert_eq!(parse_signature("(a, self)").len(), 2);
    }

    #[test]
    fn signatures_in_several_spellings() {
        assert_eq!(
            parse_signature("(a, b, c = 1)"),
            vec![
                p("a", false, false),
                p("b", false, false),
                p("c", true, false)
            ]
        );
        assert_eq!(
            parse_signature("a, b"),
            vec![p("a", false, false), p("b", false, false)]
        );
        assert_eq!(
            parse_signature("f(x: Map<K, V>, y?: T, ...rest: U[]): R"),
            vec![
                p("x", false, false),
                p("y", true, false),
                p("rest", false, true)
            ]
        );
        assert_eq!(
            parse_signature("({ a, b } = {}, cb = () => 1)"),
            vec![p("{ a, b }", true, false), p("cb", true, false)]
        );
        assert_eq!(
            parse_signature("(self, a, *, b='x,y', **kw)"),
            vec![
                p("a", false, false),
                p("b", true, false),
                p("kw", false, true)
            ]
        );
        assert_eq!(parse_signature("()"), vec![]);
    }

    #[test]
    fn appending_an_optional_parameter_is_compatible() {
        let c = compare(&names(&["a", "b"]), &parse_signature("(a, b, c = 1)"));
        assert!(!c.breaking);
        assert_eq!((c.required_after, c.max_after), (2, Some(3)));
        assert_eq!(
            c.changes,
            vec![
                "arity: 2 before; 2 required and 3 accepted after",
                "added optional `c`"
            ]
        );
    }

    #[test]
    fn removed_moved_and_new_required_parameters_break() {
        let c = compare(&names(&["a", "b", "c"]), &parse_signature("(c, a)"));
        assert!(c.breaking && c.reordered);
        assert_eq!(c.removed, vec!["b"]);
        assert_eq!(
            c.moved,
            vec![
                Moved {
                    name: "a".into(),
                    from: 1,
                    to: 2
                },
                Moved {
                    name: "c".into(),
                    from: 3,
                    to: 1
                }
            ]
        );
        let c = compare(&names(&["a"]), &parse_signature("(a, b)"));
        assert!(c.breaking && !c.reordered && c.removed.is_empty());
        assert_eq!(
            c.changes.last().unwrap(),
            "more required parameters than before: calls passing the old ones miss an argument"
        );
    }
}
