//! Parsing a tool set: raw RON as written, then validated.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A tool set as written.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename = "ToolSet")]
struct RawToolset {
    plugins: Vec<RawPlugin>,
}

/// One plugin entry as written: exactly one of `crate` or `path`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    #[serde(rename = "crate", default)]
    krate: Option<String>,
    #[serde(default)]
    path: Option<String>,
}

/// Where a plugin's library comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PluginSource {
    /// A crate of this workspace, built into the engine's target directory.
    Crate(String),
    /// A library file.
    Path(PathBuf),
}

/// A validated tool set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toolset {
    /// The file it came from.
    pub file: PathBuf,
    /// Plugins to load, in order.
    pub plugins: Vec<PluginSource>,
}

/// A tool set that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ToolsetError {
    /// The file cannot be read.
    #[error("cannot read tool set `{0}`: {1}")]
    Read(PathBuf, std::io::Error),
    /// RON syntax or shape error, with position.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// File.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected.
        message: String,
    },
    /// A plugin entry names neither or both of `crate` and `path`.
    #[error("{file}: plugin #{index}: give exactly one of `crate: \"name\"` or `path: \"lib.so\"`")]
    PluginSource {
        /// File.
        file: PathBuf,
        /// 1-based index of the entry.
        index: usize,
    },
}

/// Reads and validates a tool set.
///
/// # Errors
///
/// [`ToolsetError`] naming the file, and line and column for syntax errors.
pub fn load_toolset(file: &Path) -> Result<Toolset, ToolsetError> {
    let text =
        std::fs::read_to_string(file).map_err(|e| ToolsetError::Read(file.to_path_buf(), e))?;
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let raw: RawToolset = options.from_str(&text).map_err(|e| ToolsetError::Syntax {
        file: file.to_path_buf(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    })?;
    let base = file.parent().unwrap_or(Path::new("."));
    let plugins = raw
        .plugins
        .into_iter()
        .enumerate()
        .map(|(i, p)| match (p.krate, p.path) {
            (Some(name), None) => Ok(PluginSource::Crate(name)),
            (None, Some(path)) => Ok(PluginSource::Path(base.join(path))),
            _ => Err(ToolsetError::PluginSource {
                file: file.to_path_buf(),
                index: i + 1,
            }),
        })
        .collect::<Result<_, _>>()?;
    Ok(Toolset {
        file: file.to_path_buf(),
        plugins,
    })
}
