//! omnysys: a code-context engine whose tools and extractors are hot-reloaded plugins.
//!
//! The engine owns a bevy_ecs `World` holding all state (files, hashes, cache entries, queue,
//! indexing state, the dependency graph, plugin-owned state, the loaded plugins) and loads
//! behaviour from `cdylib` plugins, each registered as systems of that `World`. One bevy
//! `Schedule`, the engine's loop, is what every runner ticks. A reload builds the new generation
//! completely, swaps it in between two requests and retires the old one; a failure before the
//! swap leaves the old generation serving.
//!
//! The scenario runner, benchmarks and synthetic projects live in `omnysys_harness`; the
//! `omnysys` command is the `omnysys` package (engine/cli), a thin binary over both.
//!
//! Modules, each using only those listed above it:

/// Build on save: a builder thread owning cargo, its diagnostics and the crates to build.
pub mod build;
/// Kill points for crash tests.
pub mod crash_points;
/// The [`Engine`] and its loop.
pub mod engine;
/// The front process: keeps the client's session while engine children come and go.
pub mod front;
/// The engine on its own thread, reached through a channel.
pub mod handle;
/// Walking, hashing, extracting and linking a project.
pub mod index;
/// The MCP server over stdio and Streamable HTTP.
pub mod mcp;
/// Loading, verifying and holding plugin generations (the only `unsafe`).
pub mod plugin;
/// Which plugin library copies this process has mapped.
pub mod proc_maps;
/// The transactional reload coordinator and its history.
pub mod reload;
/// Opening files beneath a directory: no links, no blocking, typed on the handle (a leaf).
pub mod safe_fs;
/// `omnysys new tool`: a tool scaffolded from the template and added to the tool set.
pub mod scaffold;
/// Registering every type of the plugin contract in a `World`.
pub mod schema;
/// Snapshots of the persistent state on disk.
pub mod snapshot;
/// Starting an engine from a tool set.
pub mod startup;
/// Persistent state, its digest and its change ticks.
pub mod state;
/// The `EngineStatus` resource status tools read.
pub mod status;
/// Tools, extractors and loop systems as systems of the `World`; their catalogs.
pub mod tools;
/// RON tool sets and where their plugins are built.
pub mod toolset;
/// The watchers: plugin libraries, the tool set, plugin sources, the project.
pub mod watch;

pub use engine::{Engine, EngineSettings};
