//! Parsing a tool set: raw RON as written, then validated into a [`Toolset`].
//!
//! Every error names the file, and line and column where it can: RON errors carry their span,
//! and validation errors point at the string they are about.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::locate::workspace_crates;
use crate::plugin::verify::check_library_owner;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename = "ToolSet")]
struct RawToolset {
    plugins: Vec<RawPlugin>,
    #[serde(default)]
    watch: RawWatch,
    #[serde(default)]
    index: RawIndex,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename = "Plugin")]
struct RawPlugin {
    #[serde(rename = "crate", default)]
    krate: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tools: Option<Vec<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename = "Watch")]
struct RawWatch {
    #[serde(default = "default_debounce_ms")]
    debounce_ms: u64,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default = "yes")]
    build_on_save: bool,
}

impl Default for RawWatch {
    fn default() -> Self {
        RawWatch {
            debounce_ms: default_debounce_ms(),
            enabled: true,
            build_on_save: true,
        }
    }
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename = "Index")]
struct RawIndex {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    max_file_bytes: Option<u64>,
}

fn default_debounce_ms() -> u64 {
    50
}

fn yes() -> bool {
    true
}

/// Where a plugin's library comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PluginSource {
    /// A crate of this workspace, built into the engine's target directory.
    Crate(String),
    /// A library file.
    Path(PathBuf),
}

/// One plugin of a tool set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginEntry {
    /// Where its library comes from.
    pub source: PluginSource,
    /// Tools to serve; `None` serves all (so a plugin that gains a tool shows it).
    pub tools: Option<Vec<String>>,
}

/// Watch settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchSettings {
    /// Quiet time before a burst of changes is acted on.
    pub debounce: Duration,
    /// Whether to watch at all.
    pub enabled: bool,
    /// Whether a change to a plugin crate's sources builds it (when the engine runs from its
    /// workspace); `watch: (build_on_save: false)` turns it off.
    pub build_on_save: bool,
}

/// Index settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexSettings {
    /// Globs a file must match (empty: every file an extractor handles).
    pub include: Vec<String>,
    /// Globs that exclude files.
    pub exclude: Vec<String>,
    /// Files larger than this are recorded but not extracted.
    pub max_file_bytes: u64,
}

/// Files larger than this (1 MiB) are recorded but not extracted, unless the tool set says
/// otherwise (`index: (max_file_bytes: N)`).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1024 * 1024;

impl Default for IndexSettings {
    fn default() -> Self {
        IndexSettings {
            include: Vec::new(),
            exclude: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// A validated tool set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toolset {
    /// The file it came from.
    pub file: PathBuf,
    /// Plugins to load, in order.
    pub plugins: Vec<PluginEntry>,
    /// Watch settings.
    pub watch: WatchSettings,
    /// Index settings.
    pub index: IndexSettings,
}

/// A tool set that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolsetError {
    /// The file cannot be read.
    #[error("cannot read tool set `{0}`: {1}")]
    Read(PathBuf, String),
    /// No tool set was named and there is no default (a binary outside its workspace).
    #[error("{0}")]
    NoDefault(String),
    /// A problem at a position in the file.
    #[error("{}:{line}:{column}: {message}", file.display())]
    At {
        /// File.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, and what was expected.
        message: String,
    },
}

/// Reads and validates a tool set.
///
/// # Errors
///
/// [`ToolsetError`] naming the file, line and column.
pub fn load_toolset(file: &Path) -> Result<Toolset, ToolsetError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ToolsetError::Read(file.to_path_buf(), e.to_string()))?;
    parse_toolset(file, &text)
}

/// Parses and validates tool-set text read from `file`.
///
/// # Errors
///
/// As [`load_toolset`].
pub fn parse_toolset(file: &Path, text: &str) -> Result<Toolset, ToolsetError> {
    parse_toolset_with(file, text, &workspace_crates())
}

