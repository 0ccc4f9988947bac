//! What the engine tells transports: reloads, tool-surface changes and builds.

use bevy_ecs::resource::Resource;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Something the engine did that transports may want to tell clients.
#[derive(Clone, Debug)]
pub enum EngineEvent {
    /// A reload batch finished (whatever its outcome).
    Reloaded(Vec<crate::reload::ReloadRecord>),
    /// The tool surface changed; the number is the catalog's new revision.
    ToolsChanged(u64),
    /// Build on save started, waits for a lock, succeeded, was cancelled or failed.
    Build(BuildNotice),
}

/// What build on save tells clients (as an MCP log message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildNotice {
    /// How serious: a failed build is an error, a lock wait a warning.
    pub level: NoticeLevel,
    /// `building`, `waiting_for_lock`, `built`, `cancelled` or `failed`.
    pub state: &'static str,
    /// The plugin crates of the build.
    pub crates: Vec<String>,
    /// What happened; for a failure, the first errors with file:line:column.
    pub message: String,
}

/// The level of a [`BuildNotice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    /// Progress.
    Info,
    /// Something that may need attention (another cargo holds the lock).
    Warning,
    /// The build failed.
    Error,
}

/// The listeners of [`EngineEvent`]s.
#[derive(Resource, Default)]
pub struct EngineEvents {
    listeners: Vec<UnboundedSender<EngineEvent>>,
}

impl EngineEvents {
    /// Events from now on.
    pub fn subscribe(&mut self) -> UnboundedReceiver<EngineEvent> {
        let (tx, rx) = unbounded_channel();
        self.listeners.push(tx);
        rx
    }

    /// Sends `event` to every listener still listening.
    pub fn emit(&mut self, event: EngineEvent) {
        self.listeners.retain(|l| l.send(event.clone()).is_ok());
    }
}
