//! Forwarding a running tool's events to the client that called it: progress notifications
//! when the request carried a progress token, log notifications for legacy clients.
#![expect(
    deprecated,
    reason = "MCP logging is deprecated by SEP-2577, but legacy clients still read log notifications"
)]

use std::sync::Arc;

use omnysys_api::host::LogLevel;
use omnysys_api::tool::ToolEvent;
use rmcp::RoleServer;
use rmcp::model::{LoggingLevel, ProgressNotificationParam};
use rmcp::service::RequestContext;

use super::server::Shared;
use crate::plugin::EventSender;

/// A sender the tool's thread can call; events are sent to the client from a tokio task, in
/// order.
pub(super) fn event_sender(
    ctx: &RequestContext<RoleServer>,
    shared: Arc<Shared>,
) -> Option<EventSender> {
    let token = ctx.meta.get_progress_token();
    let peer = ctx.peer.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ToolEvent>();
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            match event {
                ToolEvent::Progress {
                    progress,
                    total,
                    message,
                } => {
                    let Some(token) = token.clone() else { continue };
                    let mut param = ProgressNotificationParam::new(token, progress);
                    param.total = total;
                    param.message = message;
                    let _ = peer.notify_progress(param).await;
                }
                ToolEvent::Log { level, message } => {
                    shared
                        .peers
                        .log_to(&peer, level_of(level), serde_json::Value::String(message))
                        .await;
                }
            }
        }
    });
    Some(Arc::new(move |event| {
        let _ = tx.send(event);
    }))
}

fn level_of(level: LogLevel) -> LoggingLevel {
    match level {
        LogLevel::Debug => LoggingLevel::Debug,
        LogLevel::Info => LoggingLevel::Info,
        LogLevel::Warn => LoggingLevel::Warning,
        LogLevel::Error => LoggingLevel::Error,
    }
}
