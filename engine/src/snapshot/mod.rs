//! Snapshots: all persistent World state written to the project's `.omnysys/` and read back at
//! start, so that only files changed since are analysed again.
//!
//! Format: one header line `omnysys-snapshot <version> <xxh3-128 of the body>` and a JSON body
//! ([`PersistentState`]). Written atomically (a temporary file, fsync, rename). A snapshot with
//! another version or a wrong checksum is ignored with a warning (a cold index follows); an
//! unwritable location gives a warning and no snapshots — never a crash.
//!
//! The state directory is hostile ground: anything in it may have been put there by someone
//! else. It is opened with no link on the path ([`crate::safe_fs`]), the snapshot read only if it
//! is a regular file of at most [`MAX_SNAPSHOT_BYTES`], written through a fresh temporary file,
//! and every path a restored snapshot carries is checked as a client path would be.

pub mod migrate;

use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{FileIndex, IndexingState, RecentErrors};
use omnysys_api::state::PluginStates;

use crate::state::{PersistentState, persistent_state};

/// Bumped only when [`PersistentState`] changes so that reading it part by part
/// ([`migrate`]) would be wrong; added, removed and reshaped fields are migrated.
pub const FORMAT_VERSION: u32 = 1;
/// The snapshot file name inside the state directory.
pub const FILE_NAME: &str = "snapshot.json";
/// The largest snapshot read (1 GiB): a larger file is refused rather than read into memory.
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;

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
    let body = serde_json::to_vec(state).map_err(|e| io(dir, e))?;
    let header = format!(
        "omnysys-snapshot {FORMAT_VERSION} {:032x}\n",
        checksum(&body)
    );
    let fd = crate::safe_fs::open_state_dir(dir, true).map_err(|e| io(dir, e))?;
    crate::safe_fs::remove_stale_temporaries(fd.as_fd(), dir, FILE_NAME);
    let path = dir.join(FILE_NAME);
    let parts = [header.as_bytes(), body.as_slice()];
    crate::safe_fs::write_atomically(fd.as_fd(), FILE_NAME, &parts, || {
        crate::crash_points::kill_if_asked("after-write");
    })
    .map_err(|e| io(&path, e))?;
    Ok(path)
}

/// The checksum a snapshot's header carries for its body.
pub fn checksum(body: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(body)
}

/// Reads `dir/snapshot.json` (checking format and checksum).
///
/// # Errors
///
/// `Io` when it cannot be read (including when there is none), `Incompatible` when it is not a
/// valid snapshot of this format.
pub fn read_snapshot(dir: &Path) -> Result<PersistentState, SnapshotError> {
    let path = dir.join(FILE_NAME);
    let fd = crate::safe_fs::open_state_dir(dir, false).map_err(|e| io(dir, e))?;
    let bytes = crate::safe_fs::read_regular(fd.as_fd(), FILE_NAME, MAX_SNAPSHOT_BYTES)
        .map_err(|e| io(&path, e))?;
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
    let expected = format!("omnysys-snapshot {FORMAT_VERSION} {:032x}", checksum(body));
    if !header.starts_with(&format!("omnysys-snapshot {FORMAT_VERSION} ")) {
        return Err(bad(&format!("header `{header}`")));
    }
    if header != expected {
        return Err(bad(
            "checksum mismatch: the file is corrupt or was cut short",
        ));
    }
    let (state, migration) = migrate::decode(body).map_err(|e| bad(&e.to_string()))?;
    if let Some(m) = migration {
        tracing::warn!(
            defaulted = ?m.defaulted,
            files_dropped = m.files_dropped,
            requeued = m.requeued,
            "snapshot of another schema: read part by part; what no longer reads is analysed again"
        );
    }
    Ok(state)
}

/// Puts a snapshot's state into an empty `world`. Entries whose path is not a clean
/// project-relative path (absolute, with `..`, `.` or empty components, a NUL) or that repeat a
/// path are dropped — a forged snapshot must not put `/etc/passwd` into answers — with a warning
/// and a recent error of kind `snapshot` naming how many and the first.
pub fn restore(world: &mut World, state: PersistentState) {
    let mut dropped = Dropped::default();
    let mut seen = std::collections::BTreeSet::new();
    for file in state.files {
        let path = file.file.path.clone();
        if !dropped.keep(&path) {
            continue;
        }
        if !seen.insert(path.clone()) {
            dropped.count += 1;
            continue;
        }
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
        if dropped.keep(&item.path) {
            world.spawn(item);
        }
    }
    crate::index::queue::rebuild_index(world);
    if interrupted {
        // The pass may have changed the file set before the snapshot: link everything at its end.
        crate::index::mark_relink(world);
    }
    *world.resource_mut::<IndexingState>() = state.indexing;
    *world.resource_mut::<DependencyGraph>() = clean_graph(state.graph, &mut dropped);
    *world.resource_mut::<PluginStates>() = state.plugin_states;
    if let Some(fingerprint) = state.resolve_config {
        world.insert_resource(crate::index::RestoredResolveConfig(fingerprint));
    }
    dropped.report(world);
}

