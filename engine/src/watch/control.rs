//! Requests from the command line to a running server, through files in `<state dir>/control`.
//!
//! `omnysys rollback PLUGIN` writes the plugin name to `control/rollback`; the watcher reads
//! and removes it, rolls the plugin back as one reload transaction, and writes the outcome to
//! `control/rollback.result`, which the command prints.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::engine::Engine;
use crate::reload::{ReloadChange, ReloadReport};

/// The request file.
pub const ROLLBACK_FILE: &str = "rollback";
/// The answer file.
pub const RESULT_FILE: &str = "rollback.result";

/// Reads a rollback request (and removes it); queues the rollback.
pub fn rollback_requested(path: &Path, changes: &mut Vec<ReloadChange>) -> String {
    let Ok(text) = std::fs::read_to_string(path) else {
        return "ignored: request already handled".to_owned();
    };
    let _ = std::fs::remove_file(path);
    let plugin = text.trim().to_owned();
    if plugin.is_empty() {
        return "ignored: empty rollback request".to_owned();
    }
    changes.push(ReloadChange::Rollback {
        plugin: plugin.clone(),
    });
    format!("rollback {plugin}")
}

/// Writes the outcome of a batch that contained a rollback for the command to read.
pub fn answer(engine: &Engine, report: &ReloadReport) {
    let lines: Vec<String> = report
        .records
        .iter()
        .map(|r| {
            format!(
                "{} {:?} generation {:?} {}",
                r.plugin, r.outcome, r.generation, r.reason
            )
        })
        .collect();
    let dir = engine.settings().state_dir.join("control");
    let _ = std::fs::write(dir.join(RESULT_FILE), lines.join("\n") + "\n");
}

/// Asks the server serving `state_dir` to roll `plugin` back, and waits (at most `timeout`) for
/// its answer.
///
/// # Errors
///
/// When the request cannot be written, or no server answered in time.
pub fn request_rollback(
    state_dir: &Path,
    plugin: &str,
    timeout: Duration,
) -> Result<String, String> {
    let dir = state_dir.join("control");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = dir.join(RESULT_FILE);
    let _ = std::fs::remove_file(&result);
    let request = dir.join(ROLLBACK_FILE);
    std::fs::write(&request, plugin).map_err(|e| format!("{}: {e}", request.display()))?;
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&result)
            && !text.is_empty()
        {
            return Ok(text);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_file(&request);
    Err(format!(
        "no omnysys server answered within {timeout:?} (is one serving this project?)"
    ))
}
