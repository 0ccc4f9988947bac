//! The front: a small long-lived process that keeps the client's MCP session while engines come
//! and go.
//!
//! `omnysys serve` runs as the front. It owns the transport (stdio, or Streamable HTTP with its
//! guards and caps) and answers `initialize` itself; the engine runs in a child process
//! (`omnysys serve --engine-child`, the in-process stdio server, unchanged) reached over the
//! child's stdin/stdout ([`link`]). Tool calls, their progress and cancellation are forwarded;
//! the child's `list_changed` and log notifications are relayed ([`relay`]).
//!
//! When the child ends — a plugin that segfaults or aborts takes its process down, which no
//! `catch_unwind` can prevent — every call in flight is answered with an error naming the
//! signal, the plugin generation and the tool ([`crash`]); that library is quarantined; and a
//! successor starts from the last snapshot, reconciling the project on start ([`child`]). A
//! crash loop backs off ([`backoff`]) and says so.
//!
//! A new engine binary on disk is an upgrade ([`upgrade`]): new calls are held, calls in flight
//! finish on the old child, which then writes its snapshot and exits; a child of the new binary
//! starts from it and serves the held calls; `list_changed` goes out if the tools differ.

pub mod backoff;
pub mod child;
pub mod crash;
pub mod link;
mod proxy;
mod relay;
pub mod upgrade;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use child::{ChildSpec, FrontEvent};
pub use proxy::FrontServer;

/// True in an engine child started by a front (which set its crash directory).
#[must_use]
pub fn is_engine_child() -> bool {
    std::env::var_os(crate::plugin::quarantine::CRASH_DIR_ENV).is_some()
}

/// A running front: its server (serve it on a transport) and the supervisor of its children.
pub struct Front {
    /// The MCP server clients talk to.
    pub server: FrontServer,
    supervisor: tokio::task::JoinHandle<()>,
    stop: CancellationToken,
}

impl Front {
    /// Starts the first engine child and the relay of its events. Call inside a tokio runtime.
    #[must_use]
    pub fn start(spec: ChildSpec, call_timeout: Duration) -> Self {
        let stop = CancellationToken::new();
        let (events_tx, events) = tokio::sync::mpsc::unbounded_channel();
        let (current, supervisor) = child::supervise(spec, events_tx, stop.clone());
        let server = FrontServer::new(current, call_timeout);
        tokio::spawn(relay::relay(server.shared.clone(), events));
        Front {
            server,
            supervisor,
            stop,
        }
    }

    /// Stops the serving child (it writes its snapshot) and waits for it, bounded.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = tokio::time::timeout(Duration::from_secs(15), self.supervisor).await;
    }
}