/// The graph of `graph`'s edges between clean paths, its reverse index rebuilt from the
/// forward one (a forged reverse index is not trusted either).
fn clean_graph(graph: DependencyGraph, dropped: &mut Dropped) -> DependencyGraph {
    let mut clean = DependencyGraph::default();
    for (from, edges) in graph.forward {
        if !dropped.keep(&from) {
            continue;
        }
        let kept = edges
            .into_iter()
            .filter(|(to, _)| dropped.keep(to))
            .map(|(to, mut edge)| {
                edge.from.clone_from(&from);
                edge.to = to;
                edge
            })
            .collect();
        clean.set_edges(&from, kept);
    }
    clean
}

/// Whether `path` is a project-relative path as the index writes them: `/`-separated normal
/// components only (what [`omnysys_api::paths::normalize`] makes of a client path inside the
/// project), no NUL.
pub fn is_clean_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\0')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Snapshot entries dropped for their path.
#[derive(Default)]
struct Dropped {
    count: usize,
    first: Option<String>,
}

impl Dropped {
    /// True if `path` is clean; else counts it.
    fn keep(&mut self, path: &str) -> bool {
        if is_clean_relative(path) {
            return true;
        }
        self.count += 1;
        self.first.get_or_insert_with(|| path.to_owned());
        false
    }

    fn report(self, world: &mut World) {
        if self.count == 0 {
            return;
        }
        let first = self.first.map_or_else(
            || "a repeated path".to_owned(),
            |p| format!("{:?}", omnysys_api::paths::shorten(&p)),
        );
        tracing::warn!(
            dropped = self.count,
            first = %first,
            "snapshot entries with paths that are not clean project-relative paths were dropped"
        );
        let message = format!(
            "dropped {} snapshot entries whose path is not a clean project-relative path (first: {first})",
            self.count
        );
        RecentErrors::record(world, "snapshot", FILE_NAME, &message);
    }
}

