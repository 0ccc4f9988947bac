//! Holding library changes while a build runs, so one build's libraries reload as one batch.
//!
//! What the watcher does without this: it acts on whatever arrived within one debounce window
//! (50 ms of quiet). Cargo writes each plugin's library when that plugin's rustc finishes, so
//! the plugins of one build (all the dependents of `tool_support`, say) land seconds apart and
//! would reload as several transactions, some against the old version of the others. With a
//! gate, the watcher keeps the library changes it sees while a build runs (and for a short
//! settle time after it, for the last library's event) and hands them over together once the
//! build succeeded: one reload transaction for the whole build. After a failed build they stay
//! held until a build succeeds, so the old generations keep serving together.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the builder tells the watcher.
#[derive(Clone, Debug, Default)]
pub struct BuildGate(Arc<Mutex<GateState>>);

#[derive(Debug, Default)]
struct GateState {
    building: bool,
    failed: bool,
    ended: Option<Instant>,
}

impl BuildGate {
    /// A build started.
    pub fn started(&self) {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.building = true;
    }

    /// The running build ended (or was cancelled, then `success` is false and a new one starts).
    pub fn ended(&self, success: bool) {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.building = false;
        s.failed = !success;
        s.ended = Some(Instant::now());
    }

    /// Whether library changes are held now: while building, after a failure, and for
    /// `settle` after a success.
    pub fn holds(&self, settle: Duration) -> bool {
        let s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.building || s.failed || s.ended.is_some_and(|t| t.elapsed() < settle)
    }
}

/// The library changes the watcher holds back.
#[derive(Debug, Default)]
pub struct HeldLibraries {
    paths: BTreeSet<PathBuf>,
}

impl HeldLibraries {
    /// Moves the library paths of `batch` into the held set while `gate` holds; once it no
    /// longer does, returns `batch` with every held path added back.
    pub fn admit(
        &mut self,
        mut batch: BTreeSet<PathBuf>,
        gate: &BuildGate,
        settle: Duration,
        is_library: impl Fn(&Path) -> bool,
    ) -> BTreeSet<PathBuf> {
        if gate.holds(settle) {
            let (libraries, rest): (BTreeSet<PathBuf>, _) =
                batch.into_iter().partition(|p| is_library(p));
            if !libraries.is_empty() {
                tracing::debug!(libraries = ?libraries, "library changes held until the build ends");
            }
            self.paths.extend(libraries);
            return rest;
        }
        batch.append(&mut self.paths);
        batch
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_written_during_a_build_are_handed_over_together_after_it_succeeds() {
        let gate = BuildGate::default();
        let mut held = HeldLibraries::default();
        let settle = Duration::from_millis(1);
        let is_lib = |p: &Path| p.extension().is_some_and(|e| e == "so");
        let batch = |paths: &[&str]| paths.iter().map(PathBuf::from).collect::<BTreeSet<_>>();
        gate.started();
        let out = held.admit(batch(&["/t/liba.so", "/w/src/x.rs"]), &gate, settle, is_lib);
        assert_eq!(out, batch(&["/w/src/x.rs"]));
        assert!(
            held.admit(batch(&["/t/libb.so"]), &gate, settle, is_lib)
                .is_empty()
        );
        gate.ended(false);
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            held.admit(BTreeSet::new(), &gate, settle, is_lib)
                .is_empty(),
            "held after a failure"
        );
        gate.started();
        gate.ended(true);
        std::thread::sleep(Duration::from_millis(5));
        let out = held.admit(BTreeSet::new(), &gate, settle, is_lib);
        assert_eq!(out, batch(&["/t/liba.so", "/t/libb.so"]));
    }
}
