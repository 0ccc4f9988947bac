//! The builder's thread: coalesces requests, runs one cargo at a time, cancels an obsolete one.
//!
//! A request (a crate whose sources changed) waits `debounce` for more; then one cargo builds
//! them all. A request that arrives while cargo runs makes that build obsolete: its process
//! group is killed and a new build of everything pending starts after the next quiet
//! `debounce`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::cargo::{BuildCommand, CargoRun, Output};
use super::dependents::CrateGraph;
use super::diagnostics::BuildLog;
use super::gate::BuildGate;
use super::report::Reporter;
use crate::handle::EngineGone;

/// How long the thread waits for anything when no build is due.
const IDLE: Duration = Duration::from_millis(500);

/// Output lines of the builds, tagged with the build's id.
type Lines = (Sender<(u64, Output)>, Receiver<(u64, Output)>);

/// What the [`super::Builder`] asks its thread.
pub(super) enum Request {
    /// Sources of this crate changed.
    Build(String),
    /// Stop (killing a running build).
    Stop,
}

/// The build cargo is running.
struct Running {
    run: CargoRun,
    id: u64,
    crates: Vec<String>,
    log: BuildLog,
    lock_reported: bool,
}

/// The thread's state.
pub(super) struct Worker {
    pub(super) command: BuildCommand,
    pub(super) workspace: PathBuf,
    pub(super) debounce: Duration,
    pub(super) reporter: Reporter,
    pub(super) gate: BuildGate,
    pub(super) requests: Receiver<Request>,
    lines: Lines,
    runs: u64,
    pending: BTreeSet<String>,
    due: Option<Instant>,
    running: Option<Running>,
}

impl Worker {
    /// A worker with nothing pending.
    pub(super) fn new(
        command: BuildCommand,
        workspace: PathBuf,
        debounce: Duration,
        reporter: Reporter,
        gate: BuildGate,
        requests: Receiver<Request>,
    ) -> Self {
        Worker {
            command,
            workspace,
            debounce,
            reporter,
            gate,
            requests,
            lines: crossbeam_channel::unbounded(),
            runs: 0,
            pending: BTreeSet::new(),
            due: None,
            running: None,
        }
    }

    /// Serves requests until stopped or the engine is gone; kills a build still running.
    pub(super) fn run(mut self) {
        while let Ok(true) = self.step() {}
        if let Some(running) = self.running.take() {
            let _ = running.run.kill();
        }
    }

    /// Waits for a request, a line of output or the due time; false when asked to stop.
    fn step(&mut self) -> Result<bool, EngineGone> {
        let timeout = self
            .due
            .map_or(IDLE, |d| d.saturating_duration_since(Instant::now()));
        let lines = self.lines.1.clone();
        crossbeam_channel::select! {
            recv(self.requests) -> request => match request {
                Ok(Request::Build(krate)) => self.requested(&krate)?,
                Ok(Request::Stop) | Err(_) => return Ok(false),
            },
            recv(lines) -> line => {
                if let Ok((id, out)) = line {
                    self.output(id, out)?;
                }
            },
            default(timeout) => {},
        }
        self.start_if_due()?;
        Ok(true)
    }

    /// Sources of `krate` changed: cancel an obsolete build, queue the plugins to build.
    fn requested(&mut self, krate: &str) -> Result<(), EngineGone> {
        if let Some(running) = self.running.take() {
            let pid = running.run.pid;
            if let Err(e) = running.run.kill() {
                tracing::debug!(pid, error = %e, "killing the obsolete build");
            }
            self.pending.extend(running.crates.iter().cloned());
            self.reporter.cancelled(&running.crates, pid)?;
        }
        let mut plugins = CrateGraph::read(&self.workspace).plugins_affected_by(krate);
        if plugins.is_empty() {
            plugins.insert(krate.to_owned());
        }
        self.pending.extend(plugins);
        self.due = Some(Instant::now() + self.debounce);
        Ok(())
    }

    /// Starts the pending build once it is due and nothing runs.
    fn start_if_due(&mut self) -> Result<(), EngineGone> {
        let due = self.due.is_some_and(|d| Instant::now() >= d);
        if !due || self.running.is_some() || self.pending.is_empty() {
            return Ok(());
        }
        self.due = None;
        let crates: Vec<String> = std::mem::take(&mut self.pending).into_iter().collect();
        self.runs += 1;
        self.gate.started();
        self.reporter.started(&crates)?;
        match CargoRun::start(&self.command, self.runs, &self.lines.0) {
            Ok(run) => {
                tracing::debug!(pid = run.pid, command = %self.command, "cargo started");
                let log = BuildLog::default();
                let id = self.runs;
                self.running = Some(Running {
                    run,
                    id,
                    crates,
                    log,
                    lock_reported: false,
                });
                Ok(())
            }
            Err(e) => {
                self.gate.ended(false);
                let reason = format!("cannot run `{}`: {e}", self.command);
                self.reporter.failed(&crates, reason)
            }
        }
    }

    /// One line (or the end of a stream) of build `id`; lines of a killed build are dropped.
    fn output(&mut self, id: u64, out: Output) -> Result<(), EngineGone> {
        let Some(running) = self.running.as_mut().filter(|r| r.id == id) else {
            return Ok(());
        };
        match out {
            Output::Stdout(line) => running.log.stdout(&line),
            Output::Stderr(line) => {
                if running.log.stderr(&line) && !running.lock_reported {
                    running.lock_reported = true;
                    self.reporter.waiting_for_lock(&running.crates)?;
                }
            }
            Output::Closed => {
                if running.run.stream_closed() {
                    return self.finish();
                }
            }
        }
        Ok(())
    }

    /// Cargo closed its output: reap it and report how the build ended.
    fn finish(&mut self) -> Result<(), EngineGone> {
        let Some(running) = self.running.take() else {
            return Ok(());
        };
        let exit = running.run.wait();
        let exited_ok = exit.as_ref().is_ok_and(|s| s.success());
        let success = exited_ok && running.log.finished != Some(false);
        self.gate.ended(success);
        if success {
            return self.reporter.succeeded(&running.crates);
        }
        let exit = exit.map_or_else(|e| e.to_string(), |s| s.to_string());
        self.reporter
            .failed(&running.crates, running.log.failure(&exit))
    }
}
