//! Logs go to stderr through `tracing`; stdout belongs to MCP.

use tracing_subscriber::EnvFilter;

/// Installs a stderr subscriber; `OMNYSYS_LOG` (or `RUST_LOG`) sets the filter, default `info`.
pub fn init() {
    let filter = std::env::var("OMNYSYS_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_owned());
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
