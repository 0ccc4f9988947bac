//! Engine upgrades: the front notices a new engine binary and hands the session to a child of it.
//!
//! The front polls its own executable (size, modification time, inode) every 250 ms; a change
//! that then stays still for 300 ms (a linker done writing) is an upgrade. The supervisor holds
//! new calls, lets the calls in flight finish on the old child (bounded), closes the old child's
//! stdin (it writes its snapshot and exits), and starts the new binary, which restores that
//! snapshot; held calls are then served by it.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use super::link::Link;

/// What identifies one build of the executable on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    mtime_ns: i128,
    ino: u64,
}

/// The executable's stamp now (`None` while it is missing, e.g. between unlink and link).
#[must_use]
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        ino: m.ino(),
    })
}

const POLL: Duration = Duration::from_millis(250);
const SETTLE: Duration = Duration::from_millis(300);
/// How long calls in flight get to finish on the old engine.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Resolves once the executable at `path` differs from `known` and has stayed the same for
/// [`SETTLE`]; returns its new stamp.
pub async fn changed(path: &Path, known: Option<Stamp>) -> Option<Stamp> {
    loop {
        tokio::time::sleep(POLL).await;
        let now = stamp(path);
        if now.is_none() || now == known {
            continue;
        }
        tokio::time::sleep(SETTLE).await;
        if stamp(path) == now {
            return now;
        }
    }
}

/// Waits (bounded) until the child has answered every call sent to it.
pub async fn drain(link: &Link) {
    let waited = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while link.in_flight() > 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await;
    if waited.is_err() {
        tracing::warn!(
            in_flight = link.in_flight(),
            ?DRAIN_TIMEOUT,
            "calls still running on the old engine; handing over anyway"
        );
    }
}
