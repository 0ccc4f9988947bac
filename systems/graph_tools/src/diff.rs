//! `impact_of_diff`: the symbols changed in the working tree against a git revision, and the
//! impact of each, aggregated.
//!
//! Rules:
//! - The changes are what `git diff --no-renames -U0 <base> --` reports from the project root
//!   (`--relative`, so paths are project-relative and changes outside the root are left out):
//!   tracked files, staged or not, compared with `base` (default `HEAD`). **Untracked files are
//!   not included** (`git diff` does not report them), nor are binary files (they have no hunks).
//! - A rename is a deletion of the old path and an addition of the new one.
//! - Each hunk `@@ -a,b +c,d @@` changes new-side lines `c..=c+d-1`; a pure deletion (`d = 0`)
//!   changes line `c` (the line the deletion follows; line 1 at the top of the file).
//! - A change overlapping a symbol's `[startLine, endLine]` changes that symbol (a change in a
//!   method also changes its class); a change outside every symbol is a **module-level** change
//!   of the file (`symbol: null`). A deleted file still in the index is a module-level change.
//! - A symbol's impact is `analyze_change`'s: its direct users (other files importing or calling
//!   it) and the files affected through importers. A module-level change affects the files
//!   importing the file, directly and transitively. Risk levels as `analyze_change`; the overall
//!   risk is the highest, `none` when nothing indexed changed.
//! - Changed files the index does not know (deleted, unsupported languages, ignored) are listed
//!   in `notIndexed`.
//! - git runs at most 20 seconds and its output is read up to 32 MiB; a missing git, a root
//!   that is not a repository or an unknown revision is a failure with git's message.
//! - git runs with every setting that could make it start another program neutralised (see
//!   [`safe_git`]): a repository's `.git/config` is the project's, not the user's, and must not
//!   run code when a client asks for a diff.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use omnysys_api::prelude::*;
use omnysys_api::schema::ProjectRoot;

use crate::analyze::{affected, find_target, risk_level, symbol_impact};
use crate::project::{Project, cap};

/// How long git may run.
const GIT_TIMEOUT: Duration = Duration::from_secs(20);
/// The most diff output read.
const MAX_DIFF_BYTES: u64 = 32 << 20;

/// Arguments of `impact_of_diff`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiffArgs {
    /// The git revision to compare the working tree with (default `HEAD`); at most 512
    /// characters.
    #[schemars(length(max = 512))]
    pub base: Option<String>,
}

/// A range of changed lines (1-based, inclusive, new side).
#[derive(Serialize, JsonSchema, Debug, PartialEq, Eq, Clone, Copy)]
pub struct LineRange {
    /// First changed line.
    pub start: u32,
    /// Last changed line.
    pub end: u32,
}

/// One file of a diff.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct FileDiff {
    /// Project-relative path (the old path for a deleted file).
    pub path: String,
    /// How the file changed.
    pub status: FileStatus,
    /// The changed line ranges, in hunk order.
    pub ranges: Vec<LineRange>,
}

/// How a file changed.
#[derive(Serialize, JsonSchema, Debug, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    /// New in the working tree.
    Added,
    /// Changed.
    Modified,
    /// Removed from the working tree.
    Deleted,
}

/// One changed symbol (or a module-level change) and its impact.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangedSymbol {
    /// The changed file.
    pub file: String,
    /// The symbol, or `null` for a change outside every symbol.
    pub symbol: Option<String>,
    /// Its kind (`null` at module level).
    pub kind: Option<SymbolKind>,
    /// The changed ranges overlapping it (clipped to it).
    pub changed_lines: Vec<LineRange>,
    /// Files other than its own that import or call it (at module level: import the file).
    pub direct_users: usize,
    /// Files affected through importers.
    pub affected_files: usize,
    /// `low`, `medium`, `high` or `critical`.
    pub risk_level: String,
}

/// A changed file the index does not know.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UnindexedFile {
    /// Project-relative path.
    pub path: String,
    /// How it changed.
    pub status: FileStatus,
}

