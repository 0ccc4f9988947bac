//! Reading cargo's output: `--message-format=json` lines on stdout, progress lines on stderr.
//!
//! Only what build on save reports is kept, and bounded: the first [`MAX_ERRORS`] compiler
//! errors (each at most [`MAX_ERROR_CHARS`]), whether the build finished and how, and the last
//! [`MAX_STDERR_LINES`] lines cargo printed (for failures with no compiler message, such as a
//! broken manifest).

use std::collections::VecDeque;

use serde_json::Value;

/// The most compiler errors kept from one build.
pub const MAX_ERRORS: usize = 5;
/// The most characters kept of one error message.
pub const MAX_ERROR_CHARS: usize = 600;
/// The most stderr lines kept from one build.
pub const MAX_STDERR_LINES: usize = 20;

/// What cargo prints on stderr while another cargo holds the build directory's lock.
const LOCK_WAIT: &str = "Blocking waiting for file lock";

/// One compiler error, located at its primary span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The crate being compiled.
    pub krate: String,
    /// The file, as rustc names it (relative to the workspace for workspace crates).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// The message's first line, e.g. ``error[E0425]: cannot find value `x` in this scope``.
    pub message: String,
}

impl Diagnostic {
    /// `file:line:column: message`.
    pub fn located(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// What one line of cargo's JSON output says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A compiler error.
    Error(Diagnostic),
    /// The build ended (cargo's `build-finished`).
    Finished {
        /// Whether every unit compiled.
        success: bool,
    },
    /// Anything else (artifacts, warnings, build-script output, text that is not JSON).
    Other,
}

/// Reads one stdout line of `cargo build --message-format=json`.
pub fn parse_line(line: &str) -> Message {
    let Ok(value) = serde_json::from_str::<Value>(line) else {
        return Message::Other;
    };
    match value["reason"].as_str() {
        Some("build-finished") => Message::Finished {
            success: value["success"].as_bool().unwrap_or(false),
        },
        Some("compiler-message") => compiler_error(&value).map_or(Message::Other, Message::Error),
        _ => Message::Other,
    }
}

/// The error of a `compiler-message`, located at its primary span (`None` for warnings).
fn compiler_error(value: &Value) -> Option<Diagnostic> {
    let message = &value["message"];
    let level = message["level"].as_str()?;
    if !level.starts_with("error") {
        return None;
    }
    let spans = message["spans"].as_array();
    let span = spans.and_then(|s| s.iter().find(|s| s["is_primary"] == true).or(s.first()));
    let text = match message["code"]["code"].as_str() {
        Some(code) => format!("{level}[{code}]: {}", message["message"].as_str()?),
        None => format!("{level}: {}", message["message"].as_str()?),
    };
    Some(Diagnostic {
        krate: value["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        file: normalize(span.and_then(|s| s["file_name"].as_str()).unwrap_or("?")),
        line: span.and_then(|s| s["line_start"].as_u64()).unwrap_or(0),
        column: span.and_then(|s| s["column_start"].as_u64()).unwrap_or(0),
        message: capped(&text, MAX_ERROR_CHARS),
    })
}

/// `path` with `.` and `dir/..` removed, lexically (a crate that includes another crate's module
/// through `#[path = "../../…"]` names it through its own directory).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// `text` cut to at most `max` characters, marked when cut.
fn capped(text: &str, max: usize) -> String {
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.chars().count() <= max {
        return first_line.to_owned();
    }
    first_line.chars().take(max).chain("…".chars()).collect()
}

/// Everything kept from one build's output.
#[derive(Clone, Debug, Default)]
pub struct BuildLog {
    /// The first errors (at most [`MAX_ERRORS`]).
    pub errors: Vec<Diagnostic>,
    /// Every error seen, kept or not.
    pub error_count: usize,
    /// `Some(success)` once cargo said the build finished.
    pub finished: Option<bool>,
    /// The last stderr lines.
    pub stderr_tail: VecDeque<String>,
}

impl BuildLog {
    /// Takes one stdout line.
    pub fn stdout(&mut self, line: &str) {
        match parse_line(line) {
            Message::Error(d) => {
                // The same error in a crate that compiles the file too (`#[path]`) is one error
                // (counted once, when it is among the errors kept).
                let same = |e: &Diagnostic| {
                    (&e.file, e.line, e.column, &e.message)
                        == (&d.file, d.line, d.column, &d.message)
                };
                if self.errors.iter().any(same) {
                    return;
                }
                self.error_count += 1;
                if self.errors.len() < MAX_ERRORS {
                    self.errors.push(d);
                }
            }
            Message::Finished { success } => self.finished = Some(success),
            Message::Other => {}
        }
    }

    /// Takes one stderr line; true when it says cargo waits for the build directory's lock.
    pub fn stderr(&mut self, line: &str) -> bool {
        if self.stderr_tail.len() == MAX_STDERR_LINES {
            self.stderr_tail.pop_front();
        }
        self.stderr_tail.push_back(capped(line, MAX_ERROR_CHARS));
        line.contains(LOCK_WAIT)
    }

    /// What went wrong, for a build that failed with `exit`: the first errors with
    /// file:line:column, else the end of cargo's stderr.
    pub fn failure(&self, exit: &str) -> String {
        if self.errors.is_empty() {
            let tail: Vec<&str> = self.stderr_tail.iter().map(String::as_str).collect();
            return format!(
                "cargo failed ({exit}) with no compiler error:\n{}",
                tail.join("\n")
            );
        }
        let mut text = format!("{} error(s)", self.error_count);
        if self.error_count > self.errors.len() {
            text.push_str(&format!(", the first {}", self.errors.len()));
        }
        for d in &self.errors {
            text.push_str(&format!("\n{} (crate {})", d.located(), d.krate));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_line(file: &str, line: u64, column: u64) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "target": {"name": "graph_tools", "kind": ["cdylib", "rlib"]},
            "message": {
                "level": "error", "message": "cannot find value `x` in this scope",
                "code": {"code": "E0425"},
                "spans": [
                    {"file_name": "other.rs", "line_start": 1, "column_start": 1, "is_primary": false},
                    {"file_name": file, "line_start": line, "column_start": column, "is_primary": true}
                ],
                "rendered": "error[E0425]: cannot find value `x`\n  --> ..."
            }
        })
        .to_string()
    }

    #[test]
    fn a_compiler_error_is_located_at_its_primary_span() {
        let line = error_line("systems/graph_tools/src/impact.rs", 12, 9);
        let Message::Error(d) = parse_line(&line) else {
            panic!("not an error: {line}");
        };
        assert_eq!(
            d.located(),
            "systems/graph_tools/src/impact.rs:12:9: error[E0425]: cannot find value `x` in this scope"
        );
        assert_eq!(d.krate, "graph_tools");
    }

    #[test]
    fn an_error_in_a_file_two_crates_compile_is_kept_once_under_its_plain_path() {
        let mut log = BuildLog::default();
        log.stdout(&error_line("systems/graph_tools/src/impact.rs", 12, 9));
        log.stdout(&error_line(
            "tests/fixtures/plugins/next/src/../../../../../systems/graph_tools/src/impact.rs",
            12,
            9,
        ));
        assert_eq!(log.errors.len(), 1);
        assert_eq!(log.error_count, 1);
        assert_eq!(normalize("./a/../../b/./c"), "../b/c");
    }

    #[test]
    fn warnings_and_artifacts_are_not_errors_and_build_finished_is_read() {
        let warning = r#"{"reason":"compiler-message","message":{"level":"warning","message":"unused","spans":[]}}"#;
        assert_eq!(parse_line(warning), Message::Other);
        assert_eq!(
            parse_line(r#"{"reason":"compiler-artifact"}"#),
            Message::Other
        );
        assert_eq!(parse_line("not json"), Message::Other);
        assert_eq!(
            parse_line(r#"{"reason":"build-finished","success":false}"#),
            Message::Finished { success: false }
        );
    }

    #[test]
    fn only_the_first_errors_are_kept_and_the_failure_names_them_with_their_location() {
        let mut log = BuildLog::default();
        for n in 1..=8 {
            log.stdout(&error_line("src/lib.rs", n, 3));
        }
        assert_eq!(log.errors.len(), MAX_ERRORS);
        let text = log.failure("exit status: 101");
        assert!(text.starts_with("8 error(s), the first 5"), "{text}");
        assert!(text.contains("src/lib.rs:1:3: error[E0425]"), "{text}");
        assert!(!text.contains("src/lib.rs:6:3"), "{text}");
    }

    #[test]
    fn the_lock_wait_is_recognised_and_stderr_is_bounded() {
        let mut log = BuildLog::default();
        assert!(log.stderr("    Blocking waiting for file lock on build directory"));
        for _ in 0..100 {
            assert!(!log.stderr("   Compiling x v0.1.0"));
        }
        assert_eq!(log.stderr_tail.len(), MAX_STDERR_LINES);
        assert!(
            log.failure("exit status: 101")
                .contains("no compiler error")
        );
    }
}
