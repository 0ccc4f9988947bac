//! Kill points for crash tests: `OMNYSYS_TEST_KILL_AT=<point>` makes the process SIGKILL itself
//! at the named point, so a test can check what survives a crash there.
//!
//! Points: `after-write` (a snapshot is written but not yet renamed into place), `mid-index`
//! (after the first analysed batch).

/// SIGKILLs this process when `OMNYSYS_TEST_KILL_AT` names `point`; otherwise does nothing.
pub fn kill_if_asked(point: &str) {
    if std::env::var("OMNYSYS_TEST_KILL_AT").is_ok_and(|p| p == point) {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
    }
}