/// Result of `impact_of_diff`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffImpact {
    /// The revision compared with.
    pub base: String,
    /// Files the diff reports, indexed or not.
    pub changed_files: usize,
    /// Changed symbols, module-level changes included.
    pub changed_symbols: usize,
    /// Each changed symbol with its impact, by file then line (at most 200).
    pub symbols: Vec<ChangedSymbol>,
    /// Every file affected by some change, in path order (at most 200).
    pub affected_files: Vec<String>,
    /// Number of affected files.
    pub total_affected: usize,
    /// The highest risk level of the changes, `none` when nothing indexed changed.
    pub risk_level: String,
    /// Changed files the index does not know (deleted, unsupported, ignored).
    pub not_indexed: Vec<UnindexedFile>,
    /// Whether a list was cut at 200 entries.
    pub truncated: bool,
}

/// The `impact_of_diff` tool.
///
/// # Errors
///
/// A `base` starting with `-`, or git failing (missing, not a repository, unknown revision).
pub fn impact_of_diff(ctx: &ToolContext<'_>, args: DiffArgs) -> Result<DiffImpact, ToolError> {
    let base = args.base.unwrap_or_else(|| "HEAD".to_owned());
    tool_support::check_name("base", &base)?;
    if base.is_empty() || base.starts_with('-') || base.contains(['\0', '\n']) {
        return Err(ToolError::invalid_arguments(format!(
            "`base` must be a git revision, not `{}`",
            tool_support::shorten(&base)
        )));
    }
    let world = ctx.world();
    let Some(root) = world.get_resource::<ProjectRoot>() else {
        return Err(ToolError::failed("the project root is not known yet"));
    };
    let files = read_diff(&root.0, &base)?;
    Ok(aggregate(Project::of(ctx), base, &files))
}

/// Runs `git diff` against `base` in `root` and parses it.
///
/// # Errors
///
/// git missing, failing (its stderr, trimmed), too slow or printing too much.
pub fn read_diff(root: &Path, base: &str) -> Result<Vec<FileDiff>, ToolError> {
    let filters = filter_commands(root)?;
    let mut command = safe_git(root);
    command
        .args(["-c", "core.quotePath=false", "diff"])
        .args([
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-renames",
        ])
        .args(["--relative", "-U0", base, "--"]);
    // Filter drivers have names of the repository's choosing: their commands are emptied
    // through the environment, where a name cannot be mistaken for a value.
    command.env("GIT_CONFIG_COUNT", filters.len().to_string());
    for (i, key) in filters.iter().enumerate() {
        command.env(format!("GIT_CONFIG_KEY_{i}"), key);
        command.env(format!("GIT_CONFIG_VALUE_{i}"), "");
    }
    let text = success(run_bounded(command)?)?;
    Ok(parse_diff(&text))
}

/// Settings that would make git start a program, set to start none. `git diff` refreshes the
/// index (`core.fsmonitor` runs a hook there) and may fetch missing objects of a partial clone
/// (a transport, over `core.sshCommand`); the rest are neutralised in case.
const NEUTRAL_CONFIG: [&str; 8] = [
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "diff.external=",
    "core.pager=cat",
    "core.editor=true",
    "core.sshCommand=",
    "core.askPass=",
    "protocol.allow=never",
];

/// The environment that keeps git from reading the user's and the system's configuration,
/// prompting, paging, taking optional locks or fetching lazily.
const NEUTRAL_ENV: [(&str, &str); 8] = [
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_TERMINAL_PROMPT", "0"),
    ("GIT_PAGER", "cat"),
    ("GIT_OPTIONAL_LOCKS", "0"),
    ("GIT_NO_LAZY_FETCH", "1"),
    ("GIT_ASKPASS", ""),
    ("GIT_EXTERNAL_DIFF", ""),
];

/// `git -C root` with [`NEUTRAL_CONFIG`] and [`NEUTRAL_ENV`], no pager, no replaced objects,
/// and no configuration from the environment of the engine (`GIT_CONFIG_*` pairs, `GIT_DIR`).
pub fn safe_git(root: &Path) -> Command {
    let mut command = Command::new("git");
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_PROXY_COMMAND",
    ] {
        command.env_remove(var);
    }
    command.envs(NEUTRAL_ENV);
    command.arg("-C").arg(root).arg("--no-pager");
    command.arg("--no-replace-objects");
    for setting in NEUTRAL_CONFIG {
        command.args(["-c", setting]);
    }
    command
}

