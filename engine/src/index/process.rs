//! Analysing queued files: read, hash, extract, and replace each file's facts in one step.
//!
//! Facts are never deleted before their replacement exists: a file keeps its old `CacheEntry`
//! until the new one is inserted over it, so queries never see a hole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy_ecs::entity::Entity;
use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{CacheEntry, FileHash, FileIndex, ProjectRoot, QueueItem, SourceFile};

use super::walk::mtime_ns;
use crate::plugin::ExtractJob;
use crate::tools::{ExtractorCatalog, ExtractorEntry};

/// What a batch did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct BatchReport {
    /// Files whose facts were (re-)extracted.
    pub extracted: usize,
    /// Files that were unchanged (hash and extractor version equal).
    pub unchanged: usize,
    /// Files removed because they vanished.
    pub removed: usize,
    /// `(path, reason)` of files that could not be analysed.
    pub failed: Vec<(String, String)>,
    /// Paths whose facts changed (to relink).
    #[serde(skip)]
    pub changed: Vec<String>,
    /// Whether the set of files changed (a file appeared or vanished): every import is
    /// resolved again, since `./x` may now find (or lose) its target.
    #[serde(skip)]
    pub files_changed: bool,
}

pub use crate::toolset::DEFAULT_MAX_FILE_BYTES;

/// A file its extractor failed on (a parse over its time budget, a syntax it cannot read), and
/// which extractor version failed: a scan does not queue it again until the file or that
/// extractor changes, so one pathological file costs its budget once, not at every scan.
#[derive(bevy_ecs::component::Component, Clone, Debug, PartialEq, Eq)]
pub struct FailedExtraction {
    /// Extractor name.
    pub extractor: String,
    /// Extractor version.
    pub version: String,
}

impl FailedExtraction {
    fn by(extractor: &ExtractorEntry) -> Self {
        FailedExtraction {
            extractor: extractor.name.clone(),
            version: extractor.version.clone(),
        }
    }

    /// Whether `extractor` is the one that failed.
    pub fn is_by(&self, extractor: &ExtractorEntry) -> bool {
        self.extractor == extractor.name && self.version == extractor.version
    }
}

/// Analyses `items`.
pub fn process(world: &mut World, items: Vec<QueueItem>, max_bytes: u64) -> BatchReport {
    let root = world.resource::<ProjectRoot>().0.clone();
    let dir = ProjectDir::open(root);
    let catalog = world.resource::<ExtractorCatalog>().extractors.clone();
    let mut report = BatchReport::default();
    let mut jobs: BTreeMap<String, (ExtractorEntry, Vec<ExtractJob>)> = BTreeMap::new();
    for item in items {
        let Some(extractor) = extractor_for(&catalog, &item.path) else {
            continue;
        };
        match read(&dir, &item.path, max_bytes) {
            Read::Vanished => remove_file(world, &item.path, &mut report),
            Read::Failed(reason) => report.failed.push((item.path, reason)),
            Read::Ok(bytes, size, mtime) => {
                let (entity, created) = upsert(world, &item.path, &bytes, size, mtime);
                report.files_changed |= created;
                if is_current(world, entity, &item.path, &extractor) {
                    report.unchanged += 1;
                } else {
                    let slot = jobs
                        .entry(extractor.name.clone())
                        .or_insert_with(|| (extractor.clone(), Vec::new()));
                    slot.1.push(ExtractJob {
                        path: item.path,
                        bytes,
                    });
                }
            }
        }
    }
    for (_, (extractor, batch)) in jobs {
        extract(world, &extractor, batch, &mut report);
    }
    report
}

enum Read {
    Ok(Vec<u8>, u64, u64),
    Vanished,
    Failed(String),
}

/// The project root, opened once per batch: files are opened beneath it.
struct ProjectDir {
    dir: std::io::Result<std::fs::File>,
}

impl ProjectDir {
    fn open(root: PathBuf) -> Self {
        let dir = std::fs::File::open(&root);
        ProjectDir { dir }
    }
}

