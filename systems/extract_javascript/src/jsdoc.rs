//! JSDoc comments and type expressions, read as far as receiver types need them.
//!
//! Tags: `@param {T} name`, `@type {T}`, `@returns {T}` (`@return`), `@typedef {T} Name` and
//! `@property {T} name` (an object typedef's fields); `@template {C} T, U` ([`templates`]). A type expression is reduced to the names
//! it may stand for ([`type_names`]): the members of a union or intersection in order, `null`,
//! `undefined`, primitives, arrays, tuples and object literals left out, generic arguments
//! dropped (`SyncHook<[X]>` → `SyncHook`). `import("./x").Y` is kept whole: the file declares it
//! as a type alias ([`inline_import`]).

/// One tag of a JSDoc comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag<'c> {
    /// `param`, `type`, `returns`, `typedef` or `property`.
    pub kind: &'c str,
    /// The type expression between the braces.
    pub ty: &'c str,
    /// The name after the type (`@param`, `@typedef`, `@property`), brackets and defaults
    /// dropped (`[name=1]` → `name`).
    pub name: Option<&'c str>,
}

/// The typed tags of `comment` (a `/** … */` block; other comments have none).
pub fn tags(comment: &str) -> Vec<Tag<'_>> {
    if !comment.starts_with("/**") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = comment;
    while let Some(at) = rest.find('@') {
        rest = &rest[at + 1..];
        let kind_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let kind = match &rest[..kind_end] {
            "return" => "returns",
            k @ ("param" | "type" | "returns" | "typedef" | "property" | "prop") => k,
            _ => continue,
        };
        let after = rest[kind_end..].trim_start();
        let Some(ty) = braced(after) else {
            continue;
        };
        let tail = after[ty.len() + 2..].trim_start();
        out.push(Tag {
            kind: if kind == "prop" { "property" } else { kind },
            ty: ty.trim(),
            name: tag_name(tail),
        });
        rest = tail;
    }
    out
}

/// The type parameters `@template` declares in `comment`, each with its constraint
/// (`@template {Base} T, U` → `T` and `U` bounded by `Base`; `@template T` → `T`, unbounded).
pub fn templates(comment: &str) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    let mut rest = comment;
    while let Some(at) = rest.find("@template") {
        rest = rest[at + "@template".len()..].trim_start_matches([' ', '\t']);
        let bound = braced(rest);
        if let Some(bound) = bound {
            rest = rest[bound.len() + 2..].trim_start_matches([' ', '\t']);
        }
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        for name in line.split(',').map_while(|n| tag_name(n.trim_start())) {
            out.push((name, bound.map(str::trim)));
        }
    }
    out
}

/// The text inside the balanced braces `text` starts with.
fn braced(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('{')?;
    let mut depth = 1usize;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&inner[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The name a tag's text starts with: `name`, `[name]`, `[name=default]`, `...name`.
fn tag_name(tail: &str) -> Option<&str> {
    let tail = tail.strip_prefix('[').unwrap_or(tail);
    let tail = tail.strip_prefix("...").unwrap_or(tail);
    let end = tail
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
        .unwrap_or(tail.len());
    (end > 0).then(|| &tail[..end])
}

/// Names that never lead to a project type.
const NOT_NAMES: &[&str] = &[
    "null",
    "undefined",
    "void",
    "any",
    "unknown",
    "never",
    "string",
    "number",
    "boolean",
    "bigint",
    "symbol",
    "object",
    "Object",
    "true",
    "false",
    "this",
    "Array",
    "ReadonlyArray",
    "Record",
    "Partial",
    "Readonly",
    "Required",
    "Omit",
    "Pick",
    "Function",
    "Promise",
];

/// The names a type expression may stand for, in order (see the module docs).
pub fn type_names(ty: &str) -> Vec<String> {
    let ty = ty.trim();
    let ty = ty
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .filter(|t| top_level_split(t).len() > 1 || !t.contains('('))
        .unwrap_or(ty);
    let parts = top_level_split(ty);
    if parts.len() > 1 {
        return parts.into_iter().flat_map(type_names).collect();
    }
    single_name(ty).into_iter().collect()
}

/// `ty` split at its top-level `|` and `&`.
fn top_level_split(ty: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in ty.char_indices() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            ')' | '>' | ']' | '}' => depth -= 1,
            '|' | '&' if depth == 0 => {
                parts.push(ty[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(ty[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The one name a non-union type stands for, if any.
fn single_name(ty: &str) -> Option<String> {
    let ty = ty.trim().trim_start_matches('?').trim_start_matches('!');
    if ty.starts_with("import(") {
        let compact: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
        let end = compact.find('<').unwrap_or(compact.len());
        return Some(compact[..end].to_owned());
    }
    if ty.ends_with(']') || ty.starts_with(['{', '[', '(', '"', '\'']) || ty.contains("=>") {
        return None;
    }
    let name = ty.split('<').next().unwrap_or(ty).trim();
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
    (plain && !NOT_NAMES.contains(&name)).then(|| name.to_owned())
}

/// The first name `ty` stands for.
pub fn first_name(ty: &str) -> Option<String> {
    type_names(ty).into_iter().next()
}

/// `import("spec")` or `import("spec").A.B` read back: the specifier and the member path
/// (`A.B`, or `None` for the module itself).
pub fn inline_import(name: &str) -> Option<(String, Option<String>)> {
    let inner = name.strip_prefix("import(")?;
    let close = inner.find(')')?;
    let spec = inner[..close].trim_matches(['"', '\'', '`']);
    let member = inner[close + 1..].strip_prefix('.').map(str::to_owned);
    Some((spec.to_owned(), member))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_with_types_and_names() {
        let c = "/**\n * @param {ChunkGraph} chunkGraph the graph\n * @param {string=} [name] n\n * @returns {Logger | undefined} a logger\n */";
        let t = tags(c);
        assert_eq!(t.len(), 3);
        assert_eq!(
            (t[0].kind, t[0].ty, t[0].name),
            ("param", "ChunkGraph", Some("chunkGraph"))
        );
        assert_eq!(t[1].name, Some("name"));
        assert_eq!((t[2].kind, t[2].ty), ("returns", "Logger | undefined"));
        assert!(tags("// @param {A} a").is_empty());
    }

    #[test]
    fn templates_with_and_without_a_bound() {
        let doc = "/**\n * @template {Base} T, U\n * @template V\n * @param {T} x\n */";
        assert_eq!(
            templates(doc),
            [("T", Some("Base")), ("U", Some("Base")), ("V", None)]
        );
    }

    #[test]
    fn nested_braces_in_types() {
        let t = tags("/** @type {Map<string, {a: number}>} */");
        assert_eq!(t[0].ty, "Map<string, {a: number}>");
    }

    #[test]
    fn type_names_skip_nulls_and_primitives() {
        assert_eq!(type_names("ChunkGraph | undefined"), vec!["ChunkGraph"]);
        assert_eq!(
            type_names("Record<string, any> & ParserStateBase"),
            vec!["ParserStateBase"]
        );
        assert_eq!(type_names("SyncHook<[Chunk]>"), vec!["SyncHook"]);
        assert!(type_names("Module[]").is_empty());
        assert_eq!(
            type_names("import(\"./ChunkGraph\")"),
            vec!["import(\"./ChunkGraph\")"]
        );
        assert_eq!(
            inline_import("import(\"../Parser\").ParserState"),
            Some(("../Parser".to_owned(), Some("ParserState".to_owned())))
        );
    }
}