/// The configuration keys of the repository's filter drivers that name a command
/// (`filter.<driver>.clean`, `.smudge`, `.process`): `git diff` runs the clean filter on the
/// working tree files it compares.
///
/// # Errors
///
/// git missing, too slow, or failing otherwise than by finding no such key.
fn filter_commands(root: &Path) -> Result<Vec<String>, ToolError> {
    let mut command = safe_git(root);
    command.args([
        "config",
        "--null",
        "--get-regexp",
        r"^filter\..*\.(clean|smudge|process)$",
    ]);
    let run = run_bounded(command)?;
    if run.status.code() == Some(1) {
        return Ok(Vec::new());
    }
    let text = success(run)?;
    let entries = text.split('\0').filter(|e| !e.is_empty());
    Ok(entries
        .map(|e| e.split_once('\n').map_or(e, |(key, _)| key).to_owned())
        .collect())
}

/// A temporary file (or, in the tests, directory) removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn create(tag: &str) -> Result<(Self, File), ToolError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "omnysys-git-{}-{nanos}-{}.{tag}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| ToolError::failed(format!("cannot create a temporary file: {e}")))?;
        Ok((TempFile(path), file))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// What a git run left: its exit status, stdout, and the start of its stderr.
struct GitRun {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
}

/// The stdout of a run that succeeded.
///
/// # Errors
///
/// A failure quoting git's stderr, trimmed.
fn success(run: GitRun) -> Result<String, ToolError> {
    if run.status.success() {
        return Ok(run.stdout);
    }
    Err(ToolError::failed(format!(
        "git diff failed ({}): {}",
        run.status,
        run.stderr.trim()
    )))
}

/// Runs `command` with its output in temporary files (no reader threads), killing it when it
/// outlives [`GIT_TIMEOUT`] or writes more than [`MAX_DIFF_BYTES`].
fn run_bounded(mut command: Command) -> Result<GitRun, ToolError> {
    let (out_path, out) = TempFile::create("out")?;
    let (_err_path, err) = TempFile::create("err")?;
    let (mut out_reader, mut err_reader) = match (out.try_clone(), err.try_clone()) {
        (Ok(o), Ok(e)) => (o, e),
        (Err(e), _) | (_, Err(e)) => {
            return Err(ToolError::failed(format!("cannot read git's output: {e}")));
        }
    };
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| ToolError::failed(format!("cannot run git: {e}")))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(ToolError::failed(format!("waiting for git: {e}"))),
        }
        let size = std::fs::metadata(&out_path.0).map_or(0, |m| m.len());
        if started.elapsed() > GIT_TIMEOUT || size > MAX_DIFF_BYTES {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ToolError::failed(format!(
                "git diff took longer than {} s or printed more than {} MiB",
                GIT_TIMEOUT.as_secs(),
                MAX_DIFF_BYTES >> 20
            )));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut message = Vec::new();
    let _ = err_reader.rewind();
    let _ = (&mut err_reader).take(4 << 10).read_to_end(&mut message);
    let stderr = String::from_utf8_lossy(&message).into_owned();
    // The child's descriptors share the file offset: read from the start.
    out_reader
        .rewind()
        .map_err(|e| ToolError::failed(format!("cannot read git's output: {e}")))?;
    let mut bytes = Vec::new();
    (&mut out_reader)
        .take(MAX_DIFF_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ToolError::failed(format!("cannot read git's output: {e}")))?;
    if bytes.len() as u64 > MAX_DIFF_BYTES {
        return Err(ToolError::failed(format!(
            "git diff printed more than {} MiB",
            MAX_DIFF_BYTES >> 20
        )));
    }
    Ok(GitRun {
        status,
        stdout: String::from_utf8_lossy(&bytes).into_owned(),
        stderr,
    })
}

