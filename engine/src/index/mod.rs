//! Indexing a project: walk, hash, extract with the served extractors, resolve, link.
//!
//! This first version indexes synchronously on the engine thread (extraction itself runs in
//! parallel on the extractors' generation threads). Files whose hash and extractor version are
//! unchanged are not extracted again.

mod link;
mod resolve;
mod walk;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy_ecs::entity::Entity;
use bevy_ecs::world::World;
use omnysys_api::schema::{
    CacheEntry, FileHash, FileIndex, IndexPhase, IndexingState, ProjectRoot, SourceFile,
};

use crate::tools::{ExtractJob, ExtractorCatalog, ExtractorEntry};

pub use resolve::resolve_specifier;

/// What an index pass did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexReport {
    /// Files found.
    pub files: usize,
    /// Files extracted in this pass.
    pub extracted: usize,
    /// Files that failed to extract.
    pub failed: Vec<(String, String)>,
    /// File→file edges.
    pub edges: usize,
    /// Imports of local-looking specifiers that resolved to no file.
    pub unresolved: usize,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// Indexes the project into `world`.
pub fn index_project(world: &mut World) -> IndexReport {
    let started = Instant::now();
    set_phase(world, IndexPhase::Scanning, 0, 0);
    let root = world.resource::<ProjectRoot>().0.clone();
    let catalog = world.resource::<ExtractorCatalog>().extractors.clone();
    let found = walk::source_files(&root, &catalog);
    let mut report = IndexReport {
        files: found.len(),
        ..Default::default()
    };
    let mut jobs: BTreeMap<String, (ExtractorEntry, Vec<ExtractJob>)> = BTreeMap::new();
    for file in found {
        let entity = upsert_file(world, &file);
        if needs_extraction(world, entity, &file.extractor) {
            let slot = jobs
                .entry(file.extractor.name.clone())
                .or_insert_with(|| (file.extractor.clone(), Vec::new()));
            slot.1.push(ExtractJob {
                path: file.path.clone(),
                bytes: file.bytes,
            });
        }
    }
    let total = report.files as u64;
    let pending: u64 = jobs.values().map(|(_, j)| j.len() as u64).sum();
    set_phase(world, IndexPhase::Extracting, total - pending, total);
    for (_, (extractor, batch)) in jobs {
        extract_batch(world, &extractor, batch, &mut report);
    }
    set_phase(world, IndexPhase::Linking, total, total);
    let (edges, unresolved) = link::link_all(world);
    report.edges = edges;
    report.unresolved = unresolved;
    set_phase(world, IndexPhase::Ready, total, total);
    report.elapsed = started.elapsed();
    report
}

fn set_phase(world: &mut World, phase: IndexPhase, done: u64, total: u64) {
    *world.resource_mut::<IndexingState>() = IndexingState {
        is_indexing: phase != IndexPhase::Ready,
        done,
        total,
        phase,
    };
}

fn upsert_file(world: &mut World, file: &walk::FoundFile) -> Entity {
    let source = SourceFile {
        path: file.path.clone(),
        size: file.size,
        mtime_ns: file.mtime_ns,
    };
    let existing = world.resource::<FileIndex>().0.get(&file.path).copied();
    match existing {
        Some(entity) => {
            world
                .entity_mut(entity)
                .insert((source, FileHash(file.hash)));
            entity
        }
        None => {
            let entity = world.spawn((source, FileHash(file.hash))).id();
            world
                .resource_mut::<FileIndex>()
                .0
                .insert(file.path.clone(), entity);
            entity
        }
    }
}

fn needs_extraction(world: &World, entity: Entity, extractor: &ExtractorEntry) -> bool {
    let hash = world.get::<FileHash>(entity).map(|h| h.0);
    match world.get::<CacheEntry>(entity) {
        Some(entry) => {
            Some(entry.content_hash) != hash
                || entry.extractor != extractor.name
                || entry.extractor_version != extractor.version
        }
        None => true,
    }
}

fn extract_batch(
    world: &mut World,
    extractor: &ExtractorEntry,
    batch: Vec<ExtractJob>,
    report: &mut IndexReport,
) {
    let hashes: BTreeMap<String, u64> = batch
        .iter()
        .map(|j| (j.path.clone(), xxhash_rust::xxh3::xxh3_64(&j.bytes)))
        .collect();
    let results = match world.run_system_with(extractor.system, batch) {
        Ok(results) => results,
        Err(e) => {
            report.failed.push((extractor.name.clone(), e.to_string()));
            return;
        }
    };
    for result in results {
        let facts = match result.outcome {
            Ok(facts) => facts,
            Err(reason) => {
                tracing::warn!(file = %result.path, %reason, "extraction failed");
                report.failed.push((result.path, reason));
                continue;
            }
        };
        let Some(entity) = world.resource::<FileIndex>().0.get(&result.path).copied() else {
            continue;
        };
        let entry = CacheEntry {
            facts: Arc::new(facts),
            extractor: extractor.name.clone(),
            extractor_version: extractor.version.clone(),
            content_hash: hashes.get(&result.path).copied().unwrap_or(0),
        };
        world.entity_mut(entity).insert(entry);
        report.extracted += 1;
    }
}
