//! Who to tell when the tool list changes: legacy peers and 2026-07-28 subscriptions.
#![expect(
    deprecated,
    reason = "MCP logging is deprecated by SEP-2577, but legacy clients still set a level and read log notifications"
)]

use std::sync::Mutex;

use rmcp::RoleServer;
use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam};
use rmcp::service::{Peer, SubscriptionSink};

/// Connected clients.
#[derive(Default)]
pub struct Peers {
    legacy: Mutex<Vec<Peer<RoleServer>>>,
    sinks: Mutex<Vec<(u64, SubscriptionSink)>>,
    next_sink: Mutex<u64>,
    log_level: Mutex<Option<LoggingLevel>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Peers {
    /// Remembers a legacy peer (from any request: `on_initialized` can race the first call).
    pub fn add_legacy(&self, peer: &Peer<RoleServer>) {
        let mut legacy = lock(&self.legacy);
        legacy.retain(|p| !p.is_transport_closed());
        if peer.peer_info().is_some() && !legacy.iter().any(|p| same_peer(p, peer)) {
            legacy.push(peer.clone());
        }
    }

    /// Remembers a subscription; returns its key for [`Peers::remove_sink`].
    pub fn add_sink(&self, sink: SubscriptionSink) -> u64 {
        let mut next = lock(&self.next_sink);
        *next += 1;
        lock(&self.sinks).push((*next, sink));
        *next
    }

    /// Forgets a subscription.
    pub fn remove_sink(&self, key: u64) {
        lock(&self.sinks).retain(|(k, _)| *k != key);
    }

    /// Sets the level legacy clients asked for with `logging/setLevel`.
    pub fn set_log_level(&self, level: LoggingLevel) {
        *lock(&self.log_level) = Some(level);
    }

    /// Sends `notifications/tools/list_changed` to everyone.
    pub async fn notify_tools_changed(&self) {
        let legacy: Vec<_> = lock(&self.legacy).clone();
        for peer in legacy.iter().filter(|p| !p.is_transport_closed()) {
            if let Err(e) = peer.notify_tool_list_changed().await {
                tracing::debug!(error = %e, "a peer missed list_changed");
            }
        }
        let sinks: Vec<_> = lock(&self.sinks).iter().map(|(_, s)| s.clone()).collect();
        for sink in sinks {
            if let Err(e) = sink.notify_tool_list_changed().await {
                tracing::debug!(error = %e, "a subscription missed list_changed");
            }
        }
    }

    /// Sends an engine log notification (reload events) to legacy peers, only once a client set
    /// a level at or below `level`.
    pub async fn log(&self, level: LoggingLevel, message: serde_json::Value) {
        if lock(&self.log_level).is_none() {
            return;
        }
        let legacy: Vec<_> = lock(&self.legacy).clone();
        for peer in legacy.iter().filter(|p| !p.is_transport_closed()) {
            self.log_to(peer, level, message.clone()).await;
        }
    }

    /// Sends a log notification to every legacy peer whose level lets it through, whether or not
    /// a level was set (engine crashes and restarts: clients should hear of them).
    pub async fn log_always(&self, level: LoggingLevel, message: serde_json::Value) {
        let legacy: Vec<_> = lock(&self.legacy).clone();
        for peer in legacy.iter().filter(|p| !p.is_transport_closed()) {
            self.log_to(peer, level, message.clone()).await;
        }
    }

    /// Sends a log notification to a legacy peer if `level` passes the level set with
    /// `logging/setLevel`, if any.
    pub async fn log_to(
        &self,
        peer: &Peer<RoleServer>,
        level: LoggingLevel,
        message: serde_json::Value,
    ) {
        let threshold = *lock(&self.log_level);
        if threshold.is_some_and(|t| severity(level) < severity(t)) {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level, message).with_logger("omnysys");
        let _ = peer.notify_logging_message(param).await;
    }

    /// Sends a log notification for a 2026-07-28 request that asked for `min` or above.
    pub async fn log_unfiltered(
        &self,
        peer: &Peer<RoleServer>,
        level: LoggingLevel,
        min: LoggingLevel,
        message: serde_json::Value,
    ) {
        if severity(level) < severity(min) {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level, message).with_logger("omnysys");
        let _ = peer.notify_logging_message(param).await;
    }
}

/// Two handles of one session share the `initialize` parameters they recorded.
fn same_peer(a: &Peer<RoleServer>, b: &Peer<RoleServer>) -> bool {
    match (a.peer_info(), b.peer_info()) {
        (Some(x), Some(y)) => std::sync::Arc::ptr_eq(&x, &y),
        _ => false,
    }
}

fn severity(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}
