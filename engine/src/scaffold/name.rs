//! Tool names a scaffold accepts: snake_case Rust identifiers that can be a module and a
//! function of a plugin crate, and a crate name with `_tools` appended.

/// The longest name accepted: the template's lines (the tool function's signature is the
/// longest) stay within rustfmt's 100 columns, so a scaffolded crate passes `cargo fmt --check`.
pub const MAX_NAME_LEN: usize = 26;

/// Rust keywords (strict, reserved and weak ones that cannot name a module).
const KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Names a module of a plugin crate cannot take: the crate root's file, and the crates the
/// plugin's code and derives refer to by name.
const TAKEN: [&str; 9] = [
    "lib",
    "main",
    "std",
    "core",
    "alloc",
    "serde",
    "schemars",
    "omnysys_api",
    "tool_support",
];

/// Why `name` cannot name a tool, or `None` when it can.
fn problem(name: &str) -> Option<String> {
    let first = name.chars().next()?;
    if !first.is_ascii_lowercase() {
        return Some("it must start with a lowercase ASCII letter (snake_case)".to_owned());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Some(
            "only lowercase ASCII letters, digits and `_` are allowed (snake_case)".into(),
        );
    }
    if name.ends_with('_') || name.contains("__") {
        return Some("`_` must separate words (no trailing or doubled `_`)".to_owned());
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!("it is longer than {MAX_NAME_LEN} characters"));
    }
    if KEYWORDS.contains(&name) {
        return Some("it is a Rust keyword".to_owned());
    }
    if TAKEN.contains(&name) {
        return Some("a plugin crate already uses that name for something else".to_owned());
    }
    None
}

/// Why `name` is empty or invalid, for the empty case [`problem`] cannot see.
pub fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".to_owned());
    }
    problem(name).map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_identifiers_pass_and_the_rest_say_why() {
        for ok in ["hello", "count_files", "v2_answer"] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        let why = |n: &str| check(n).unwrap_err();
        assert!(why("").contains("empty"));
        assert!(why("Hello").contains("lowercase"));
        assert!(why("2fast").contains("lowercase"));
        assert!(why("hello-world").contains("snake_case"));
        assert!(why("a__b").contains("separate"));
        assert!(why("fn").contains("keyword"));
        assert!(why("lib").contains("already"));
        assert!(why(&"a".repeat(27)).contains("longer"));
        assert_eq!(check(&"a".repeat(26)), Ok(()));
    }
}
