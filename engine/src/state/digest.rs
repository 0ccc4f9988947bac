//! A digest of all persistent World state, in a canonical order.
//!
//! Files (path, size, mtime, hash, cache entry), queue items, indexing state, the dependency
//! graph and plugin-owned state. Runtime bookkeeping (registered systems, catalogs, reload
//! history) is not persistent state and is left out: a reload must leave the digest unchanged.

use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{CacheEntry, FileHash, IndexingState, QueueItem, SourceFile};
use omnysys_api::state::PluginStates;
use serde::Serialize;

/// One file's persistent components.
#[derive(Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct FileState {
    /// The file.
    pub file: SourceFile,
    /// Its hash, if computed.
    pub hash: Option<FileHash>,
    /// Its cache entry, if extracted.
    pub cache: Option<CacheEntry>,
}

/// All persistent state, in canonical order (files by path, queue by priority then arrival).
#[derive(Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct PersistentState {
    /// Files by path.
    pub files: Vec<FileState>,
    /// Queue items.
    pub queue: Vec<QueueItem>,
    /// Indexing progress.
    pub indexing: IndexingState,
    /// The dependency graph.
    pub graph: DependencyGraph,
    /// Plugin-owned state.
    pub plugin_states: PluginStates,
    /// Fingerprint of the module-resolution config the facts' imports were resolved with (see
    /// [`crate::index::ResolveConfig::fingerprint`]); `None` before the first scan.
    #[serde(default)]
    pub resolve_config: Option<u64>,
}

/// Collects the persistent state of `world`.
pub fn persistent_state(world: &World) -> PersistentState {
    let mut files: Vec<FileState> =
        match world.try_query::<(&SourceFile, Option<&FileHash>, Option<&CacheEntry>)>() {
            Some(mut q) => q
                .iter(world)
                .map(|(f, h, c)| FileState {
                    file: f.clone(),
                    hash: h.copied(),
                    cache: c.cloned(),
                })
                .collect(),
            None => Vec::new(),
        };
    files.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    let mut queue: Vec<QueueItem> = match world.try_query::<&QueueItem>() {
        Some(mut q) => q.iter(world).cloned().collect(),
        None => Vec::new(),
    };
    queue.sort_by(|a, b| (a.priority, a.seq, &a.path).cmp(&(b.priority, b.seq, &b.path)));
    PersistentState {
        files,
        queue,
        indexing: world
            .get_resource::<IndexingState>()
            .cloned()
            .unwrap_or_default(),
        graph: world
            .get_resource::<DependencyGraph>()
            .cloned()
            .unwrap_or_default(),
        plugin_states: world
            .get_resource::<PluginStates>()
            .cloned()
            .unwrap_or_default(),
        resolve_config: crate::index::resolve_fingerprint(world),
    }
}

/// xxh3-128 of the canonical JSON of [`persistent_state`], as 32 hex digits.
pub fn state_digest(world: &World) -> String {
    let state = persistent_state(world);
    let bytes = serde_json::to_vec(&state).unwrap_or_default();
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes))
}

/// xxh3-128 of the analysed facts only: files, queue, graph and plugin state, without the
/// indexing progress counters. Two indexes of the same files agree on it however they got
/// there (cold, or warm from a snapshot).
pub fn facts_digest(world: &World) -> String {
    let mut state = persistent_state(world);
    state.indexing = IndexingState::default();
    let bytes = serde_json::to_vec(&state).unwrap_or_default();
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes))
}
