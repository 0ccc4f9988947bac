//! The contract between the omnysys engine and its plugins.
//!
//! Both the engine and every plugin depend on this crate, and nothing else crosses the boundary:
//!
//! - [`schema`]: the components and resources of the engine's `World` (files, hashes, cache
//!   entries, queue items, indexing state, plugin-owned state). The engine registers every one of
//!   them at start-up; plugins never define components or resources of their own.
//! - [`facts`] and [`graph`]: what an extractor produces and the dependency graph built from it.
//! - [`tool`], [`extractor`], [`state`]: what a plugin registers.
//! - [`schedule`]: the engine's loop and the systems plugins add to it.
//! - [`registrar`]: the object a plugin's `build` function fills in.
//! - [`manifest`]: the ABI manifest and the [`declare_plugin!`] macro that exports it.
//! - [`stop`]: a call's deadline and cancellation, which long loops check.
//! - [`host`]: services the engine lends to plugins (logging into the engine's `tracing`).
//!
//! # What a plugin may do
//!
//! A plugin is a `cdylib` holding behaviour, not state. It may read the `World` (tools get a
//! `&World`), return values, keep serialized state under a stable string key, and log through
//! [`host`]. It may not start threads, use a global thread pool, register component or resource
//! types, or print to stdout. Every call into plugin code is wrapped so that a panic is caught
//! inside the plugin and returned as a value: Rust cannot unwind across two copies of `std`.
//!
//! # Known problems
//!
//! - `TypeId`s depend on cargo's feature unification. A plugin must be built in the same cargo
//!   invocation as the engine (`cargo build --release -p omnysys -p PLUGIN`) or with
//!   `--workspace`; the engine refuses anything else with a message that says so.
//! - Linux (glibc) only.

pub mod extractor;
pub mod facts;
pub mod graph;
pub mod guard;
pub mod host;
pub mod manifest;
pub mod paths;
pub mod registrar;
pub mod schedule;
pub mod schema;
pub mod state;
pub mod stop;
pub mod tool;

pub use bevy_ecs;
pub use schemars;
pub use serde_json;

/// Everything a plugin usually needs.
pub mod prelude {
    pub use crate::extractor::{ExtractInput, ExtractorSpec};
    pub use crate::facts::*;
    pub use crate::graph::{DependencyGraph, EdgeKind, FileEdge};
    pub use crate::host::LogLevel;
    pub use crate::registrar::Registrar;
    pub use crate::schedule::{EngineSet, RunWhen};
    pub use crate::schema::*;
    pub use crate::state::{Persistent, PluginStates};
    pub use crate::stop::Stop;
    pub use crate::tool::{ContentItem, ToolAnnotations, ToolContext, ToolError, ToolSpec};
    pub use crate::{declare_plugin, log_debug, log_error, log_info, log_warn};
    pub use bevy_ecs::prelude::{Entity, World};
    pub use schemars::JsonSchema;
    pub use serde::{Deserialize, Serialize};
}
