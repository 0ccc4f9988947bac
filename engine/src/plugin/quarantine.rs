//! Quarantined plugin generations: libraries that crashed the engine process, which a successor
//! engine does not load again.
//!
//! The front process ([`crate::front`]) runs the engine in a child and gives it a crash
//! directory ([`CRASH_DIR_ENV`]). There the child appends a line to [`LEDGER_FILE`] for every
//! generation it commits (plugin, generation, content hash), and its signal handler
//! ([`super::crash_signal`]) writes who was running when it died. The front turns that into
//! [`QUARANTINE_FILE`], which the successor reads before loading its plugins: a library whose
//! plugin name and content hash match an entry is not loaded, and the reload history, recent
//! errors and status say why. A library with other content (a fix) loads as usual and lifts it.

use std::io::Write;
use std::path::{Path, PathBuf};

use bevy_ecs::resource::Resource;
use serde::{Deserialize, Serialize};

/// Environment variable naming the crash directory (set by the front for its engine child).
pub const CRASH_DIR_ENV: &str = "OMNYSYS_CRASH_DIR";
/// The generations the child committed, one JSON object a line.
pub const LEDGER_FILE: &str = "generations.jsonl";
/// What the signal handler wrote: `<signal> <thread label>` lines.
pub const CRASH_FILE: &str = "crash";
/// The quarantined generations, a JSON array of [`QuarantineEntry`].
pub const QUARANTINE_FILE: &str = "quarantine.json";

/// One committed generation, as the ledger records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerLine {
    /// Plugin name.
    pub plugin: String,
    /// Generation number.
    pub generation: u64,
    /// Hash of the library's bytes.
    pub content_hash: u64,
}

/// A plugin library that is not to be loaded, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuarantineEntry {
    /// Plugin name.
    pub plugin: String,
    /// The generation that crashed (in the engine that crashed).
    pub generation: u64,
    /// Hash of the library's bytes.
    pub content_hash: u64,
    /// What happened, e.g. "SIGSEGV while serving `test_segv`".
    pub reason: String,
}

/// The quarantine in force and the ledger to keep, when running under a front.
#[derive(Resource, Default, Debug)]
pub struct Quarantine {
    /// Libraries not to load.
    pub entries: Vec<QuarantineEntry>,
    /// Entries that kept a library out in this engine (shown by status until lifted).
    pub applied: Vec<QuarantineEntry>,
    /// Libraries kept out, so the watcher loads a new build of them: plugin, path, enabled tools.
    pub kept_out: Vec<KeptOut>,
    /// Where to append committed generations.
    pub ledger: Option<PathBuf>,
}

/// A library a quarantine kept out, watched for a new build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptOut {
    /// Plugin name.
    pub plugin: String,
    /// The library's path as the tool set names it.
    pub source: PathBuf,
    /// The tools the tool set enabled (`None`: all).
    pub tools: Option<Vec<String>>,
}

impl Quarantine {
    /// The quarantine of the crash directory named by [`CRASH_DIR_ENV`], if any.
    #[must_use]
    pub fn from_env() -> Option<Self> {
        let dir = PathBuf::from(std::env::var_os(CRASH_DIR_ENV)?);
        Some(Self::in_dir(&dir))
    }

    /// The quarantine written in `dir` (none when the file is missing or unreadable).
    #[must_use]
    pub fn in_dir(dir: &Path) -> Self {
        let entries = std::fs::read(dir.join(QUARANTINE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Quarantine {
            entries,
            applied: Vec::new(),
            kept_out: Vec::new(),
            ledger: Some(dir.join(LEDGER_FILE)),
        }
    }

    /// The entry that keeps this library out, if any.
    #[must_use]
    pub fn find(&self, plugin: &str, content_hash: u64) -> Option<&QuarantineEntry> {
        self.entries
            .iter()
            .find(|e| e.plugin == plugin && e.content_hash == content_hash)
    }

    /// Notes that `entry` kept the library `kept` out.
    pub fn applied(&mut self, entry: QuarantineEntry, kept: KeptOut) {
        self.kept_out.retain(|k| k.plugin != kept.plugin);
        self.kept_out.push(kept);
        if !self.applied.contains(&entry) {
            self.applied.push(entry);
        }
    }

    /// The library of `plugin` a quarantine kept out, if any.
    #[must_use]
    pub fn kept_out(&self, plugin: &str) -> Option<&KeptOut> {
        self.kept_out.iter().find(|k| k.plugin == plugin)
    }

    /// Notes a committed generation: lifts the plugin's applied quarantine and appends it to
    /// the ledger.
    pub fn committed(&mut self, line: &LedgerLine) {
        self.applied.retain(|e| e.plugin != line.plugin);
        self.kept_out.retain(|k| k.plugin != line.plugin);
        let Some(path) = &self.ledger else { return };
        let written = serde_json::to_string(line).map(|mut s| {
            s.push('\n');
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(s.as_bytes()))
        });
        if let Ok(Err(e)) = written {
            tracing::warn!(path = %path.display(), error = %e, "cannot write the generation ledger");
        }
    }
}

/// The ledger's lines (missing or malformed lines skipped).
#[must_use]
pub fn read_ledger(dir: &Path) -> Vec<LedgerLine> {
    std::fs::read_to_string(dir.join(LEDGER_FILE))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
