//! Which files a tool call is about: the string values of its path-typed arguments.

use serde_json::Value;

/// Argument values that name files: top-level keys containing `path` or `file` (any case),
/// as strings or arrays of strings.
pub fn path_arguments(args: &Value) -> impl Iterator<Item = &str> {
    let fields = args.as_object().into_iter().flatten();
    fields
        .filter(|(key, _)| {
            let key = key.to_ascii_lowercase();
            key.contains("path") || key.contains("file")
        })
        .flat_map(|(_, value)| match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_typed_arguments_are_found_by_name() {
        let args = serde_json::json!({"filePath": "a.js", "fileA": "b.js", "focusFiles": ["c.js", 3], "symbolName": "x.js", "depth": 2});
        let mut got: Vec<&str> = path_arguments(&args).collect();
        got.sort();
        assert_eq!(got, vec!["a.js", "b.js", "c.js"]);
    }
}
