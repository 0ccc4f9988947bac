//! What killed an engine child: its exit status, and the line its signal handler wrote
//! ([`crate::plugin::crash_signal`]) naming the plugin generation and tool that were running.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::ExitStatus;

use crate::plugin::quarantine::{CRASH_FILE, QUARANTINE_FILE, QuarantineEntry, read_ledger};

/// The end of one engine child.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrashReport {
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    /// Its exit code, if it exited.
    pub code: Option<i32>,
    /// The crashing thread's label (`plugin.gN tool`, or a thread name).
    pub thread: Option<String>,
}

/// A plugin generation named by a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Culprit {
    /// Plugin name.
    pub plugin: String,
    /// Generation number.
    pub generation: u64,
    /// The tool being served, when the thread ran a tool.
    pub tool: Option<String>,
}

impl CrashReport {
    /// Reads the crash record the child left in `dir` (its first line), with its exit status.
    #[must_use]
    pub fn read(dir: &Path, status: ExitStatus) -> Self {
        let thread = std::fs::read_to_string(dir.join(CRASH_FILE))
            .ok()
            .and_then(|text| text.lines().next().map(str::to_owned))
            .and_then(|line| line.split_once(' ').map(|(_, label)| label.to_owned()))
            .filter(|label| !label.is_empty());
        CrashReport {
            signal: status.signal(),
            code: status.code(),
            thread,
        }
    }

    /// The plugin generation whose thread crashed, if a plugin thread did.
    #[must_use]
    pub fn culprit(&self) -> Option<Culprit> {
        parse_label(self.thread.as_deref()?)
    }

    /// How the child ended, e.g. `crashed (SIGSEGV)` or `exited (status 1)`.
    #[must_use]
    pub fn how(&self) -> String {
        match (self.signal, self.code) {
            (Some(s), _) => format!("crashed ({})", signal_name(s)),
            (None, Some(c)) => format!("exited (status {c})"),
            (None, None) => "ended".to_owned(),
        }
    }

    /// The error the calls in flight get.
    #[must_use]
    pub fn message(&self, quarantined: bool) -> String {
        let after = if quarantined {
            "a new engine is starting with that plugin library quarantined"
        } else {
            "a new engine is starting"
        };
        match (self.culprit(), &self.thread) {
            (Some(c), _) => {
                let serving = c
                    .tool
                    .map(|t| format!(" while serving `{t}`"))
                    .unwrap_or_default();
                format!(
                    "the engine {} in plugin `{}` generation {}{serving}; {after}",
                    self.how(),
                    c.plugin,
                    c.generation
                )
            }
            (None, Some(thread)) => {
                format!("the engine {} on thread `{thread}`; {after}", self.how())
            }
            (None, None) => format!("the engine {}; {after}", self.how()),
        }
    }
}

/// `misbehaving.g3 test_segv` → plugin `misbehaving`, generation 3, tool `test_segv`.
#[must_use]
pub fn parse_label(label: &str) -> Option<Culprit> {
    let (thread, tool) = match label.split_once(' ') {
        Some((t, tool)) => (t, Some(tool.to_owned())),
        None => (label, None),
    };
    let (plugin, generation) = thread.rsplit_once(".g")?;
    Some(Culprit {
        plugin: plugin.to_owned(),
        generation: generation.parse().ok()?,
        tool,
    })
}

/// The usual name of a signal.
#[must_use]
pub fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGABRT => "SIGABRT",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        _ => return format!("signal {signal}"),
    };
    name.to_owned()
}

/// Adds the culprit's library (found in the child's ledger) to the quarantine file of `dir`;
/// returns the entry, or `None` when the ledger does not know that generation.
///
/// # Errors
///
/// When the quarantine file cannot be written.
pub fn quarantine(
    dir: &Path,
    culprit: &Culprit,
    reason: String,
) -> std::io::Result<Option<QuarantineEntry>> {
    let Some(line) = read_ledger(dir)
        .into_iter()
        .rev()
        .find(|l| l.plugin == culprit.plugin && l.generation == culprit.generation)
    else {
        return Ok(None);
    };
    let entry = QuarantineEntry {
        plugin: line.plugin,
        generation: line.generation,
        content_hash: line.content_hash,
        reason,
    };
    let mut entries = crate::plugin::quarantine::Quarantine::in_dir(dir).entries;
    entries.retain(|e| !(e.plugin == entry.plugin && e.content_hash == entry.content_hash));
    entries.push(entry.clone());
    let json = serde_json::to_vec_pretty(&entries).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(QUARANTINE_FILE), json)?;
    Ok(Some(entry))
}
