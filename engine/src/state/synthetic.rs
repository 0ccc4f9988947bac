//! Synthetic state: many files with hashes, cache entries and queue items in a `World`, for
//! the engine's tests, scenarios and benchmarks.

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
            bindings: Vec::new(),
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
