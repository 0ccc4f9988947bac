//! Telling the engine what a build does: `EngineStatus.build`, recent errors of kind `build`,
//! an [`EngineEvent::Build`] for transports (an MCP log message) and the log on stderr.
//!
//! Every report is a short job on the engine thread; the build itself never runs there.

use omnysys_api::schema::{BuildStatus, EngineStatus, now_ms};

use crate::engine::{BuildNotice, Engine, EngineEvent, EngineEvents, NoticeLevel};
use crate::handle::{EngineGone, EngineHandle};

/// The kind of the recent errors a failed build records.
pub const ERROR_KIND: &str = "build";

/// Reports one builder's progress to its engine.
#[derive(Clone)]
pub struct Reporter {
    handle: EngineHandle,
}

impl Reporter {
    /// Reports to `handle`'s engine; marks build on save enabled with `command` in its status.
    ///
    /// # Errors
    ///
    /// [`EngineGone`] when the engine has stopped.
    pub fn new(handle: EngineHandle, command: String) -> Result<Self, EngineGone> {
        handle.run(move |e| {
            let mut s = status(e);
            s.enabled = true;
            s.state = "idle".to_owned();
            s.command = command;
        })?;
        Ok(Reporter { handle })
    }

    /// A build of `crates` started.
    pub fn started(&self, crates: &[String]) -> Result<(), EngineGone> {
        tracing::info!(crates = ?crates, "sources changed; building");
        let list = crates.to_vec();
        self.update(
            crates,
            NoticeLevel::Info,
            "building",
            String::new(),
            move |s| {
                s.state = "building".to_owned();
                s.crates = list;
                s.started_ms = Some(now_ms());
                s.waiting_for_lock = false;
                s.builds += 1;
            },
        )
    }

    /// The running build waits for another cargo's lock on the build directory.
    pub fn waiting_for_lock(&self, crates: &[String]) -> Result<(), EngineGone> {
        let message = "cargo is waiting for another cargo's lock on the build directory".to_owned();
        tracing::warn!(crates = ?crates, "{message}");
        self.update(
            crates,
            NoticeLevel::Warning,
            "waiting_for_lock",
            message,
            |s| {
                s.waiting_for_lock = true;
            },
        )
    }

    /// The running build was made obsolete by a newer edit and killed.
    pub fn cancelled(&self, crates: &[String], pid: u32) -> Result<(), EngineGone> {
        tracing::info!(crates = ?crates, pid, "build cancelled: a newer edit supersedes it");
        let message = format!("cancelled (cargo pid {pid}): a newer edit supersedes it");
        self.update(crates, NoticeLevel::Info, "cancelled", message, |s| {
            s.cancelled += 1;
            s.waiting_for_lock = false;
        })
    }

    /// The build succeeded; the watcher reloads what it wrote.
    pub fn succeeded(&self, crates: &[String]) -> Result<(), EngineGone> {
        tracing::info!(crates = ?crates, "build finished; reloading what it wrote");
        self.update(crates, NoticeLevel::Info, "built", String::new(), |s| {
            s.state = "idle".to_owned();
            s.finished_ms = Some(now_ms());
            s.waiting_for_lock = false;
        })
    }

    /// The build failed with `reason` (its first errors with file:line:column).
    pub fn failed(&self, crates: &[String], reason: String) -> Result<(), EngineGone> {
        tracing::error!(crates = ?crates, %reason, "build failed; the serving generations stay");
        let subject = crates.join(", ");
        let recorded = reason.clone();
        self.handle
            .run(move |e| e.record_error(ERROR_KIND, &subject, &recorded))?;
        self.update(
            crates,
            NoticeLevel::Error,
            "failed",
            reason.clone(),
            move |s| {
                s.state = "failed".to_owned();
                s.finished_ms = Some(now_ms());
                s.waiting_for_lock = false;
                s.last_error = Some(reason);
            },
        )
    }

    /// Applies `edit` to the status and emits a notice, in one engine job.
    fn update(
        &self,
        crates: &[String],
        level: NoticeLevel,
        state: &'static str,
        message: String,
        edit: impl FnOnce(&mut BuildStatus) + Send + 'static,
    ) -> Result<(), EngineGone> {
        let notice = BuildNotice {
            level,
            state,
            crates: crates.to_vec(),
            message,
        };
        self.handle.run(move |e| {
            edit(&mut status(e));
            e.world_mut()
                .resource_mut::<EngineEvents>()
                .emit(EngineEvent::Build(notice));
        })
    }
}

/// The build part of the engine's status resource.
fn status(engine: &mut Engine) -> bevy_ecs::world::Mut<'_, BuildStatus> {
    engine
        .world_mut()
        .resource_mut::<EngineStatus>()
        .map_unchanged(|s| &mut s.build)
}
