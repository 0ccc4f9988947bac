//! The engine's loop, and the systems plugins add to it.
//!
//! The engine runs one bevy `Schedule` for every runner (`serve`, `call`, `index`, scenarios,
//! benchmarks): each tick runs its [`EngineSet`]s in the order they are declared. A plugin may add
//! systems to a set ([`crate::registrar::Registrar::add_system`]), for example one that keeps a
//! derived index current after each indexed batch. Its systems leave the schedule when its
//! generation is retired and the next generation's join in the same reload transaction.

use bevy_ecs::schedule::SystemSet;
use serde::{Deserialize, Serialize};

use crate::guard::{Panicked, contain};
use crate::tool::ToolContext;

/// The sets of the engine's loop, run in this order every tick.
#[derive(
    SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EngineSet {
    /// Requests made by tools (`restart_server`: reload, rollback, reindex).
    Admin,
    /// One batch of the analysis queue, most urgent first.
    Index,
    /// Imports of the analysed files resolved; the whole graph relinked when a pass ends.
    Link,
    /// The status tools read refreshed.
    Status,
    /// Whether the persistent state changed since the last snapshot.
    Snapshot,
}

impl EngineSet {
    /// Every set, in the order a tick runs them.
    pub const ALL: [EngineSet; 5] = [
        EngineSet::Admin,
        EngineSet::Index,
        EngineSet::Link,
        EngineSet::Status,
        EngineSet::Snapshot,
    ];

    /// The set's name as status reports it.
    pub fn name(self) -> &'static str {
        match self {
            EngineSet::Admin => "admin",
            EngineSet::Index => "index",
            EngineSet::Link => "link",
            EngineSet::Status => "status",
            EngineSet::Snapshot => "snapshot",
        }
    }
}

/// When a plugin system runs, within its set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunWhen {
    /// Every tick.
    EveryTick,
    /// When the dependency graph's edges changed since the system last ran and the analysis
    /// queue is empty (once per indexing pass, not once per batch).
    GraphSettled,
}

/// What a plugin system is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemSpec {
    /// Name, unique within the plugin.
    pub name: String,
    /// The set it runs in.
    pub set: EngineSet,
    /// When it runs.
    pub when: RunWhen,
}

/// A plugin system's entry point as the engine calls it, panics contained. It reads the `World`
/// and writes plugin state through its [`ToolContext`]; an `Err` is recorded as a recent error.
pub type SystemFn =
    Box<dyn Fn(&ToolContext<'_>) -> Result<Result<(), String>, Panicked> + Send + Sync>;

/// A registered plugin system.
pub struct SystemDecl {
    /// What it is.
    pub spec: SystemSpec,
    /// The wrapped function.
    pub run: SystemFn,
}

pub(crate) fn wrap(f: fn(&ToolContext<'_>) -> Result<(), String>) -> SystemFn {
    Box::new(move |ctx| contain(|| f(ctx)))
}
