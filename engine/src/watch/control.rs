//! Requests from the command line to a running server, through files in `<state dir>/control`.
//!
//! `omnysys rollback PLUGIN` writes the plugin name to `control/rollback`; the watcher reads
//! and removes it, rolls the plugin back as one reload transaction, and writes the outcome to
//! `control/rollback.result`, which the command prints.
//!
//! Both sides open the control directory with no link on the path, read only regular files of
//! bounded size without blocking, and write through a fresh temporary file renamed into place:
//! a link or a FIFO dropped there can neither redirect a write nor stop the watcher.

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::engine::Engine;
use crate::reload::{ReloadChange, ReloadReport};
use crate::safe_fs;

/// The request file.
pub const ROLLBACK_FILE: &str = "rollback";
/// The answer file.
pub const RESULT_FILE: &str = "rollback.result";

/// The most bytes of a request read (a plugin name).
pub const MAX_REQUEST_BYTES: u64 = 4096;
/// The most bytes of an answer read.
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024;
/// The control directory's name inside the state directory.
pub const CONTROL_DIR: &str = "control";

/// Opens `<state_dir>/control` with no link on the way (creating both when `create`).
///
/// # Errors
///
/// A message naming the directory and why it was refused.
pub fn open_control_dir(state_dir: &Path, create: bool) -> Result<OwnedFd, String> {
    let state = safe_fs::open_state_dir(state_dir, create)
        .map_err(|e| format!("{}: {e}", state_dir.display()))?;
    safe_fs::open_dir_beneath(state.as_fd(), CONTROL_DIR, create)
        .map_err(|e| format!("{}: {e}", state_dir.join(CONTROL_DIR).display()))
}

/// Reads a rollback request at `path` (`<state dir>/control/rollback`) and removes it; queues
/// the rollback. Only a regular file of at most [`MAX_REQUEST_BYTES`] reached with no link is
/// read, without blocking (a FIFO there must not stop the watcher); anything else is removed
/// and ignored.
pub fn rollback_requested(path: &Path, changes: &mut Vec<ReloadChange>) -> String {
    let Some(state_dir) = path.parent().and_then(Path::parent) else {
        return "ignored: not in a control directory".to_owned();
    };
    let dir = match open_control_dir(state_dir, false) {
        Ok(dir) => dir,
        Err(e) => return refuse(path, &e),
    };
    let read = safe_fs::read_regular(dir.as_fd(), ROLLBACK_FILE, MAX_REQUEST_BYTES);
    if let Err(e) = &read
        && e.kind() == std::io::ErrorKind::NotFound
    {
        return "ignored: request already handled".to_owned();
    }
    let _ = safe_fs::remove(dir.as_fd(), ROLLBACK_FILE);
    let text = match read {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return refuse(path, &e.to_string()),
    };
    let plugin = text.trim().to_owned();
    if plugin.is_empty() {
        return "ignored: empty rollback request".to_owned();
    }
    changes.push(ReloadChange::Rollback {
        plugin: plugin.clone(),
    });
    format!("rollback {plugin}")
}

fn refuse(path: &Path, why: &str) -> String {
    tracing::warn!(file = %path.display(), reason = %why, "rollback request refused");
    format!("ignored: {why}")
}

/// Writes the outcome of a batch that contained a rollback for the command to read (atomically,
/// never through a link).
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
    let text = lines.join("\n") + "\n";
    let state_dir = &engine.settings().state_dir;
    let written = open_control_dir(state_dir, false).and_then(|dir| {
        safe_fs::write_atomically(dir.as_fd(), RESULT_FILE, &[text.as_bytes()], || {}).map_err(
            |e| {
                format!(
                    "{}: {e}",
                    state_dir.join(CONTROL_DIR).join(RESULT_FILE).display()
                )
            },
        )
    });
    if let Err(reason) = written {
        tracing::warn!(%reason, "cannot write the rollback answer");
    }
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
    let dir = open_control_dir(state_dir, true)?;
    let control = state_dir.join(CONTROL_DIR);
    let _ = safe_fs::remove(dir.as_fd(), RESULT_FILE);
    safe_fs::write_atomically(dir.as_fd(), ROLLBACK_FILE, &[plugin.as_bytes()], || {})
        .map_err(|e| format!("{}: {e}", control.join(ROLLBACK_FILE).display()))?;
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(bytes) = safe_fs::read_regular(dir.as_fd(), RESULT_FILE, MAX_ANSWER_BYTES)
            && !bytes.is_empty()
        {
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = safe_fs::remove(dir.as_fd(), ROLLBACK_FILE);
    Err(format!(
        "no omnysys server answered within {timeout:?} (is one serving this project?)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project with `.omnysys/control`, a file outside it, and the control directory's path.
    fn setup(name: &str) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
        let root = std::env::temp_dir().join(format!("omnysys-ctl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let control = root.join("project/.omnysys/control");
        std::fs::create_dir_all(&control).unwrap();
        let outside = root.join("outside");
        std::fs::write(&outside, b"fixture\n").unwrap();
        (root, outside, control)
    }

    #[test]
    fn a_fifo_or_a_link_as_the_rollback_request_is_removed_and_ignored_without_blocking() {
        let (root, outside, control) = setup("request");
        let request = control.join(ROLLBACK_FILE);
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mkfifoat(rustix::fs::CWD, &request, mode).unwrap();
        let mut changes = Vec::new();
        let started = Instant::now();
        let action = rollback_requested(&request, &mut changes);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(action.contains("a FIFO"), "{action}");
        assert!(
            std::fs::symlink_metadata(&request).is_err(),
            "the FIFO is removed"
        );
        std::os::unix::fs::symlink(&outside, &request).unwrap();
        let action = rollback_requested(&request, &mut changes);
        assert!(action.contains("symbolic link"), "{action}");
        assert!(changes.is_empty());
        assert_eq!(std::fs::read(&outside).unwrap(), b"fixture\n");
        std::fs::write(&request, b"fixture\n").unwrap();
        assert_eq!(
            rollback_requested(&request, &mut changes),
            "rollback fixture"
        );
        assert_eq!(changes.len(), 1);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_rollback_answer_replaces_a_link_instead_of_writing_through_it() {
        let (root, outside, control) = setup("answer");
        std::os::unix::fs::symlink(&outside, control.join(RESULT_FILE)).unwrap();
        let settings = crate::EngineSettings::for_project(root.join("project"));
        let engine = Engine::new(settings).unwrap();
        answer(&engine, &ReloadReport::default());
        assert_eq!(std::fs::read(&outside).unwrap(), b"fixture\n");
        let meta = std::fs::symlink_metadata(control.join(RESULT_FILE)).unwrap();
        assert!(meta.is_file());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_rollback_command_never_writes_through_a_link_and_refuses_a_linked_control_directory() {
        let (root, outside, control) = setup("command");
        std::os::unix::fs::symlink(&outside, control.join(ROLLBACK_FILE)).unwrap();
        let state_dir = control.parent().unwrap();
        let waited = request_rollback(state_dir, "evil", Duration::from_millis(50));
        assert!(waited.unwrap_err().contains("no omnysys server answered"));
        assert_eq!(std::fs::read(&outside).unwrap(), b"fixture\n");
        std::fs::remove_dir_all(&control).unwrap();
        let elsewhere = root.join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &control).unwrap();
        let err = request_rollback(state_dir, "evil", Duration::from_millis(50)).unwrap_err();
        assert!(
            err.contains("control") && err.contains("symbolic link"),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&root);
    }
}
