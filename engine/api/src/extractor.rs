//! Extractors: pure functions from a file's bytes to its [`FileFacts`].
//!
//! The engine runs them on worker threads owned by the extractor's generation, so many files are
//! extracted in parallel and nothing of the plugin outlives its library.

use crate::facts::FileFacts;
use crate::guard::{Panicked, contain};

/// What an extractor handles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractorSpec {
    /// Unique name, e.g. `javascript`.
    pub name: String,
    /// Version; a change queues its files for re-extraction.
    pub version: String,
    /// Languages, e.g. `["javascript", "typescript"]`.
    pub languages: Vec<String>,
    /// File extensions without the dot, e.g. `["js", "mjs", "ts"]`.
    pub extensions: Vec<String>,
}

/// One file to extract.
pub struct ExtractInput<'a> {
    /// Path relative to the project root.
    pub path: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// An extractor's entry point as the engine calls it, panics contained.
pub type ExtractFn =
    Box<dyn Fn(&ExtractInput<'_>) -> Result<Result<FileFacts, String>, Panicked> + Send + Sync>;

/// A registered extractor.
pub struct ExtractorDecl {
    /// What it handles.
    pub spec: ExtractorSpec,
    /// The wrapped function.
    pub run: ExtractFn,
}

pub(crate) fn wrap(f: fn(&ExtractInput<'_>) -> Result<FileFacts, String>) -> ExtractFn {
    Box::new(move |input| contain(|| f(input)))
}
