//! omnysys_harness: what tests and measures the engine — not part of the served product.
//!
//! Modules, each using only those listed above it (and the engine):

/// `omnysys bench`: reload, watcher, MCP, synthetic-project and tool latency.
pub mod bench;
/// Headless RON scenarios, run through the engine's own loop.
pub mod scenario;
/// Process measurements: RSS and open file descriptors.
pub mod soak;
/// Synthetic state in a `World` and generated projects on disk.
pub mod synthetic;
