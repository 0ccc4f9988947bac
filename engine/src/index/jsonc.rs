//! JSON with comments and trailing commas (`tsconfig.json` style), parsed into a value that
//! keeps object keys in file order (`exports` conditions are tried in the order written).
//!
//! Comments and trailing commas are blanked out byte for byte before `serde_json` parses the
//! text, so the line and column of an error are those of the original file.

use std::fmt;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their key order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in file order.
    Object(Vec<(String, Json)>),
    /// A boolean or a number (never a module path).
    Other,
}

impl Json {
    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value of `key` in an object.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Parses JSON that may hold `//` and `/* */` comments and trailing commas.
///
/// # Errors
///
/// The parser's message, with the line and column in the original text.
pub fn parse(text: &str) -> Result<Json, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(&strip_trailing_commas(&strip_comments(text))).map_err(|e| e.to_string())
}

/// Reads and parses a JSON file; a warning naming the position when it cannot.
pub fn read(root: &Path, path: &str, warnings: &mut Vec<(String, String)>) -> Option<Json> {
    let text = match std::fs::read_to_string(root.join(path)) {
        Ok(text) => text,
        Err(e) => {
            warnings.push((path.to_owned(), format!("cannot read: {e}")));
            return None;
        }
    };
    parse(&text)
        .map_err(|e| {
            warnings.push((
                path.to_owned(),
                format!("invalid JSON ({e}); ignored for module resolution"),
            ));
        })
        .ok()
}

/// `text` with every comment byte (but newlines) replaced by a space.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    let blank = |out: &mut String, c: char| {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek().copied()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                blank(&mut out, c);
                while let Some(&next) = chars.peek() {
                    if next == '\n' {
                        break;
                    }
                    blank(&mut out, next);
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                blank(&mut out, c);
                blank(&mut out, chars.next().unwrap_or('*'));
                let mut previous = ' ';
                for next in chars.by_ref() {
                    blank(&mut out, next);
                    if previous == '*' && next == '/' {
                        break;
                    }
                    previous = next;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// `text` (without comments) with each comma that only whitespace separates from a closing
/// bracket replaced by a space.
fn strip_trailing_commas(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (_, b'"') => in_string = !in_string,
            (false, b',') => {
                let next = bytes[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
                if matches!(next, Some(b'}' | b']')) {
                    out[i] = b' ';
                }
            }
            _ => {}
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Json::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_are_tolerated_and_key_order_is_kept() {
        let text = "{\n  // a comment, with \"quotes\"\n  \"b\": \"x // not a comment\", /* c */\n  \"a\": [\"y\",],\n}\n";
        let value = parse(text).expect("valid JSONC");
        assert_eq!(
            value,
            Json::Object(vec![
                ("b".into(), Json::String("x // not a comment".into())),
                ("a".into(), Json::Array(vec![Json::String("y".into())])),
            ])
        );
        assert_eq!(value.str("b"), Some("x // not a comment"));
    }

    #[test]
    fn errors_give_the_position_in_the_original_text() {
        let text = "{\n  /* one\n  two */ \"a\": 1,\n  \"b\" 2\n}";
        let error = parse(text).expect_err("missing colon");
        assert!(error.contains("line 4 column 7"), "{error}");
    }
}