/// Parses a unified diff (`-U0` or not) into files and changed new-side line ranges.
///
/// Files come from their `---`/`+++` headers (`/dev/null` on the old side: added; on the new
/// side: deleted, named by the old path); hunk bodies are skipped by their line counts, so a
/// removed line reading `-- x` is not taken for a header. Deleted files have no ranges.
pub fn parse_diff(text: &str) -> Vec<FileDiff> {
    let mut files: Vec<FileDiff> = Vec::new();
    let mut old: Option<Option<String>> = None;
    // Lines of the current hunk body still to skip (old side, new side).
    let (mut left_old, mut left_new) = (0u32, 0u32);
    for line in text.lines() {
        if left_old > 0 || left_new > 0 {
            match line.as_bytes().first() {
                Some(b'-') => left_old = left_old.saturating_sub(1),
                Some(b'+') => left_new = left_new.saturating_sub(1),
                Some(b'\\') => {}
                _ => {
                    left_old = left_old.saturating_sub(1);
                    left_new = left_new.saturating_sub(1);
                }
            }
            continue;
        }
        if line.starts_with("diff ") {
            old = None;
        } else if let Some(rest) = line.strip_prefix("--- ") {
            old = Some(header_path(rest, "a/"));
        } else if let Some(rest) = line.strip_prefix("+++ ") {
            let Some(old_path) = old.take() else { continue };
            let (path, status) = match (old_path, header_path(rest, "b/")) {
                (None, Some(new)) => (new, FileStatus::Added),
                (Some(_), Some(new)) => (new, FileStatus::Modified),
                (Some(old), None) => (old, FileStatus::Deleted),
                (None, None) => continue,
            };
            files.push(FileDiff {
                path,
                status,
                ranges: Vec::new(),
            });
        } else if line.starts_with("@@")
            && let Some((old_count, new_count, range)) = hunk(line)
        {
            (left_old, left_new) = (old_count, new_count);
            if let Some(file) = files.last_mut()
                && file.status != FileStatus::Deleted
            {
                file.ranges.push(range);
            }
        }
    }
    files
}

/// Whether a header names `/dev/null`.
fn header_path_is_null(rest: &str) -> bool {
    rest.trim_end_matches(['\t', '\r']) == "/dev/null"
}

/// The path of a `---`/`+++` header without its `a/`/`b/` prefix, `None` for `/dev/null`.
fn header_path(rest: &str, prefix: &str) -> Option<String> {
    let rest = rest.trim_end_matches('\r');
    if header_path_is_null(rest) {
        return None;
    }
    let raw = if rest.starts_with('"') {
        unquote(rest)?
    } else {
        // git ends a name containing a space with a tab.
        rest.strip_suffix('\t').unwrap_or(rest).to_owned()
    };
    Some(raw.strip_prefix(prefix).unwrap_or(&raw).to_owned())
}

/// A C-style quoted git path (`"a/\303\251 \"x\""`) unquoted.
fn unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?;
    let mut bytes = Vec::new();
    let mut chars = inner.bytes();
    while let Some(b) = chars.next() {
        match b {
            b'"' => return Some(String::from_utf8_lossy(&bytes).into_owned()),
            b'\\' => match chars.next()? {
                b'n' => bytes.push(b'\n'),
                b't' => bytes.push(b'\t'),
                b'r' => bytes.push(b'\r'),
                b'a' => bytes.push(7),
                b'b' => bytes.push(8),
                b'f' => bytes.push(12),
                b'v' => bytes.push(11),
                d @ b'0'..=b'7' => {
                    let mut value = u32::from(d - b'0');
                    for _ in 0..2 {
                        let next = chars.next()?;
                        value = value * 8 + u32::from(next.checked_sub(b'0')?);
                    }
                    bytes.push(u8::try_from(value).ok()?);
                }
                other => bytes.push(other),
            },
            other => bytes.push(other),
        }
    }
    None
}

/// A hunk header `@@ -a[,b] +c[,d] @@`: its old and new line counts and the new-side lines
/// it changes (line `c`, at least 1, for a pure deletion).
fn hunk(line: &str) -> Option<(u32, u32, LineRange)> {
    let count = |side: &str| -> Option<(u32, u32)> {
        match side.split_once(',') {
            Some((s, c)) => Some((s.parse().ok()?, c.parse().ok()?)),
            None => Some((side.parse().ok()?, 1)),
        }
    };
    let mut words = line.split(' ');
    let (_, old_count) = count(words.find_map(|w| w.strip_prefix('-'))?)?;
    let (start, new_count) = count(words.find_map(|w| w.strip_prefix('+'))?)?;
    let range = if new_count == 0 {
        let at = start.max(1);
        LineRange { start: at, end: at }
    } else {
        LineRange {
            start,
            end: start + new_count - 1,
        }
    };
    Some((old_count, new_count, range))
}

