//! The engine side of [`omnysys_api::host::HostApi`]: plugin logs become `tracing` events.

use std::collections::BTreeMap;
use std::sync::Mutex;

use omnysys_api::host::{HostApi, LogLevel};

static COUNTERS: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

/// The services handed to every plugin.
pub fn host_api() -> HostApi {
    HostApi {
        log: plugin_log,
        counter_add,
    }
}

fn plugin_log(level: LogLevel, target: &str, message: &str) {
    match level {
        LogLevel::Debug => tracing::debug!(plugin_target = target, "{message}"),
        LogLevel::Info => tracing::info!(plugin_target = target, "{message}"),
        LogLevel::Warn => tracing::warn!(plugin_target = target, "{message}"),
        LogLevel::Error => tracing::error!(plugin_target = target, "{message}"),
    }
}

fn counter_add(name: &str, n: u64) {
    let mut counters = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    *counters.entry(name.to_owned()).or_default() += n;
}

/// Current value of a counter plugins add to.
pub fn counter(name: &str) -> u64 {
    let counters = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    counters.get(name).copied().unwrap_or(0)
}
