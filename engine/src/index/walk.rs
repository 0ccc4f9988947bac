//! Walking the project: `.gitignore` honoured, engine and vendor directories skipped.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

use crate::tools::ExtractorEntry;

/// Directories never indexed.
pub const ALWAYS_EXCLUDED: &[&str] = &[".omnysys", ".git", "node_modules", "target"];

/// A file some extractor handles, read and hashed.
pub struct FoundFile {
    /// Project-relative, `/`-separated.
    pub path: String,
    /// Bytes.
    pub bytes: Vec<u8>,
    /// xxh3-64 of the bytes.
    pub hash: u64,
    /// Size.
    pub size: u64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: u64,
    /// The extractor that handles it.
    pub extractor: ExtractorEntry,
}

/// Every file under `root` that one of `extractors` handles, sorted by path.
pub fn source_files(root: &Path, extractors: &BTreeMap<String, ExtractorEntry>) -> Vec<FoundFile> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| !ALWAYS_EXCLUDED.iter().any(|x| e.file_name() == *x))
        .build();
    let mut found: Vec<FoundFile> = walker
        .filter_map(|entry| {
            entry
                .map_err(|e| tracing::warn!(error = %e, "walk error"))
                .ok()
        })
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| read_file(root, e.path(), extractors))
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn read_file(
    root: &Path,
    path: &Path,
    extractors: &BTreeMap<String, ExtractorEntry>,
) -> Option<FoundFile> {
    let ext = path.extension()?.to_str()?;
    let extractor = extractors
        .values()
        .find(|e| e.extensions.iter().any(|x| x == ext))?
        .clone();
    let relative = path
        .strip_prefix(root)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = std::fs::read(path)
        .map_err(|e| tracing::warn!(file = %relative, error = %e, "cannot read"))
        .ok()?;
    let meta = std::fs::metadata(path).ok()?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Some(FoundFile {
        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
        size: bytes.len() as u64,
        path: relative,
        bytes,
        mtime_ns,
        extractor,
    })
}
