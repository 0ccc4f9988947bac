//! Forwarding a running tool's events to the client that called it: progress notifications
//! when the request carried a progress token; log notifications for legacy clients (at the level
//! they set) and for 2026-07-28 requests that asked for them in `_meta`.
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

/// Which log notifications a call may send.
#[derive(Clone, Copy)]
enum LogPolicy {
    /// A legacy client: the level it set with `logging/setLevel`, if any.
    Legacy,
    /// A 2026-07-28 request that asked for logs at this level or above in its `_meta`.
    AtLeast(LoggingLevel),
    /// A 2026-07-28 request that did not ask: no `notifications/message`.
    Never,
}

/// True for requests of protocol 2026-07-28 or later (no sessions, no `logging/setLevel`).
pub(crate) fn is_modern(ctx: &RequestContext<RoleServer>) -> bool {
    ctx.protocol_version()
        .is_some_and(|v| v.as_str() >= "2026-07-28")
}

/// A sender the tool's thread can call, and the task that forwards its events to the client in
/// order. The task ends once every sender is dropped; await it before answering, so that no
/// event arrives after the result.
pub(super) fn event_sender(
    ctx: &RequestContext<RoleServer>,
    shared: Arc<Shared>,
) -> (EventSender, tokio::task::JoinHandle<()>) {
    let token = ctx.meta.get_progress_token();
    let peer = ctx.peer.clone();
    let policy = match (is_modern(ctx), ctx.meta.log_level()) {
        (false, _) => LogPolicy::Legacy,
        (true, Some(level)) => LogPolicy::AtLeast(level),
        (true, None) => LogPolicy::Never,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ToolEvent>();
    let forwarder = tokio::spawn(async move {
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
                    let (level, message) = (level_of(level), serde_json::Value::String(message));
                    match policy {
                        LogPolicy::Legacy => shared.peers.log_to(&peer, level, message).await,
                        LogPolicy::AtLeast(min) => {
                            shared
                                .peers
                                .log_unfiltered(&peer, level, min, message)
                                .await
                        }
                        LogPolicy::Never => {}
                    }
                }
            }
        }
    });
    let sender: EventSender = Arc::new(move |event| {
        let _ = tx.send(event);
    });
    (sender, forwarder)
}

fn level_of(level: LogLevel) -> LoggingLevel {
    match level {
        LogLevel::Debug => LoggingLevel::Debug,
        LogLevel::Info => LoggingLevel::Info,
        LogLevel::Warn => LoggingLevel::Warning,
        LogLevel::Error => LoggingLevel::Error,
    }
}
