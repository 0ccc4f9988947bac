//! The components and resources of the engine's `World`: everything that must survive a reload.
//!
//! The engine registers each of these at start-up (see `omnysys::schema::register_schema`), so
//! no plugin code is ever the first to register one — a type first registered by a plugin would
//! keep a drop function inside that plugin's library after it is unloaded.

use std::sync::Arc;

use bevy_ecs::component::Component;
use bevy_ecs::resource::Resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::facts::FileFacts;

/// One source file of the project; the entity that carries its [`FileHash`] and [`CacheEntry`].
#[derive(Component, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// Size in bytes when last read.
    pub size: u64,
    /// Modification time (nanoseconds since the epoch) when last read.
    pub mtime_ns: u64,
}

/// A fast content hash (xxh3-64) of a file's bytes.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash(pub u64);

/// The facts extracted from a file, and who extracted them.
#[derive(Component, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// The extracted facts. Shared, so that replacing an entry is one pointer swap.
    pub facts: Arc<FileFacts>,
    /// Name of the extractor that produced them.
    pub extractor: String,
    /// Version of that extractor.
    pub extractor_version: String,
    /// The content hash the facts were extracted from.
    pub content_hash: u64,
}

/// How urgently a queued file must be (re-)analysed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// A tool is waiting for this file.
    Critical,
    /// The user just edited it.
    High,
    /// Initial index.
    Medium,
    /// Background re-extraction (an extractor upgrade).
    Low,
}

/// Why a file is in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueReason {
    /// Found by the initial walk.
    InitialIndex,
    /// Created on disk.
    Created,
    /// Modified on disk.
    Modified,
    /// Removed on disk.
    Removed,
    /// Its extractor was upgraded.
    ExtractorUpgraded,
    /// A tool asked about it.
    Requested,
}

/// A file waiting to be analysed.
#[derive(Component, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Path relative to the project root.
    pub path: String,
    /// How urgent it is.
    pub priority: Priority,
    /// Why it is queued.
    pub reason: QueueReason,
    /// Order of arrival, for FIFO within a priority.
    pub seq: u64,
}

/// What the indexer is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndexPhase {
    /// Nothing started yet.
    #[default]
    Idle,
    /// Walking the project.
    Scanning,
    /// Extracting facts.
    Extracting,
    /// Building the dependency graph.
    Linking,
    /// Every known file has current facts and the graph is built.
    Ready,
}

/// Progress of indexing.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IndexingState {
    /// True until the index is ready.
    pub is_indexing: bool,
    /// Files analysed in the current pass.
    pub done: u64,
    /// Files to analyse in the current pass.
    pub total: u64,
    /// Current phase.
    pub phase: IndexPhase,
}

/// The project being served.
#[derive(Resource, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRoot(pub std::path::PathBuf);

/// Path → entity of every known [`SourceFile`]. Derived data, kept current by the engine.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct FileIndex(pub std::collections::BTreeMap<String, bevy_ecs::entity::Entity>);

/// What the engine reports about itself, kept current after every reload; read by status tools.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EngineStatus {
    /// Engine version.
    pub engine_version: String,
    /// Loaded plugins, by name.
    pub plugins: Vec<PluginInfo>,
    /// The most recent reloads, newest last (at most 10).
    pub last_reloads: Vec<ReloadSummary>,
    /// Tool calls that exceeded their time limit.
    pub stuck_calls: u64,
    /// Served extractors and their versions (to count stale cache entries).
    pub extractor_versions: std::collections::BTreeMap<String, String>,
    /// The engine's loop: its sets in order, how often each ran, and the systems in each.
    #[serde(default)]
    pub engine_loop: LoopStatus,
    /// Plugin libraries kept out because they crashed an earlier engine process (a new build of
    /// the plugin lifts this).
    #[serde(default)]
    pub quarantined: Vec<QuarantinedPlugin>,
    /// Build on save: what the engine's builder is doing (runtime only, never persistent).
    #[serde(default)]
    pub build: BuildStatus,
    /// xxh3-128 of all persistent state (files, hashes, facts, queue, indexing state, graph,
    /// plugin state), 32 hex digits; `None` while an indexing pass runs. Equal across a reload
    /// and across an engine handover.
    #[serde(default)]
    pub state_digest: Option<String>,
}

/// Build on save as status reports it: the last build started and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BuildStatus {
    /// Whether this engine builds plugin sources when they change.
    pub enabled: bool,
    /// `idle` (nothing built yet, or the last build succeeded), `building` or `failed`.
    pub state: String,
    /// The plugin crates of the current (or last) build.
    pub crates: Vec<String>,
    /// When the current (or last) build started (ms since the epoch).
    pub started_ms: Option<u64>,
    /// When the last build ended (ms since the epoch).
    pub finished_ms: Option<u64>,
    /// True while cargo waits for another cargo's lock on the build directory.
    pub waiting_for_lock: bool,
    /// Builds started since the engine started.
    pub builds: u64,
    /// Builds cancelled by a newer edit.
    pub cancelled: u64,
    /// The last failure: its first errors with file:line:column (capped).
    pub last_error: Option<String>,
    /// The command build on save runs.
    pub command: String,
}