fn read(project: &ProjectDir, path: &str, max_bytes: u64) -> Read {
    let mut file = match open_regular(project, path) {
        Ok(Some(file)) => file,
        // Gone, or no longer a regular file: absent, as the walk would find it.
        Ok(None) => return Read::Vanished,
        Err(e) => return Read::Failed(format!("cannot open: {e}")),
    };
    let meta = match file.metadata() {
        Ok(meta) => meta,
        Err(e) => return Read::Failed(format!("cannot stat: {e}")),
    };
    if meta.len() > max_bytes {
        return Read::Failed(format!(
            "{} bytes is over the {max_bytes}-byte limit",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    match std::io::Read::read_to_end(&mut file, &mut bytes) {
        Ok(_) if bytes.contains(&0) => Read::Failed("binary file (contains NUL bytes)".to_owned()),
        Ok(_) => Read::Ok(bytes, meta.len(), mtime_ns(&meta)),
        Err(e) => Read::Failed(format!("cannot read: {e}")),
    }
}

/// Opens `relative` under `root` if it is a regular file; `None` if it is missing or anything
/// else. No link is followed anywhere on the path (the walk follows none: one could loop or lead
/// out of the project — a watcher event may name a file under a linked directory) and the open
/// never blocks (a pipe's would); the type is checked on the open file, so a swap after a check
/// cannot slip a pipe in. See [`crate::safe_fs::open_regular`].
fn open_regular(project: &ProjectDir, relative: &str) -> std::io::Result<Option<std::fs::File>> {
    use std::os::fd::AsFd;
    let dir = match project.dir.as_ref() {
        Ok(dir) => dir,
        // The project root itself is gone: so is every file in it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(std::io::Error::new(e.kind(), e.to_string())),
    };
    crate::safe_fs::open_regular(dir.as_fd(), relative)
}

/// The extractor for `path`'s extension.
pub fn extractor_for(
    catalog: &BTreeMap<String, ExtractorEntry>,
    path: &str,
) -> Option<ExtractorEntry> {
    let ext = Path::new(path).extension()?.to_str()?;
    catalog
        .values()
        .find(|e| e.extensions.iter().any(|x| x == ext))
        .cloned()
}

/// Records the file's metadata and hash; returns its entity and whether it is new.
fn upsert(world: &mut World, path: &str, bytes: &[u8], size: u64, mtime_ns: u64) -> (Entity, bool) {
    let source = SourceFile {
        path: path.to_owned(),
        size,
        mtime_ns,
    };
    let hash = FileHash(xxhash_rust::xxh3::xxh3_64(bytes));
    match world.resource::<FileIndex>().0.get(path).copied() {
        Some(entity) => {
            world.entity_mut(entity).insert((source, hash));
            (entity, false)
        }
        None => {
            let entity = world.spawn((source, hash)).id();
            world
                .resource_mut::<FileIndex>()
                .0
                .insert(path.to_owned(), entity);
            (entity, true)
        }
    }
}

fn is_current(world: &mut World, entity: Entity, path: &str, extractor: &ExtractorEntry) -> bool {
    if world
        .resource_mut::<super::ForcedExtraction>()
        .0
        .remove(path)
    {
        return false;
    }
    let hash = world.get::<FileHash>(entity).map(|h| h.0);
    world.get::<CacheEntry>(entity).is_some_and(|e| {
        Some(e.content_hash) == hash
            && e.extractor == extractor.name
            && e.extractor_version == extractor.version
    })
}

fn remove_file(world: &mut World, path: &str, report: &mut BatchReport) {
    if let Some(entity) = world.resource_mut::<FileIndex>().0.remove(path) {
        world.despawn(entity);
        world
            .resource_mut::<DependencyGraph>()
            .remove_file_edges(path);
        world
            .resource_mut::<omnysys_api::schema::UnresolvedImports>()
            .0
            .remove(path);
        report.removed += 1;
        report.files_changed = true;
    }
}

fn extract(
    world: &mut World,
    extractor: &ExtractorEntry,
    batch: Vec<ExtractJob>,
    report: &mut BatchReport,
) {
    let hashes: BTreeMap<String, u64> = batch
        .iter()
        .map(|j| (j.path.clone(), xxhash_rust::xxh3::xxh3_64(&j.bytes)))
        .collect();
    let results = match world.run_system_with(extractor.system, batch) {
        Ok(results) => results,
        Err(e) => {
            report.failed.extend(
                hashes
                    .into_keys()
                    .map(|p| (p, format!("extractor system failed: {e}"))),
            );
            return;
        }
    };
    for result in results {
        let Some(entity) = world.resource::<FileIndex>().0.get(&result.path).copied() else {
            continue;
        };
        let facts = match result.outcome {
            Ok(facts) => facts,
            Err(reason) => {
                tracing::warn!(file = %result.path, %reason, "extraction failed");
                world
                    .entity_mut(entity)
                    .insert(FailedExtraction::by(extractor));
                report.failed.push((result.path, reason));
                continue;
            }
        };
        world.entity_mut(entity).remove::<FailedExtraction>();
        let entry = CacheEntry {
            facts: Arc::new(facts),
            extractor: extractor.name.clone(),
            extractor_version: extractor.version.clone(),
            content_hash: hashes.get(&result.path).copied().unwrap_or(0),
        };
        world.entity_mut(entity).insert(entry);
        report.extracted += 1;
        report.changed.push(result.path);
    }
}
