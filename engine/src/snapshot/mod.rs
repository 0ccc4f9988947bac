//! Snapshots: all persistent World state written to the project's `.omnysys/` and read back at
//! start, so that only files changed since are analysed again.
//!
//! Format: one header line `omnysys-snapshot <version> <xxh3-128 of the body>` and a JSON body
//! ([`PersistentState`]). Written atomically (a temporary file, fsync, rename). A snapshot with
//! another version or a wrong checksum is ignored with a warning (a cold index follows); an
//! unwritable location gives a warning and no snapshots — never a crash.

use std::io::Write;
use std::path::{Path, PathBuf};

use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{FileIndex, IndexingState};
use omnysys_api::state::PluginStates;

use crate::state::{PersistentState, persistent_state};

/// Bumped whenever [`PersistentState`]'s shape changes.
pub const FORMAT_VERSION: u32 = 1;
/// The snapshot file name inside the state directory.
pub const FILE_NAME: &str = "snapshot.json";

/// Why a snapshot was not written or not used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Reading or writing failed.
    #[error("{path}: {message}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// The file is not a snapshot of this format.
    #[error("{path}: not an omnysys snapshot of format {FORMAT_VERSION} ({detail})")]
    Incompatible {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

fn io(path: &Path, e: impl std::fmt::Display) -> SnapshotError {
    SnapshotError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes the persistent state of `world` to `dir/snapshot.json`; returns the path.
///
/// # Errors
///
/// When the directory or file cannot be written.
pub fn write_snapshot(world: &World, dir: &Path) -> Result<PathBuf, SnapshotError> {
    write_state(&persistent_state(world), dir)
}

/// Writes `state` to `dir/snapshot.json` (atomically: a temporary file renamed); returns the
/// path.
///
/// # Errors
///
/// When the directory or file cannot be written.
pub fn write_state(state: &PersistentState, dir: &Path) -> Result<PathBuf, SnapshotError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let body = serde_json::to_vec(state).map_err(|e| io(dir, e))?;
    let header = format!(
        "omnysys-snapshot {FORMAT_VERSION} {:032x}\n",
        xxhash_rust::xxh3::xxh3_128(&body)
    );
    let path = dir.join(FILE_NAME);
    let tmp = dir.join(format!("{FILE_NAME}.tmp"));
    let mut file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    file.write_all(header.as_bytes())
        .and_then(|()| file.write_all(&body))
        .and_then(|()| file.sync_all())
        .map_err(|e| io(&tmp, e))?;
    crate::crash_points::kill_if_asked("after-write");
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
    Ok(path)
}

/// Reads `dir/snapshot.json` (checking format and checksum).
///
/// # Errors
///
/// `Io` when it cannot be read (including when there is none), `Incompatible` when it is not a
/// valid snapshot of this format.
pub fn read_snapshot(dir: &Path) -> Result<PersistentState, SnapshotError> {
    let path = dir.join(FILE_NAME);
    let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
    let bad = |detail: &str| SnapshotError::Incompatible {
        path: path.clone(),
        detail: detail.to_owned(),
    };
    let newline = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| bad("no header line"))?;
    let header = std::str::from_utf8(&bytes[..newline]).map_err(|_| bad("header is not text"))?;
    let body = &bytes[newline + 1..];
    let expected = format!(
        "omnysys-snapshot {FORMAT_VERSION} {:032x}",
        xxhash_rust::xxh3::xxh3_128(body)
    );
    if !header.starts_with(&format!("omnysys-snapshot {FORMAT_VERSION} ")) {
        return Err(bad(&format!("header `{header}`")));
    }
    if header != expected {
        return Err(bad(
            "checksum mismatch: the file is corrupt or was cut short",
        ));
    }
    serde_json::from_slice(body).map_err(|e| bad(&e.to_string()))
}

/// Puts a snapshot's state into an empty `world`.
pub fn restore(world: &mut World, state: PersistentState) {
    for file in state.files {
        let path = file.file.path.clone();
        let mut entity = world.spawn(file.file);
        if let Some(hash) = file.hash {
            entity.insert(hash);
        }
        if let Some(cache) = file.cache {
            entity.insert(cache);
        }
        let id = entity.id();
        world.resource_mut::<FileIndex>().0.insert(path, id);
    }
    let interrupted = !state.queue.is_empty();
    for item in state.queue {
        world.spawn(item);
    }
    crate::index::queue::rebuild_index(world);
    if interrupted {
        // The pass may have changed the file set before the snapshot: link everything at its end.
        crate::index::mark_relink(world);
    }
    *world.resource_mut::<IndexingState>() = state.indexing;
    let mut graph = state.graph;
    graph.refresh_fingerprint();
    *world.resource_mut::<DependencyGraph>() = graph;
    *world.resource_mut::<PluginStates>() = state.plugin_states;
    if let Some(fingerprint) = state.resolve_config {
        world.insert_resource(crate::index::RestoredResolveConfig(fingerprint));
    }
}

/// Restores `dir`'s snapshot into `world` if there is a valid one; logs why not otherwise.
/// Returns the number of files restored.
pub fn restore_if_present(world: &mut World, dir: &Path) -> usize {
    match read_snapshot(dir) {
        Ok(state) => {
            let files = state.files.len();
            restore(world, state);
            tracing::info!(files, dir = %dir.display(), "snapshot restored; only changed files will be analysed");
            files
        }
        Err(SnapshotError::Io { .. }) if !dir.join(FILE_NAME).exists() => 0,
        Err(e) => {
            tracing::warn!(error = %e, "ignoring the snapshot; indexing from scratch");
            0
        }
    }
}

/// Whether the persistent state changed since the last snapshot was taken: set by the loop's
/// snapshot set, cleared when a snapshot is taken.
#[derive(bevy_ecs::resource::Resource, Default, Debug)]
pub struct SnapshotDirty(pub bool);

/// The snapshot set's system: marks the state dirty when a resource that goes into snapshots
/// changed since the system last ran (files, facts and queue move with the indexing state).
pub fn mark_dirty(world: &mut World) {
    let changed = world.is_resource_changed::<FileIndex>()
        || world.is_resource_changed::<IndexingState>()
        || world.is_resource_changed::<DependencyGraph>()
        || world.is_resource_changed::<PluginStates>()
        || world.is_resource_changed::<omnysys_api::schema::UnresolvedImports>();
    if changed {
        world.get_resource_or_init::<SnapshotDirty>().0 = true;
    }
}
