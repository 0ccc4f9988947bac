//! Just enough of RON's lexical structure to find where a list of a tool set begins and ends,
//! so that an edit can insert text there and leave every comment and line as it was.
//!
//! Tokens are identifiers, strings (plain and raw) and punctuation, with their byte spans;
//! whitespace and comments (`//`, nested `/* */`) are skipped.

use std::ops::Range;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier, keyword or number.
    Word(String),
    /// A string literal's contents (escapes are kept as written).
    Str(String),
    /// Any other character.
    Punct(char),
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Its bytes in the text.
    pub span: Range<usize>,
}

/// Why the text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("byte {at}: {what}")]
pub struct LexError {
    /// The byte offset of the problem.
    pub at: usize,
    /// What is unterminated or unbalanced.
    pub what: &'static str,
}

/// The tokens of `text`.
///
/// # Errors
///
/// An unterminated string or comment.
pub fn tokens(text: &str) -> Result<Vec<Token>, LexError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
        } else if text[i..].starts_with("/*") {
            i = block_comment_end(text, i)?;
        } else if c == b'"' {
            i = string_end(text, i + 1, 0)?;
            out.push(token(
                Kind::Str(text[start + 1..i - 1].to_owned()),
                start..i,
            ));
        } else if let Some(hashes) = raw_string_start(text, i) {
            let body = i + 2 + hashes;
            i = string_end(text, body, hashes)?;
            let contents = text[body..i - 1 - hashes].to_owned();
            out.push(token(Kind::Str(contents), start..i));
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            out.push(token(Kind::Word(text[start..i].to_owned()), start..i));
        } else {
            let ch = text[i..].chars().next().unwrap_or('\0');
            i += ch.len_utf8();
            out.push(token(Kind::Punct(ch), start..i));
        }
    }
    Ok(out)
}

fn token(kind: Kind, span: Range<usize>) -> Token {
    Token { kind, span }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' || b == b'+'
}

/// The number of `#`s of a raw string starting at `i` (`r"`, `r#"`, ...).
fn raw_string_start(text: &str, i: usize) -> Option<usize> {
    let rest = text[i..].strip_prefix('r')?;
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    rest[hashes..].starts_with('"').then_some(hashes)
}

/// The end (exclusive, after the closing quote and `hashes` `#`s) of a string whose contents
/// start at `from`.
fn string_end(text: &str, from: usize, hashes: usize) -> Result<usize, LexError> {
    let closing = format!("\"{}", "#".repeat(hashes));
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if hashes == 0 && bytes[i] == b'\\' {
            i += 2;
        } else if text[i..].starts_with(&closing) {
            return Ok(i + closing.len());
        } else {
            i += 1;
        }
    }
    Err(LexError {
        at: from.saturating_sub(1),
        what: "unterminated string",
    })
}

/// The end of a (nested) block comment starting at `from`.
fn block_comment_end(text: &str, from: usize) -> Result<usize, LexError> {
    let mut depth = 0usize;
    let mut i = from;
    while i < text.len() {
        if text[i..].starts_with("/*") {
            depth += 1;
            i += 2;
        } else if text[i..].starts_with("*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Ok(i);
            }
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    Err(LexError {
        at: from,
        what: "unterminated comment",
    })
}

/// For each opening bracket (`(`, `[`, `{`), the index of the token closing it.
///
/// # Errors
///
/// Unbalanced brackets.
pub fn matching(tokens: &[Token]) -> Result<Vec<Option<usize>>, LexError> {
    let mut closes = vec![None; tokens.len()];
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Kind::Punct(c) = t.kind else { continue };
        match c {
            '(' | '[' | '{' => open.push((i, c)),
            ')' | ']' | '}' => {
                let unbalanced = LexError {
                    at: t.span.start,
                    what: "unbalanced bracket",
                };
                let (at, opened) = open.pop().ok_or(unbalanced.clone())?;
                if !matches!((opened, c), ('(', ')') | ('[', ']') | ('{', '}')) {
                    return Err(unbalanced);
                }
                closes[at] = Some(i);
            }
            _ => {}
        }
    }
    match open.last() {
        Some((at, _)) => Err(LexError {
            at: tokens[*at].span.start,
            what: "unclosed bracket",
        }),
        None => Ok(closes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        tokens(text).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn comments_are_skipped_and_strings_kept_whole() {
        let k = kinds("A( // x: [\n b: \"a]\\\"\", /* ( /* ) */ */ c: r#\"]\"# )");
        assert_eq!(
            k,
            vec![
                Kind::Word("A".into()),
                Kind::Punct('('),
                Kind::Word("b".into()),
                Kind::Punct(':'),
                Kind::Str("a]\\\"".into()),
                Kind::Punct(','),
                Kind::Word("c".into()),
                Kind::Punct(':'),
                Kind::Str("]".into()),
                Kind::Punct(')'),
            ]
        );
    }

    #[test]
    fn brackets_are_matched_and_imbalance_reported() {
        let t = tokens("([a], (b))").unwrap();
        let m = matching(&t).unwrap();
        assert_eq!(m[0], Some(8));
        assert_eq!(m[1], Some(3));
        assert!(matching(&tokens("([)]").unwrap()).is_err());
        assert!(tokens("\"open").is_err());
        assert!(tokens("/* open").is_err());
    }
}
