//! Relaying what the supervisor and the serving child say to the front's clients.
#![expect(
    deprecated,
    reason = "MCP logging is deprecated by SEP-2577, but legacy clients still set a level and read log notifications"
)]

use std::sync::Arc;

use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam};
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;

use super::child::FrontEvent;
use super::link::Notification;
use super::proxy::{FrontShared, fetch_tools};

/// Runs until the supervisor stops.
pub(super) async fn relay(shared: Arc<FrontShared>, mut events: UnboundedReceiver<FrontEvent>) {
    while let Some(event) = events.recv().await {
        match event {
            FrontEvent::Child(n) => from_child(&shared, n).await,
            FrontEvent::Serving { after, upgrade } => {
                refresh_tools(&shared).await;
                if let Some(after) = after {
                    let ms = after.as_millis() as u64;
                    tracing::info!(pause_ms = ms, upgrade, "a new engine is serving");
                    let event = if upgrade {
                        "engine-upgraded"
                    } else {
                        "engine-serving"
                    };
                    let message = json!({"event": event, "pauseMs": ms});
                    shared.peers.log_always(LoggingLevel::Info, message).await;
                }
            }
            FrontEvent::Ended(message) => {
                *shared.last_end.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.clone());
                let message = json!({"event": "engine-ended", "message": message});
                shared.peers.log_always(LoggingLevel::Error, message).await;
            }
        }
    }
}

async fn from_child(shared: &FrontShared, n: Notification) {
    match n.method.as_str() {
        "notifications/tools/list_changed" => refresh_tools(shared).await,
        "notifications/message" => {
            if let Ok(p) = serde_json::from_value::<LoggingMessageNotificationParam>(n.params) {
                shared.peers.log(p.level, p.data).await;
            }
        }
        _ => {}
    }
}

/// Fetches the serving child's tools; tells clients when they differ from those they knew.
async fn refresh_tools(shared: &FrontShared) {
    let Some(link) = shared.current.borrow().clone() else {
        return;
    };
    let Ok(tools) = fetch_tools(&link).await else {
        return;
    };
    let changed = {
        let mut known = shared.tools.write().unwrap_or_else(|e| e.into_inner());
        let changed = known.as_deref().is_some_and(|old| *old != tools);
        *known = Some(Arc::new(tools));
        changed
    };
    if changed {
        shared.peers.notify_tools_changed().await;
    }
}
