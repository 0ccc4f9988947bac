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
