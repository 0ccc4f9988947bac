//! Relaying engine events to clients: new tool lists, reload outcomes and builds.
#![expect(
    deprecated,
    reason = "MCP logging is deprecated by SEP-2577, but legacy clients still set a level and read log notifications"
)]

use std::sync::Arc;

use rmcp::model::LoggingLevel;
use tokio::sync::mpsc::UnboundedReceiver;

use super::catalog::ToolSnapshot;
use super::server::Shared;
use crate::engine::{BuildNotice, EngineEvent, NoticeLevel};
use crate::reload::ReloadOutcome;

/// Runs until the engine stops: refreshes the tool snapshot and notifies clients.
pub(super) async fn relay(shared: Arc<Shared>, mut events: UnboundedReceiver<EngineEvent>) {
    while let Some(event) = events.recv().await {
        match event {
            EngineEvent::ToolsChanged(_) => {
                let Ok(snapshot) = shared
                    .engine
                    .read_async(|e| ToolSnapshot::of(e.world()))
                    .await
                else {
                    return;
                };
                *shared.tools.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
                shared.peers.notify_tools_changed().await;
            }
            EngineEvent::Reloaded(records) => {
                for r in records {
                    let level = match r.outcome {
                        ReloadOutcome::Loaded
                        | ReloadOutcome::RolledBack
                        | ReloadOutcome::Unloaded => LoggingLevel::Info,
                        _ => LoggingLevel::Warning,
                    };
                    let message = serde_json::json!({
                        "event": "reload", "plugin": r.plugin, "generation": r.generation,
                        "outcome": r.outcome, "reason": r.reason,
                    });
                    shared.peers.log(level, message).await;
                }
            }
            EngineEvent::Build(notice) => {
                let (level, message) = build_log(&notice);
                shared.peers.log(level, message).await;
            }
        }
    }
}

/// A build notice as an MCP log message: an error for a failed build (its first errors with
/// file:line:column in `message`).
fn build_log(notice: &BuildNotice) -> (LoggingLevel, serde_json::Value) {
    let level = match notice.level {
        NoticeLevel::Info => LoggingLevel::Info,
        NoticeLevel::Warning => LoggingLevel::Warning,
        NoticeLevel::Error => LoggingLevel::Error,
    };
    let message = serde_json::json!({
        "event": "build", "state": notice.state, "crates": notice.crates,
        "message": notice.message,
    });
    (level, message)
}
