//! Build on save: a change to a plugin crate's sources builds it, and the watcher loads what
//! the build wrote as it loads any rebuilt library (verified, one reload transaction).
//!
//! - **One command, one feature resolution.** Every build is the README's build command,
//!   `cargo build --release --workspace` (the engine's profile), with `--message-format=json`:
//!   building `-p omnysys -p X` instead would resolve features differently, rebuild the world
//!   and write libraries whose `TypeId` fingerprint differs from the engine's. A change to a
//!   shared crate (`tool_support`, `extract_support`) is therefore rebuilt with all its
//!   dependents by that one invocation; [`dependents`] names them for the status.
//! - **Never on the engine thread.** A builder thread owns the cargo child; it reports to the
//!   engine through short jobs ([`report`]).
//! - **Coalesced and cancelled.** Requests wait for a quiet `debounce`; a request that arrives
//!   while cargo runs kills that build's process group (cargo and its rustc children) and a new
//!   build of everything pending follows ([`worker`]).
//! - **One batch.** While a build runs, the watcher holds the library changes it sees and hands
//!   them over together when the build succeeded ([`gate`]).
//! - **Failures are reported.** The first compiler errors with file:line:column go to
//!   `get_recent_errors` (kind `build`), `get_server_status` (`build`) and clients (an MCP log
//!   message, level error); the old generations keep serving. Cargo waiting for another
//!   cargo's lock on the build directory is reported the same way (level warning).
//!
//! # Caveats
//!
//! Cargo is killed with SIGKILL: a build killed while writing a library leaves it half
//! written, which the watcher never loads (it waits for a complete ELF and the next build
//! rewrites it).

pub mod cargo;
pub mod dependents;
pub mod diagnostics;
pub mod gate;
pub mod report;
mod worker;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Sender;

pub use cargo::BuildCommand;
pub use gate::{BuildGate, HeldLibraries};

use crate::handle::{EngineGone, EngineHandle};
use worker::{Request, Worker};

/// The environment variable naming the program build on save runs instead of `cargo` (tests
/// use a fake cargo script).
pub const CARGO_ENV: &str = "OMNYSYS_CARGO";

/// How long requests wait for more before a build starts (an editor's save burst).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(100);

/// How to build on save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSettings {
    /// The command (run in the workspace root).
    pub command: BuildCommand,
    /// The workspace whose plugin crates are watched and built.
    pub workspace: PathBuf,
    /// Quiet time before a build starts.
    pub debounce: Duration,
}

impl BuildSettings {
    /// The README's build command for `workspace` in the engine's profile, with JSON
    /// messages; the program is `OMNYSYS_CARGO` when set, else `cargo`.
    pub fn for_workspace(workspace: &Path) -> Self {
        let program = std::env::var_os(CARGO_ENV).unwrap_or_else(|| OsString::from("cargo"));
        let mut args = crate::toolset::workspace_build_args();
        args.push("--message-format=json".to_owned());
        BuildSettings {
            command: BuildCommand {
                program,
                args,
                dir: workspace.to_path_buf(),
            },
            workspace: workspace.to_path_buf(),
            debounce: DEFAULT_DEBOUNCE,
        }
    }
}

/// Why a builder could not start.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The engine has stopped.
    #[error(transparent)]
    EngineGone(#[from] EngineGone),
    /// The OS refused a thread.
    #[error("cannot start the builder thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// A running builder; stops (killing a running build) when dropped.
pub struct Builder {
    requests: Sender<Request>,
    gate: BuildGate,
    thread: Option<JoinHandle<()>>,
}

impl Builder {
    /// Starts a builder reporting to `handle`'s engine.
    ///
    /// # Errors
    ///
    /// [`BuildError`] when the engine has stopped or no thread can be started.
    pub fn spawn(settings: BuildSettings, handle: EngineHandle) -> Result<Self, BuildError> {
        let reporter = report::Reporter::new(handle, settings.command.to_string())?;
        let (tx, rx) = crossbeam_channel::unbounded();
        let gate = BuildGate::default();
        let worker = Worker::new(
            settings.command,
            settings.workspace,
            settings.debounce,
            reporter,
            gate.clone(),
            rx,
        );
        let thread = std::thread::Builder::new()
            .name("omnysys-build".into())
            .spawn(move || worker.run())?;
        Ok(Builder {
            requests: tx,
            gate,
            thread: Some(thread),
        })
    }

    /// Sources of workspace crate `krate` changed: build it and the plugins using it.
    pub fn request(&self, krate: &str) {
        let _ = self.requests.send(Request::Build(krate.to_owned()));
    }

    /// What the watcher consults to hold library changes while a build runs.
    pub fn gate(&self) -> &BuildGate {
        &self.gate
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        let _ = self.requests.send(Request::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