/// Parses and validates tool-set text read from `file`, naming crates among `known` (the plugin
/// crates of the workspace it belongs to).
///
/// # Errors
///
/// As [`load_toolset`].
pub fn parse_toolset_with(
    file: &Path,
    text: &str,
    known: &[String],
) -> Result<Toolset, ToolsetError> {
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let raw: RawToolset = options.from_str(text).map_err(|e| ToolsetError::At {
        file: file.to_path_buf(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    })?;
    let at = |needle: &str, message: String| {
        let (line, column) = locate(text, needle);
        ToolsetError::At {
            file: file.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let base = file.parent().unwrap_or(Path::new("."));
    let mut plugins = Vec::new();
    for (i, p) in raw.plugins.into_iter().enumerate() {
        let source = match (p.krate, p.path) {
            (Some(name), None) if known.contains(&name) => PluginSource::Crate(name),
            (Some(name), None) => {
                let msg = format!(
                    "unknown plugin crate `{name}`; this workspace has: {}",
                    known.join(", ")
                );
                return Err(at(&format!("\"{name}\""), msg));
            }
            (None, Some(path)) => {
                let resolved = base.join(&path);
                check_library_path(&resolved).map_err(|m| at(&format!("\"{path}\""), m))?;
                PluginSource::Path(resolved)
            }
            _ => {
                return Err(at(
                    "plugins",
                    format!(
                        "plugin #{}: give exactly one of `crate: \"name\"` or `path: \"lib.so\"`",
                        i + 1
                    ),
                ));
            }
        };
        plugins.push(PluginEntry {
            source,
            tools: p.tools,
        });
    }
    let watch = WatchSettings {
        debounce: Duration::from_millis(raw.watch.debounce_ms),
        enabled: raw.watch.enabled,
        build_on_save: raw.watch.build_on_save,
    };
    let index = IndexSettings {
        include: raw.index.include,
        exclude: raw.index.exclude,
        max_file_bytes: raw.index.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES),
    };
    Ok(Toolset {
        file: file.to_path_buf(),
        plugins,
        watch,
        index,
    })
}

/// A library named by path must belong to the user running the engine and not be writable by
/// others — the rule every library is loaded under ([`check_library_owner`]), checked early so
/// the tool set's error is located.
fn check_library_path(path: &Path) -> Result<(), String> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // may appear later; it is checked again when loaded
    };
    check_library_owner(path, &meta).map_err(|e| match e {
        crate::plugin::LoadError::Untrusted(reason) => reason,
        other => other.to_string(),
    })
}

/// Prefixes `reason` (a refusal of a tool set's plugin) with `file:line:column` of the last
/// back-ticked name in it that the tool-set text quotes, e.g. an unknown tool name.
pub fn locate_reason(file: &Path, reason: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let quoted = reason
        .split('`')
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|name| format!("\"{name}\""))
        .find(|q| text.contains(q.as_str()));
    let (line, column) = quoted.map_or((1, 1), |q| locate(&text, &q));
    format!("{}:{line}:{column}: {reason}", file.display())
}

/// 1-based line and column of the first occurrence of `needle` (1:1 if absent).
fn locate(text: &str, needle: &str) -> (usize, usize) {
    let Some(offset) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Toolset, ToolsetError> {
        parse_toolset(Path::new("x.toolset.ron"), text)
    }

    #[test]
    fn unknown_fields_are_reported_with_line_and_column() {
        let err = parse("ToolSet(\n  plugins: [],\n  colour: 3,\n)")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.toolset.ron:3:3:"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let err = parse("ToolSet(plugins: [(crate: 5)])")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.toolset.ron:1:"), "{err}");
        assert!(err.to_lowercase().contains("expected"), "{err}");
    }

    #[test]
    fn an_unknown_crate_is_located_and_the_known_ones_listed() {
        let err = parse("ToolSet(\n  plugins: [\n    (crate: \"nope\"),\n  ],\n)")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x.toolset.ron:3:13: unknown plugin crate `nope`"),
            "{err}"
        );
        assert!(err.contains("graph_tools"), "{err}");
    }

    #[test]
    fn defaults_fill_watch_and_index_settings() {
        let t = parse("ToolSet(plugins: [(crate: \"graph_tools\", tools: [\"get_impact_map\"])])")
            .unwrap();
        assert_eq!(t.watch.debounce, Duration::from_millis(50));
        assert!(t.watch.build_on_save);
        let off = parse("ToolSet(plugins: [], watch: (build_on_save: false))").unwrap();
        assert!(!off.watch.build_on_save);
        assert!(off.watch.enabled);
        assert_eq!(
            t.plugins[0].tools.as_deref(),
            Some(&["get_impact_map".to_owned()][..])
        );
        assert_eq!(t.index.max_file_bytes, DEFAULT_MAX_FILE_BYTES);
    }
}