/// Restores `dir`'s snapshot into `world` if there is a valid one; logs (and records as a recent
/// error of kind `snapshot`) why not otherwise — a link, a FIFO, a device, an oversized, corrupt
/// or incompatible file means a cold index, never a hang. Returns the number of files restored.
pub fn restore_if_present(world: &mut World, dir: &Path) -> usize {
    match read_snapshot(dir) {
        Ok(state) => {
            let files = state.files.len();
            restore(world, state);
            tracing::info!(files, dir = %dir.display(), "snapshot restored; only changed files will be analysed");
            files
        }
        Err(SnapshotError::Io { .. }) if dir.join(FILE_NAME).symlink_metadata().is_err() => 0,
        Err(e) => {
            tracing::warn!(error = %e, "ignoring the snapshot; indexing from scratch");
            let message = format!("ignored; indexing from scratch: {e}");
            RecentErrors::record(world, "snapshot", FILE_NAME, &message);
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
    if crate::state::changes::state_resources_changed(world) {
        world.get_resource_or_init::<SnapshotDirty>().0 = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A World with `n` synthetic files, each queued and importing the previous one.
    fn synthetic_world(n: usize) -> World {
        let mut world = World::new();
        crate::schema::register_schema(&mut world);
        crate::index::init_resources(&mut world);
        crate::state::spawn_synthetic_files(&mut world, n);
        world
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("omnysys-snap-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn recent_snapshot_errors(world: &World) -> Vec<String> {
        world
            .get_resource::<RecentErrors>()
            .map(|r| {
                r.0.iter()
                    .filter(|e| e.kind == "snapshot")
                    .map(|e| e.message.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_forged_snapshot_cannot_put_paths_outside_the_project_into_the_index_or_the_graph() {
        let mut state = persistent_state(&synthetic_world(3));
        let bad = [
            "/etc/passwd",
            "../../x",
            "a/../b",
            "a//b",
            "./a",
            "a\0b",
            "",
        ];
        for path in bad {
            let mut file = state.files[0].clone();
            file.file.path = path.to_owned();
            state.files.push(file);
            let mut item = state.queue[0].clone();
            item.path = path.to_owned();
            state.queue.push(item);
        }
        state.files.push(state.files[1].clone());
        let edge = |from: &str, to: &str| omnysys_api::graph::FileEdge {
            from: from.to_owned(),
            to: to.to_owned(),
            names: Default::default(),
            kinds: Default::default(),
        };
        state
            .graph
            .set_edges("/etc/passwd", vec![edge("/etc/passwd", "synthetic/f0.js")]);
        state
            .graph
            .set_edges("synthetic/f2.js", vec![edge("synthetic/f2.js", "../../x")]);
        let mut world = synthetic_world(0);
        restore(&mut world, state);
        let index = &world.resource::<FileIndex>().0;
        assert_eq!(
            index.keys().collect::<Vec<_>>(),
            ["synthetic/f0.js", "synthetic/f1.js", "synthetic/f2.js"]
        );
        let restored = persistent_state(&world);
        assert_eq!(restored.files.len(), 3);
        assert!(restored.queue.iter().all(|q| is_clean_relative(&q.path)));
        let graph = world.resource::<DependencyGraph>();
        let mut paths = graph.forward.keys().chain(graph.reverse.keys());
        assert!(paths.all(|p| is_clean_relative(p)), "{graph:?}");
        assert!(
            graph
                .forward
                .values()
                .flat_map(|e| e.keys())
                .all(|p| is_clean_relative(p))
        );
        let errors = recent_snapshot_errors(&world);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("dropped 17 snapshot entries"),
            "{errors:?}"
        );
        assert!(errors[0].contains("\"/etc/passwd\""), "{errors:?}");
    }

    #[test]
    fn a_clean_snapshot_restores_exactly_and_records_nothing() {
        let world = synthetic_world(4);
        let state = persistent_state(&world);
        let mut restored = synthetic_world(0);
        restore(&mut restored, state.clone());
        assert_eq!(persistent_state(&restored), state);
        assert_eq!(
            restored.resource::<DependencyGraph>().fingerprint(),
            world.resource::<DependencyGraph>().fingerprint()
        );
        assert!(recent_snapshot_errors(&restored).is_empty());
    }

    #[test]
    fn a_fifo_or_a_link_to_dev_zero_as_the_snapshot_means_a_cold_index_with_a_recorded_error() {
        let dir = scratch("fifo");
        let path = dir.join(FILE_NAME);
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &path,
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        let mut world = synthetic_world(0);
        assert_eq!(restore_if_present(&mut world, &dir), 0);
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        assert_eq!(restore_if_present(&mut world, &dir), 0);
        let errors = recent_snapshot_errors(&world);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("a FIFO"), "{errors:?}");
        assert!(errors[1].contains("symbolic link"), "{errors:?}");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(restore_if_present(&mut world, &dir), 0);
        assert_eq!(
            recent_snapshot_errors(&world).len(),
            2,
            "no snapshot is no error"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_snapshot_is_never_written_through_a_link_in_the_state_directory() {
        let dir = scratch("links");
        let outside = dir.join("outside");
        std::fs::write(&outside, b"precious").unwrap();
        let state_dir = dir.join("project/.omnysys");
        std::fs::create_dir_all(&state_dir).unwrap();
        std::os::unix::fs::symlink(&outside, state_dir.join("snapshot.json.tmp")).unwrap();
        let world = synthetic_world(2);
        write_snapshot(&world, &state_dir).unwrap();
        assert_eq!(std::fs::read(&outside).unwrap(), b"precious");
        assert_eq!(read_snapshot(&state_dir).unwrap(), persistent_state(&world));
        let elsewhere = dir.join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::remove_dir_all(&state_dir).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &state_dir).unwrap();
        let err = write_snapshot(&world, &state_dir).unwrap_err().to_string();
        assert!(
            err.contains(".omnysys") && err.contains("symbolic link"),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_corrupt_snapshot_is_refused_by_its_checksum() {
        let dir = std::env::temp_dir().join(format!("omnysys-snap-test-{}", std::process::id()));
        let world = synthetic_world(5);
        write_snapshot(&world, &dir).unwrap();
        let restored = read_snapshot(&dir).unwrap();
        assert_eq!(restored, persistent_state(&world));
        let path = dir.join(FILE_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let err = read_snapshot(&dir).unwrap_err().to_string();
        assert!(err.contains("checksum mismatch"), "{err}");
        std::fs::write(&path, b"omnysys-snapshot 0 abc\n{}").unwrap();
        assert!(
            read_snapshot(&dir)
                .unwrap_err()
                .to_string()
                .contains("not an omnysys snapshot of format 1")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
