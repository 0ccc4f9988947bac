//! Walking the project: `.gitignore` honoured, engine and vendor directories skipped, the tool
//! set's include/exclude globs applied.

use std::path::Path;
use std::time::UNIX_EPOCH;

use crate::toolset::IndexSettings;

/// Directories never indexed.
pub const ALWAYS_EXCLUDED: &[&str] = &[".omnysys", ".git", "node_modules", "target"];

/// A file found by the walk, before it is read.
pub struct FoundPath {
    /// Project-relative, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: u64,
}

/// What a walk found: files with one of the extensions, sorted by path, and what it could not
/// read, as `(path, reason)`.
#[derive(Default)]
pub struct Walk {
    /// The files.
    pub found: Vec<FoundPath>,
    /// Directories and files it could not read.
    pub errors: Vec<(String, String)>,
}

/// Every regular file under `root` with one of `extensions`. Symbolic links are not followed
/// (so a link cannot loop or lead outside the project); unreadable directories are reported.
pub fn source_files(root: &Path, extensions: &[String], settings: &IndexSettings) -> Walk {
    let mut builder = walker(root);
    if let Some(overrides) = overrides(root, settings) {
        builder.overrides(overrides);
    }
    let mut walk = Walk::default();
    for entry in builder.build() {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                if let Some(error) = undecodable(root, e.path(), extensions) {
                    walk.errors.push(error);
                    continue;
                }
                walk.found.extend(found_path(root, e.path(), extensions));
            }
            Ok(_) => {}
            Err(e) => walk.errors.push(walk_error(root, &e)),
        }
    }
    walk.found.sort_by(|a, b| a.path.cmp(&b.path));
    walk
}

/// A source file whose name is not valid UTF-8 cannot be named in facts or answers: it is
/// recorded (with the name shown lossily) instead of being skipped in silence.
fn undecodable(root: &Path, path: &Path, extensions: &[String]) -> Option<(String, String)> {
    if path.to_str().is_some() {
        return None;
    }
    let ext = path.extension()?;
    if !extensions.iter().any(|x| ext == std::ffi::OsStr::new(x)) {
        return None;
    }
    let shown = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
    tracing::warn!(file = %shown, "file name is not valid UTF-8; not indexed");
    Some((
        shown.into_owned(),
        "the file name is not valid UTF-8; not indexed".to_owned(),
    ))
}

fn walk_error(root: &Path, error: &ignore::Error) -> (String, String) {
    let path = error_path(error).map_or_else(
        || root.display().to_string(),
        |p| p.strip_prefix(root).unwrap_or(p).display().to_string(),
    );
    tracing::warn!(%path, %error, "walk error");
    (path, error.to_string())
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// A walk of `root` that honours `.gitignore`, skips [`ALWAYS_EXCLUDED`] directories and does
/// not follow symbolic links.
pub fn walker(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !ALWAYS_EXCLUDED.iter().any(|x| e.file_name() == *x));
    builder
}

/// Whether a project-relative path lies in an [`ALWAYS_EXCLUDED`] directory.
pub fn is_excluded(relative: &Path) -> bool {
    relative
        .components()
        .any(|c| ALWAYS_EXCLUDED.iter().any(|x| c.as_os_str() == *x))
}

/// The relative path of `path` if an extractor handles its extension.
pub fn relative_if_handled(root: &Path, path: &Path, extensions: &[String]) -> Option<String> {
    let ext = path.extension()?.to_str()?;
    if !extensions.iter().any(|x| x == ext) {
        return None;
    }
    let relative = path.strip_prefix(root).ok()?;
    if is_excluded(relative) {
        return None;
    }
    Some(relative.to_str()?.replace('\\', "/"))
}

fn found_path(root: &Path, path: &Path, extensions: &[String]) -> Option<FoundPath> {
    let relative = relative_if_handled(root, path, extensions)?;
    let meta = std::fs::metadata(path)
        .map_err(|e| tracing::warn!(file = %relative, error = %e, "cannot stat"))
        .ok()?;
    Some(FoundPath {
        path: relative,
        size: meta.len(),
        mtime_ns: mtime_ns(&meta),
    })
}

/// Modification time in ns since the epoch (0 if unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

fn overrides(root: &Path, settings: &IndexSettings) -> Option<ignore::overrides::Override> {
    if settings.include.is_empty() && settings.exclude.is_empty() {
        return None;
    }
    let mut builder = ignore::overrides::OverrideBuilder::new(root);
    for glob in &settings.include {
        let _ = builder
            .add(glob)
            .map_err(|e| tracing::warn!(%glob, error = %e, "bad include glob"));
    }
    for glob in &settings.exclude {
        let _ = builder
            .add(&format!("!{glob}"))
            .map_err(|e| tracing::warn!(%glob, error = %e, "bad exclude glob"));
    }
    builder.build().ok()
}
