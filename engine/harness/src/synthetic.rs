//! Synthetic state for scenarios and benchmarks: many files with hashes, cache entries and
//! queue items in the World, or a generated JavaScript project on disk.

use std::sync::Arc;

use bevy_ecs::world::World;
use omnysys_api::facts::{FileFacts, Import, ImportKind};
use omnysys_api::graph::{DependencyGraph, FileEdge};
use omnysys_api::schema::{
    CacheEntry, FileHash, FileIndex, Priority, QueueItem, QueueReason, SourceFile,
};

/// Spawns `n` files `synthetic/f<i>.js`, each with a hash, a cache entry (importing the previous
/// file, with the matching graph edge) and a queue item.
pub fn spawn_synthetic_files(world: &mut World, n: usize) {
    let start = world.resource::<FileIndex>().0.len();
    for i in start..start + n {
        let path = format!("synthetic/f{i}.js");
        let import = Import {
            specifier: format!("./f{}", i.saturating_sub(1)),
            resolved: (i > 0).then(|| format!("synthetic/f{}.js", i - 1)),
            names: vec!["x".into()],
            kind: ImportKind::Static,
            line: 1,
        };
        let facts = FileFacts {
            imports: vec![import],
            lines: 10,
            ..Default::default()
        };
        let entry = CacheEntry {
            facts: Arc::new(facts),
            extractor: "synthetic".into(),
            extractor_version: "1".into(),
            content_hash: i as u64,
        };
        let file = SourceFile {
            path: path.clone(),
            size: 100,
            mtime_ns: i as u64,
        };
        let queued = QueueItem {
            path: path.clone(),
            priority: Priority::Medium,
            reason: QueueReason::InitialIndex,
            seq: i as u64,
        };
        let entity = world.spawn((file, FileHash(i as u64), entry)).id();
        world.spawn(queued);
        world
            .resource_mut::<FileIndex>()
            .0
            .insert(path.clone(), entity);
        if i > 0 {
            let to = format!("synthetic/f{}.js", i - 1);
            let edge = FileEdge {
                from: path.clone(),
                to,
                names: ["x".to_owned()].into(),
                kinds: [ImportKind::Static].into(),
            };
            world
                .resource_mut::<DependencyGraph>()
                .set_edges(&path, vec![edge]);
        }
    }
}

/// Writes a JavaScript project of `n` files `src/d<k>/f<i>.js` (100 per directory) into `dir`
/// (emptied first), each importing up to three earlier files (`i-1`, `i-7`, `i-50`) and exporting
/// a function `f<i>` that calls them.
///
/// # Errors
///
/// When a file or directory cannot be written.
pub fn write_javascript_project(dir: &std::path::Path, n: usize) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for i in 0..n {
        let folder = dir.join(format!("src/d{}", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let deps: Vec<usize> = [1, 7, 50]
            .iter()
            .filter(|d| **d <= i)
            .map(|d| i - d)
            .collect();
        let mut text = String::new();
        for d in &deps {
            text.push_str(&format!(
                "import {{ f{d} }} from '../d{}/f{d}.js';\n",
                d / 100
            ));
        }
        let calls: Vec<String> = deps.iter().map(|d| format!("f{d}()")).collect();
        text.push_str(&format!(
            "export function f{i}() {{\n  return [{}].length;\n}}\n",
            calls.join(", ")
        ));
        std::fs::write(folder.join(format!("f{i}.js")), text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The engine's change ticks and snapshots, checked on synthetic state.

    use bevy_ecs::world::World;
    use omnysys_api::schema::{CacheEntry, FileIndex, IndexingState};
    use omnysys_engine::snapshot::{FILE_NAME, read_snapshot, write_snapshot};
    use omnysys_engine::state::changes::{changed_since, checkpoint};
    use omnysys_engine::state::persistent_state;

    use super::spawn_synthetic_files;

    fn world() -> World {
        let mut world = World::new();
        omnysys_engine::schema::register_schema(&mut world);
        omnysys_engine::index::init_resources(&mut world);
        spawn_synthetic_files(&mut world, 3);
        world
    }

    #[test]
    fn nothing_changed_after_a_checkpoint_until_state_is_written() {
        let mut w = world();
        let since = checkpoint(&mut w);
        assert!(!changed_since(&mut w, since));
        w.resource_mut::<IndexingState>().done += 1;
        assert!(changed_since(&mut w, since));
        let since = checkpoint(&mut w);
        assert!(!changed_since(&mut w, since));
    }

    #[test]
    fn a_changed_cache_entry_or_a_removed_file_counts() {
        let mut w = world();
        let since = checkpoint(&mut w);
        let entity = *w.resource::<FileIndex>().0.values().next().unwrap();
        let entry = w.get::<CacheEntry>(entity).unwrap().clone();
        w.entity_mut(entity).insert(entry);
        assert!(changed_since(&mut w, since));
        let since = checkpoint(&mut w);
        let (path, entity) = w
            .resource::<FileIndex>()
            .0
            .iter()
            .next()
            .map(|(p, e)| (p.clone(), *e))
            .unwrap();
        w.resource_mut::<FileIndex>().0.remove(&path);
        w.despawn(entity);
        assert!(changed_since(&mut w, since));
    }

    #[test]
    fn a_corrupt_snapshot_is_refused_by_its_checksum() {
        let dir = std::env::temp_dir().join(format!("omnysys-snap-test-{}", std::process::id()));
        let mut world = World::new();
        omnysys_engine::schema::register_schema(&mut world);
        omnysys_engine::index::init_resources(&mut world);
        spawn_synthetic_files(&mut world, 5);
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