/// One changed unit of an indexed file before its impact: a symbol or the module level.
#[derive(Debug, PartialEq)]
pub struct Change {
    /// The file.
    pub file: String,
    /// The symbol, `None` at module level.
    pub symbol: Option<String>,
    /// The changed ranges, clipped to the symbol.
    pub ranges: Vec<LineRange>,
}

/// Maps each file's changed ranges to the symbols they overlap (module level when none); files
/// the index does not know come back separately.
pub fn map_changes(p: Project<'_>, files: &[FileDiff]) -> (Vec<Change>, Vec<UnindexedFile>) {
    let mut changes = Vec::new();
    let mut unindexed = Vec::new();
    for diff in files {
        if !p.is_known(&diff.path) {
            unindexed.push(UnindexedFile {
                path: diff.path.clone(),
                status: diff.status,
            });
            continue;
        }
        let symbols = p.facts(&diff.path).map_or(&[][..], |f| &f.symbols[..]);
        let mut by_symbol: BTreeMap<(u32, &str), Vec<LineRange>> = BTreeMap::new();
        let mut module: Vec<LineRange> = Vec::new();
        for range in &diff.ranges {
            let mut inside = false;
            for s in symbols {
                if range.start <= s.end_line && s.start_line <= range.end {
                    inside = true;
                    by_symbol
                        .entry((s.start_line, s.name.as_str()))
                        .or_default()
                        .push(LineRange {
                            start: range.start.max(s.start_line),
                            end: range.end.min(s.end_line),
                        });
                }
            }
            // A range is module-level when some of its lines lie outside every symbol.
            let outside = (range.start..=range.end)
                .any(|l| !symbols.iter().any(|s| s.start_line <= l && l <= s.end_line));
            if !inside || outside {
                module.push(*range);
            }
        }
        if !module.is_empty() || diff.ranges.is_empty() {
            changes.push(Change {
                file: diff.path.clone(),
                symbol: None,
                ranges: module,
            });
        }
        changes.extend(by_symbol.into_iter().map(|((_, name), ranges)| Change {
            file: diff.path.clone(),
            symbol: Some(name.to_owned()),
            ranges,
        }));
    }
    (changes, unindexed)
}

