//! omnysys: a code-context engine whose tools and extractors are hot-reloaded plugins.
//!
//! The engine owns a bevy_ecs `World` holding all state (files, hashes, cache entries, queue,
//! indexing state, the dependency graph, plugin-owned state) and loads behaviour from `cdylib`
//! plugins, each registered as systems of that `World`. A reload builds the new generation
//! completely, swaps it in between two requests and retires the old one; a failure before the
//! swap leaves the old generation serving.
//!
//! - [`engine`]: the [`Engine`](engine::Engine), and [`handle`]: the engine on its own thread.
//! - [`plugin`]: loading, verifying and holding plugin generations (the only `unsafe`).
//! - [`reload`]: the transactional reload coordinator and its history.
//! - [`tools`]: tools and extractors as systems, and their catalogs.
//! - [`schema`]: registering every `World` type at start-up.
//! - [`state`]: persistent state and its digest.
//! - [`index`]: walking, hashing, extracting and linking a project.
//! - [`toolset`]: RON tool sets and where their plugins are built.
//! - [`scenario`]: headless RON scenarios.
//! - [`soak`]: process measurements (RSS, mapped libraries, file descriptors).
//! - [`status`]: the `EngineStatus` resource status tools read.
//! - [`mcp`]: the MCP server; [`watch`]: the watchers.

pub mod admin;
pub mod engine;
pub mod handle;
pub mod index;
pub mod mcp;
pub mod plugin;
pub mod reload;
pub mod scenario;
pub mod schema;
pub mod snapshot;
pub mod soak;
pub mod state;
pub mod status;
pub mod tools;
pub mod toolset;
pub mod watch;

pub use engine::{Engine, EngineSettings};