impl Default for BuildStatus {
    /// Off (`enabled: false`) and `idle`, nothing built.
    fn default() -> Self {
        BuildStatus {
            enabled: false,
            state: "idle".to_owned(),
            crates: Vec::new(),
            started_ms: None,
            finished_ms: None,
            waiting_for_lock: false,
            builds: 0,
            cancelled: 0,
            last_error: None,
            command: String::new(),
        }
    }
}

/// A plugin library not loaded because it crashed an engine process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuarantinedPlugin {
    /// Plugin name.
    pub name: String,
    /// The generation that crashed, in the engine process that crashed.
    pub generation: u64,
    /// What happened: the signal and the tool being served.
    pub reason: String,
}

/// The engine's loop as status reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoopStatus {
    /// Ticks run since start.
    pub ticks: u64,
    /// The sets, in the order each tick runs them.
    pub sets: Vec<LoopSetStatus>,
}

/// One set of the engine's loop.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoopSetStatus {
    /// `admin`, `index`, `link`, `status` or `snapshot`.
    pub name: String,
    /// Ticks in which the set ran.
    pub runs: u64,
    /// Its systems: the engine's, then plugins' as `plugin.gN:name`.
    pub systems: Vec<String>,
}

/// One loaded plugin.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PluginInfo {
    /// Plugin name.
    pub name: String,
    /// Serving generation.
    pub generation: u64,
    /// Crate version of the library.
    pub version: String,
    /// When the generation was committed (ms since the epoch).
    pub loaded_at_ms: u64,
    /// Size of its library.
    pub library_bytes: u64,
    /// Library copies of it still mapped (1 normally; 2 during a swap).
    pub mapped_generations: usize,
    /// Whether a previous good library is kept, so `restart_server {rollback}` can restore it.
    #[serde(default)]
    pub rollback_available: bool,
    /// The systems it added to the engine's loop, as `set:name`.
    #[serde(default)]
    pub systems: Vec<String>,
}

/// One reload, in brief.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReloadSummary {
    /// Plugin (or tool-set file).
    pub plugin: String,
    /// Generation it became, if any.
    pub generation: Option<u64>,
    /// `loaded`, `rolled_back`, `refused`, `aborted`, `unloaded`, `config_rejected`.
    pub outcome: String,
    /// Why, when not loaded (truncated to 200 characters).
    pub reason: String,
}

/// Local imports that resolve to no project file, by importing file: what the engine's resolver
/// takes as the project's own (relative paths; Rust `crate::`, `super::`, `self::`; tsconfig
/// aliases and workspace packages) and could not find. The engine keeps it as it links; tools
/// read it rather than guess which specifiers are local.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct UnresolvedImports(pub std::collections::BTreeMap<String, Vec<(u32, String)>>);

impl UnresolvedImports {
    /// Whether `file`'s import of `specifier` at `line` is one of them.
    pub fn contains(&self, file: &str, line: u32, specifier: &str) -> bool {
        self.0
            .get(file)
            .is_some_and(|list| list.iter().any(|(l, s)| *l == line && s == specifier))
    }

    /// How many there are.
    pub fn count(&self) -> usize {
        self.0.values().map(Vec::len).sum()
    }
}

/// What went wrong recently: extraction failures, refused reloads, rejected tool sets,
/// watcher problems. Newest last, at most [`RecentErrors::CAPACITY`].
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentErrors(pub std::collections::VecDeque<ErrorRecord>);

impl RecentErrors {
    /// How many records are kept.
    pub const CAPACITY: usize = 200;

    /// Records an error now in `world` (engine code: where every recorded error goes through).
    pub fn record(world: &mut bevy_ecs::world::World, kind: &str, subject: &str, message: &str) {
        world
            .get_resource_or_init::<RecentErrors>()
            .push(kind, subject, message, now_ms());
    }

    /// Appends a record, dropping the oldest past capacity.
    pub fn push(&mut self, kind: &str, subject: &str, message: &str, at_ms: u64) {
        if self.0.len() == Self::CAPACITY {
            self.0.pop_front();
        }
        let record = ErrorRecord {
            kind: kind.to_owned(),
            subject: subject.to_owned(),
            message: message.to_owned(),
            at_ms,
        };
        self.0.push_back(record);
    }
}

/// One recent error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorRecord {
    /// `extraction`, `reload`, `config`, `watcher`, `build`, ...
    pub kind: String,
    /// The file, plugin or tool-set file concerned.
    pub subject: String,
    /// What went wrong.
    pub message: String,
    /// When (ms since the epoch).
    pub at_ms: u64,
}

/// Project files recently edited (seen by the project watcher), newest last, at most
/// [`RecentEdits::CAPACITY`].
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentEdits(pub std::collections::VecDeque<(String, u64)>);

impl RecentEdits {
    /// How many edits are kept.
    pub const CAPACITY: usize = 500;

    /// Records an edit of `path` at `at_ms`.
    pub fn push(&mut self, path: &str, at_ms: u64) {
        if self.0.len() == Self::CAPACITY {
            self.0.pop_front();
        }
        self.0.push_back((path.to_owned(), at_ms));
    }
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
