//! What the engine tells transports: reloads and tool-surface changes.

use bevy_ecs::resource::Resource;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Something the engine did that transports may want to tell clients.
#[derive(Clone, Debug)]
pub enum EngineEvent {
    /// A reload batch finished (whatever its outcome).
    Reloaded(Vec<crate::reload::ReloadRecord>),
    /// The tool surface changed; the number is the catalog's new revision.
    ToolsChanged(u64),
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