/// The order of risk levels.
fn risk_rank(level: &str) -> u8 {
    match level {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

/// The impact of every change, aggregated.
fn aggregate(p: Project<'_>, base: String, files: &[FileDiff]) -> DiffImpact {
    let (changes, not_indexed) = map_changes(p, files);
    let graph = p.graph();
    let mut union: BTreeSet<String> = BTreeSet::new();
    let mut symbols = Vec::new();
    for change in changes {
        let facts = p.facts(&change.file);
        let target = match (&change.symbol, facts) {
            (Some(name), Some(facts)) => find_target(facts, &change.file, name).ok(),
            _ => None,
        };
        let (kind, direct, transitive) = match (target, facts) {
            (Some(target), Some(_)) => {
                let kind = target.kind;
                let impact = symbol_impact(p, &change.file, target);
                (kind, impact.direct, impact.transitive)
            }
            _ => {
                let direct: BTreeSet<String> = graph
                    .dependents(&change.file)
                    .filter(|f| *f != change.file)
                    .map(str::to_owned)
                    .collect();
                let transitive = affected(&graph, &change.file, &direct);
                (None, direct, transitive)
            }
        };
        union.extend(transitive.iter().map(|a| a.path.clone()));
        symbols.push(ChangedSymbol {
            file: change.file,
            symbol: change.symbol,
            kind,
            changed_lines: change.ranges,
            direct_users: direct.len(),
            affected_files: transitive.len(),
            risk_level: risk_level(direct.len(), transitive.len()).to_owned(),
        });
    }
    let risk = symbols
        .iter()
        .map(|s| s.risk_level.as_str())
        .max_by_key(|l| risk_rank(l))
        .unwrap_or("none")
        .to_owned();
    let changed_symbols = symbols.len();
    let total_affected = union.len();
    let (symbols, cut_symbols) = cap(symbols);
    let (affected_files, cut_affected) = cap(union.into_iter().collect());
    let (not_indexed, cut_unindexed) = cap(not_indexed);
    DiffImpact {
        base,
        changed_files: files.len(),
        changed_symbols,
        symbols,
        affected_files,
        total_affected,
        risk_level: risk,
        not_indexed,
        truncated: cut_symbols || cut_affected || cut_unindexed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use omnysys_api::tool::ToolErrorKind;

    fn r(start: u32, end: u32) -> LineRange {
        LineRange { start, end }
    }

    fn file(path: &str, status: FileStatus, ranges: Vec<LineRange>) -> FileDiff {
        FileDiff {
            path: path.into(),
            status,
            ranges,
        }
    }

    const DIFF: &str = "\
diff --git a/src/app.js b/src/app.js
index 1111111..2222222 100644
--- a/src/app.js
+++ b/src/app.js
@@ -4 +4 @@ export function createApp() {
-  return helper(1);
+  return helper(2);
@@ -8,2 +7,0 @@ export function other() {
--- a removed line that looks like a header
-+++ b/not/a/file.js
@@ -20,0 +20,3 @@
+a
+b
+c
diff --git a/src/new.js b/src/new.js
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/src/new.js
@@ -0,0 +1,2 @@
+export const x = 1;
+export const y = 2;
diff --git a/src/gone.js b/src/gone.js
deleted file mode 100644
index 4444444..0000000
--- a/src/gone.js
+++ /dev/null
@@ -1,3 +0,0 @@
-a
-b
-c
diff --git a/old name.js b/old name.js
deleted file mode 100644
--- a/old name.js\t
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git \"a/caf\\303\\251.js\" \"b/caf\\303\\251.js\"
new file mode 100644
--- /dev/null
+++ \"b/caf\\303\\251.js\"
@@ -0,0 +1 @@
+x
@@ -1 +0,0 @@
";

    #[test]
    fn the_parser_reads_files_statuses_and_new_side_ranges() {
        let files = parse_diff(DIFF);
        assert_eq!(
            files,
            vec![
                file(
                    "src/app.js",
                    FileStatus::Modified,
                    vec![r(4, 4), r(7, 7), r(20, 22)]
                ),
                file("src/new.js", FileStatus::Added, vec![r(1, 2)]),
                file("src/gone.js", FileStatus::Deleted, vec![]),
                file("old name.js", FileStatus::Deleted, vec![]),
                file("café.js", FileStatus::Added, vec![r(1, 1), r(1, 1)]),
            ]
        );
    }

    #[test]
    fn a_rename_is_a_deletion_and_an_addition_and_a_top_deletion_is_line_one() {
        let text = "\
diff --git a/a.js b/a.js
deleted file mode 100644
--- a/a.js
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/b.js b/b.js
new file mode 100644
--- /dev/null
+++ b/b.js
@@ -0,0 +1,2 @@
+x
+y
diff --git a/c.js b/c.js
--- a/c.js
+++ b/c.js
@@ -1,2 +0,0 @@
-x
-y
";
        assert_eq!(
            parse_diff(text),
            vec![
                file("a.js", FileStatus::Deleted, vec![]),
                file("b.js", FileStatus::Added, vec![r(1, 2)]),
                file("c.js", FileStatus::Modified, vec![r(1, 1)]),
            ]
        );
        assert_eq!(parse_diff(""), vec![]);
    }

    fn classes_world() -> World {
        world_of(vec![
            (
                "a.js",
                facts(
                    vec![],
                    vec![exp("f", None, 1), exp("C", None, 5)],
                    vec![
                        sym("f", SymbolKind::Function, (1, 3), &[], true),
                        sym("C", SymbolKind::Class, (5, 10), &[], true),
                        sym("C.m", SymbolKind::Method, (6, 8), &[], false),
                    ],
                    vec![],
                    12,
                ),
            ),
            ("b.js", imports_only(&[("./a", Some("a.js"))])),
        ])
    }

    fn change(file: &str, symbol: Option<&str>, ranges: Vec<LineRange>) -> Change {
        Change {
            file: file.into(),
            symbol: symbol.map(str::to_owned),
            ranges,
        }
    }

    #[test]
    fn ranges_map_to_the_symbols_they_overlap_and_the_rest_is_module_level() {
        let w = classes_world();
        let p = Project::new(&w);
        let diff = vec![
            file(
                "a.js",
                FileStatus::Modified,
                vec![r(2, 2), r(7, 7), r(11, 12)],
            ),
            file("b.js", FileStatus::Modified, vec![r(3, 5)]),
            file("README.md", FileStatus::Modified, vec![r(1, 1)]),
            file("gone.js", FileStatus::Deleted, vec![]),
        ];
        let (changes, unindexed) = map_changes(p, &diff);
        assert_eq!(
            changes,
            vec![
                change("a.js", None, vec![r(11, 12)]),
                change("a.js", Some("f"), vec![r(2, 2)]),
                change("a.js", Some("C"), vec![r(7, 7)]),
                change("a.js", Some("C.m"), vec![r(7, 7)]),
                change("b.js", None, vec![r(3, 5)]),
            ]
        );
        assert_eq!(
            unindexed,
            vec![
                UnindexedFile {
                    path: "README.md".into(),
                    status: FileStatus::Modified
                },
                UnindexedFile {
                    path: "gone.js".into(),
                    status: FileStatus::Deleted
                },
            ]
        );
        // A range spanning a symbol's end and the gap after it: the symbol and the module.
        let (changes, _) = map_changes(p, &[file("a.js", FileStatus::Modified, vec![r(3, 4)])]);
        assert_eq!(
            changes,
            vec![
                change("a.js", None, vec![r(3, 4)]),
                change("a.js", Some("f"), vec![r(3, 3)]),
            ]
        );
        // A deleted file still in the index is a module-level change without ranges.
        let (changes, _) = map_changes(p, &[file("a.js", FileStatus::Deleted, vec![])]);
        assert_eq!(changes, vec![change("a.js", None, vec![])]);
    }

    #[test]
    fn the_impact_of_each_change_is_aggregated() {
        let w = js_basic_world();
        let diff = vec![
            file("src/util.js", FileStatus::Modified, vec![r(2, 2)]),
            file("src/app.js", FileStatus::Modified, vec![r(1, 1)]),
            file("src/gone.js", FileStatus::Deleted, vec![]),
        ];
        let d = aggregate(Project::new(&w), "HEAD".into(), &diff);
        assert_eq!(d.changed_files, 3);
        assert_eq!(d.changed_symbols, 2);
        let rows: Vec<(&str, Option<&str>, usize, usize, &str)> = d
            .symbols
            .iter()
            .map(|s| {
                (
                    s.file.as_str(),
                    s.symbol.as_deref(),
                    s.direct_users,
                    s.affected_files,
                    s.risk_level.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("src/util.js", Some("helper"), 2, 3, "low"),
                ("src/app.js", None, 2, 2, "low"),
            ]
        );
        assert_eq!(d.symbols[0].kind, Some(SymbolKind::Function));
        assert_eq!(d.symbols[0].changed_lines, vec![r(2, 2)]);
        assert_eq!(
            d.affected_files,
            vec!["src/app.js", "src/index.js", "src/router/index.js"]
        );
        assert_eq!(d.total_affected, 3);
        assert_eq!(d.risk_level, "low");
        assert_eq!(d.not_indexed[0].path, "src/gone.js");
        assert!(!d.truncated);
        let empty = aggregate(Project::new(&w), "HEAD".into(), &[]);
        assert_eq!(empty.risk_level, "none");
        assert_eq!(empty.changed_symbols, 0);
    }

    #[test]
    fn option_like_bases_are_refused_and_a_missing_repository_fails() {
        let w = js_basic_world();
        for base in ["-p", "--output=x", ""] {
            let args = DiffArgs {
                base: Some(base.into()),
            };
            let e = impact_of_diff(&ctx(&w), args).err().unwrap();
            assert_eq!(e.kind, ToolErrorKind::InvalidArguments);
            assert!(e.message.contains("`base`"), "{}", e.message);
        }
        // The test world's root does not exist: git reports it.
        let e = impact_of_diff(&ctx(&w), DiffArgs { base: None })
            .err()
            .unwrap();
        assert_eq!(e.kind, ToolErrorKind::Failed);
        assert!(e.message.starts_with("git diff failed"), "{}", e.message);
    }

    /// Runs git in `dir`, panicking on failure.
    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A fresh temporary directory, removed when the guard drops.
    fn temp_dir(tag: &str) -> (PathBuf, TempFile) {
        let dir = std::env::temp_dir().join(format!(
            "graph_tools_diff_{tag}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        (dir.clone(), TempFile(dir))
    }

    #[test]
    fn a_real_repository_edit_is_read_back_as_ranges() {
        let (dir, _cleanup) = temp_dir("test");
        let util = "export function helper(x) {\n  return x + 1;\n}\n\nexport function other() {\n  return 2;\n}\n";
        let app = "import { helper } from './util';\n\nexport function createApp() {\n  return helper(1);\n}\n";
        std::fs::write(dir.join("util.js"), util).unwrap();
        std::fs::write(dir.join("app.js"), app).unwrap();
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "."]);
        git(&dir, &["commit", "-q", "-m", "init"]);
        assert_eq!(read_diff(&dir, "HEAD").unwrap(), vec![]);
        // Edit the body of `other` and delete the blank line before it.
        let edited = "export function helper(x) {\n  return x + 1;\n}\nexport function other() {\n  return 3;\n}\n";
        std::fs::write(dir.join("util.js"), edited).unwrap();
        std::fs::write(dir.join("untracked.js"), "x\n").unwrap();
        let files = read_diff(&dir, "HEAD").unwrap();
        assert_eq!(
            files,
            vec![file(
                "util.js",
                FileStatus::Modified,
                vec![r(3, 3), r(5, 5)]
            )]
        );
        let e = read_diff(&dir, "no-such-revision").err().unwrap();
        assert_eq!(e.kind, ToolErrorKind::Failed);
        assert!(e.message.contains("no-such-revision"), "{}", e.message);
    }

    /// A committed repository in a fresh [`temp_dir`], with `util.js` edited since.
    fn edited_repository(tag: &str) -> (PathBuf, TempFile) {
        let (dir, guard) = temp_dir(tag);
        std::fs::write(dir.join("util.js"), "export const a = 1;\n").unwrap();
        std::fs::write(dir.join(".gitattributes"), "* filter=evil\n").unwrap();
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "."]);
        git(&dir, &["commit", "-q", "-m", "init"]);
        std::fs::write(dir.join("util.js"), "export const a = 2;\n").unwrap();
        (dir, guard)
    }

    /// An executable script at `path` that creates `marker` and prints `stdout`.
    fn marker_script(path: &Path, marker: &Path, stdout: &str) {
        use std::os::unix::fs::PermissionsExt;
        let script = format!("#!/bin/sh\ntouch '{}'\n{stdout}\n", marker.display());
        std::fs::write(path, script).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_repository_whose_config_names_an_fsmonitor_or_filter_command_runs_neither() {
        let (dir, _guard) = edited_repository("hostile");
        let hooks = dir.join(".git");
        let (fsmonitor, filter) = (hooks.join("fsmonitor.sh"), hooks.join("clean.sh"));
        let (fsmonitor_ran, filter_ran) = (dir.join("FSMONITOR_RAN"), dir.join("FILTER_RAN"));
        marker_script(&fsmonitor, &fsmonitor_ran, "");
        marker_script(&filter, &filter_ran, "cat");
        git(
            &dir,
            &["config", "core.fsmonitor", fsmonitor.to_str().unwrap()],
        );
        git(
            &dir,
            &["config", "filter.evil.clean", filter.to_str().unwrap()],
        );
        git(
            &dir,
            &["config", "filter.evil.process", filter.to_str().unwrap()],
        );
        git(&dir, &["config", "diff.external", filter.to_str().unwrap()]);
        let files = read_diff(&dir, "HEAD").unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "util.js");
        assert!(!fsmonitor_ran.exists(), "core.fsmonitor ran");
        assert!(!filter_ran.exists(), "a filter or external diff ran");
        // The same diff by a plain git runs both: the repository is hostile indeed.
        let plain = Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["diff", "HEAD"])
            .output();
        assert!(plain.is_ok());
        assert!(fsmonitor_ran.exists() && filter_ran.exists());
    }

    #[test]
    fn a_base_longer_than_the_bound_is_refused_quoting_only_its_start() {
        let w = js_basic_world();
        let args = DiffArgs {
            base: Some("H".repeat(100_000)),
        };
        let e = impact_of_diff(&ctx(&w), args).err().unwrap();
        assert_eq!(e.kind, ToolErrorKind::InvalidArguments);
        assert!(e.message.len() < 200, "{}", e.message);
    }
}
