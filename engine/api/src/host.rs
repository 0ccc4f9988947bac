//! Services the engine lends to plugins.
//!
//! A `cdylib` has its own copy of `tracing` with no subscriber, so a plugin logs through
//! function pointers the engine hands over when it loads the plugin. The macros
//! [`log_info!`](crate::log_info) and friends format the message inside the plugin and pass it
//! to the engine, which emits it as a `tracing` event with the plugin's name.

use std::sync::OnceLock;

/// Severity of a plugin log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum LogLevel {
    /// Diagnostics.
    Debug,
    /// Normal operation.
    Info,
    /// Something odd that was handled.
    Warn,
    /// Something failed.
    Error,
}

/// Function pointers into the engine. They point at engine code, which stays loaded for as long
/// as any plugin does.
#[derive(Clone, Copy)]
pub struct HostApi {
    /// Emits a log line: level, target (the plugin's module path), message.
    pub log: fn(LogLevel, &str, &str),
    /// Adds to a named engine counter (used by tests to observe plugin-side events such as
    /// thread-local destructors).
    pub counter_add: fn(&str, u64),
}

static HOST: OnceLock<HostApi> = OnceLock::new();

/// Called by the plugin entry point before `build`; later calls are ignored.
#[doc(hidden)]
pub fn install(api: HostApi) {
    let _ = HOST.set(api);
}

/// Logs through the engine. Before the engine installed itself (unit tests), the line is dropped.
pub fn log(level: LogLevel, target: &str, message: &str) {
    if let Some(host) = HOST.get() {
        (host.log)(level, target, message);
    }
}

/// Adds `n` to the engine counter `name`.
pub fn counter_add(name: &str, n: u64) {
    if let Some(host) = HOST.get() {
        (host.counter_add)(name, n);
    }
}

/// Logs an info line through the engine: `log_info!("parsed {} files", n)`.
#[macro_export]
macro_rules! log_info {
    ($($arg:tt)*) => { $crate::host::log($crate::host::LogLevel::Info, module_path!(), &format!($($arg)*)) };
}
/// Logs a debug line through the engine.
#[macro_export]
macro_rules! log_debug {
    ($($arg:tt)*) => { $crate::host::log($crate::host::LogLevel::Debug, module_path!(), &format!($($arg)*)) };
}
/// Logs a warning through the engine.
#[macro_export]
macro_rules! log_warn {
    ($($arg:tt)*) => { $crate::host::log($crate::host::LogLevel::Warn, module_path!(), &format!($($arg)*)) };
}
/// Logs an error through the engine.
#[macro_export]
macro_rules! log_error {
    ($($arg:tt)*) => { $crate::host::log($crate::host::LogLevel::Error, module_path!(), &format!($($arg)*)) };
}
