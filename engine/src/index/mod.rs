//! Indexing a project: walk, queue, analyse, resolve, link — incrementally.
//!
//! A scan stats every file an extractor handles and queues the new and changed ones (size and
//! mtime as a fast path; the content hash decides when a queued file is analysed). The engine
//! thread analyses the queue a batch at a time between requests ([`index_tick`]), most urgent
//! first: a file a tool is waiting for is critical, a user edit high, the initial index medium,
//! re-extraction after an extractor upgrade low. Files keep their previous facts until new ones
//! replace them in one step.

mod jsonc;
mod link;
pub mod manifests;
mod packages;
pub mod process;
pub mod queue;
mod resolve;
mod tsconfig;
mod walk;

use std::time::{Duration, Instant};

use bevy_ecs::world::World;
use omnysys_api::schema::{
    CacheEntry, FileIndex, IndexPhase, IndexingState, Priority, ProjectRoot, QueueReason,
    SourceFile,
};

use crate::tools::ExtractorCatalog;
use crate::toolset::IndexSettings;

pub use link::{link_all, link_files, mark_relink};
pub use manifests::{ResolveConfig, RestoredResolveConfig};

/// The fingerprint of the module-resolution config in use (once a scan has read it), else the
/// one restored from the snapshot.
pub fn resolve_fingerprint(world: &World) -> Option<u64> {
    match world.get_resource::<ResolveConfig>() {
        Some(config) => Some(config.fingerprint()),
        None => world.get_resource::<RestoredResolveConfig>().map(|r| r.0),
    }
}
pub use process::BatchReport;
pub use queue::QueueIndex;
pub use resolve::{Resolver, resolve_specifier};
pub use walk::{ALWAYS_EXCLUDED, relative_if_handled};

/// Files analysed per tick of the engine thread.
pub const BATCH: usize = 256;

/// What a full index did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexReport {
    /// Files found.
    pub files: usize,
    /// Files extracted.
    pub extracted: usize,
    /// Files unchanged since the last analysis.
    pub unchanged: usize,
    /// Files that could not be analysed, with why.
    pub failed: Vec<(String, String)>,
    /// File→file edges.
    pub edges: usize,
    /// Local imports that resolved to no file.
    pub unresolved: usize,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl IndexReport {
    /// A report for a pass that found `files` after a scan (those not queued are unchanged).
    pub fn after_scan(world: &World, files: usize) -> Self {
        IndexReport {
            files,
            unchanged: files.saturating_sub(queue::len(world)),
            ..Default::default()
        }
    }

    /// Counts one analysed batch.
    pub fn add(&mut self, batch: BatchReport) {
        self.extracted += batch.extracted;
        self.unchanged += batch.unchanged;
        self.failed.extend(batch.failed);
    }

    /// Completes the report once the queue is empty: edges, unresolved imports, wall time.
    pub fn finish(mut self, world: &World, started: Instant) -> Self {
        self.unresolved = world
            .resource::<omnysys_api::schema::UnresolvedImports>()
            .count();
        self.edges = world
            .resource::<omnysys_api::graph::DependencyGraph>()
            .edge_count();
        self.elapsed = started.elapsed();
        self
    }
}

/// Walks the project: queues new and changed files (medium priority), and vanished ones so their
/// facts are removed. Returns the number of files found.
pub fn scan_project(world: &mut World) -> usize {
    let root = world.resource::<ProjectRoot>().0.clone();
    let settings = world
        .get_resource::<IndexConfig>()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let walk::Walk { found, errors } = walk::source_files(&root, &extensions(world), &settings);
    for (path, reason) in &errors {
        let message = format!("cannot list: {reason}");
        omnysys_api::schema::RecentErrors::record(world, "extraction", path, &message);
    }
    // A relink records the unresolved imports itself; otherwise rebuild them from the stored
    // resolutions (a warm start links nothing).
    if !manifests_changed(world) {
        link::refresh_unresolved(world);
    }
    let mut known: std::collections::BTreeSet<String> =
        world.resource::<FileIndex>().0.keys().cloned().collect();
    for file in &found {
        known.remove(&file.path);
        if !unchanged_on_disk(world, file) {
            queue::enqueue(
                world,
                &file.path,
                Priority::Medium,
                QueueReason::InitialIndex,
            );
        }
    }
    for vanished in known {
        queue::enqueue(world, &vanished, Priority::High, QueueReason::Removed);
    }
    begin_pass(world);
    found.len()
}

/// Initialises the resources this module owns.
pub fn init_resources(world: &mut World) {
    world.init_resource::<QueueIndex>();
    world.init_resource::<ForcedExtraction>();
    world.init_resource::<IndexConfig>();
    world.init_resource::<BatchSize>();
    world.init_resource::<AnalysedBatch>();
    world.register_component::<process::FailedExtraction>();
}

/// Files whose facts must be re-extracted even if their content is unchanged
/// (`restart_server {clearCache}`).
#[derive(bevy_ecs::resource::Resource, Default, Debug)]
pub struct ForcedExtraction(pub std::collections::HashSet<String>);

/// The tool set's index settings, as a resource.
#[derive(bevy_ecs::resource::Resource, Clone, Debug, Default)]
pub struct IndexConfig(pub IndexSettings);

/// File extensions the served extractors handle.
pub fn extensions(world: &World) -> Vec<String> {
    let catalog = world.resource::<ExtractorCatalog>();
    catalog
        .extractors
        .values()
        .flat_map(|e| e.extensions.iter().cloned())
        .collect()
}

/// Whether a found file needs no analysis: same size and time as when it was last read, and
/// either analysed or failed by the extractor that would analyse it now.
fn unchanged_on_disk(world: &World, file: &walk::FoundPath) -> bool {
    let Some(entity) = world.resource::<FileIndex>().0.get(&file.path).copied() else {
        return false;
    };
    let same_meta = world
        .get::<SourceFile>(entity)
        .is_some_and(|s| s.size == file.size && s.mtime_ns == file.mtime_ns);
    same_meta
        && (world.get::<CacheEntry>(entity).is_some()
            || failed_by_current(world, entity, &file.path))
}

/// Whether the extractor serving `path` now is the one that failed on it.
fn failed_by_current(world: &World, entity: bevy_ecs::entity::Entity, path: &str) -> bool {
    let Some(failed) = world.get::<process::FailedExtraction>(entity) else {
        return false;
    };
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let catalog = world.resource::<crate::tools::ExtractorCatalog>();
    catalog.for_extension(ext).is_some_and(|e| failed.is_by(e))
}

/// How many queued files the loop's index set analyses per tick ([`BATCH`] unless a scenario
/// sets it).
#[derive(bevy_ecs::resource::Resource, Clone, Copy, Debug)]
pub struct BatchSize(pub usize);

impl Default for BatchSize {
    fn default() -> Self {
        BatchSize(BATCH)
    }
}

/// Files the last index-set run analysed, whose imports the link set resolves next; and that
/// batch's report, for runners that total them.
#[derive(bevy_ecs::resource::Resource, Default, Debug)]
pub struct AnalysedBatch {
    /// Whether a batch was analysed since the link set last ran.
    pub analysed: bool,
    /// Files whose facts changed.
    pub changed: Vec<String>,
    /// The batch's report, taken by [`take_batch_report`].
    pub report: Option<BatchReport>,
}

/// The index set's system: analyses up to [`BatchSize`] queued files, most urgent first.
pub fn index_batch(world: &mut World) {
    if !has_queued(world) {
        return; // an idle tick builds no query
    }
    let n = world
        .get_resource::<BatchSize>()
        .copied()
        .unwrap_or_default()
        .0;
    let items = queue::take(world, n);
    if items.is_empty() {
        return;
    }
    let report = analyse_unlinked(world, items);
    let mut batch = world.resource_mut::<AnalysedBatch>();
    batch.analysed = true;
    batch.changed.extend(report.changed.iter().cloned());
    batch.report = Some(report);
}

/// The link set's system: resolves the imports of the files the index set analysed, relinks the
/// whole graph when a pass that changed the file set ends, and updates the indexing state.
pub fn link_batch(world: &mut World) {
    let mut batch = world.resource_mut::<AnalysedBatch>();
    let analysed = std::mem::take(&mut batch.analysed);
    let changed = std::mem::take(&mut batch.changed);
    if !analysed && !link::relink_pending(world) {
        return; // nothing analysed, nothing to relink: an idle tick changes nothing
    }
    if !changed.is_empty() {
        link_files(world, &changed);
    }
    link::relink_if_pass_done(world, queue::len(world));
    update_state(world);
}

/// The report of the batch the index set analysed last, if not taken yet.
pub fn take_batch_report(world: &mut World) -> Option<BatchReport> {
    world.resource_mut::<AnalysedBatch>().report.take()
}

/// Whether the queue holds files to analyse.
pub fn has_queued(world: &World) -> bool {
    queue::len(world) > 0
}

/// Moves the queued ones among `paths` to critical and analyses them now; returns how many
/// were waiting.
pub fn analyse_now(world: &mut World, paths: &[String]) -> usize {
    let items = queue::take_paths(world, paths);
    let n = items.len();
    if n > 0 {
        analyse(world, items);
        link::relink_if_pass_done(world, queue::len(world));
        update_state(world);
    }
    n
}

/// Queues every known file as removed (high priority), as when the project root is deleted;
/// returns how many.
pub fn forget_all_files(world: &mut World) -> usize {
    let known: Vec<String> = world.resource::<FileIndex>().0.keys().cloned().collect();
    for path in &known {
        queue::enqueue(world, path, Priority::High, QueueReason::Removed);
    }
    begin_pass(world);
    known.len()
}

/// Queues a file the project watcher saw change (high priority).
pub fn queue_change(world: &mut World, path: &str, exists: bool) {
    let known = world.resource::<FileIndex>().0.contains_key(path);
    let reason = match (exists, known) {
        (false, _) => QueueReason::Removed,
        (true, false) => QueueReason::Created,
        (true, true) => QueueReason::Modified,
    };
    queue::enqueue(world, path, Priority::High, reason);
    world
        .resource_mut::<omnysys_api::schema::RecentEdits>()
        .push(path, omnysys_api::schema::now_ms());
    begin_pass(world);
}

/// Reads the project's resolution manifests (at a scan, or after the watcher saw one change),
/// and resolves every import again when what they say changed. Returns whether it did.
pub fn manifests_changed(world: &mut World) -> bool {
    let relink = manifests::reload(world);
    if relink {
        link_all(world);
    }
    relink
}

/// Queues, at low priority, every file whose facts came from another version of its extractor.
pub fn queue_stale(world: &mut World) -> usize {
    let catalog = world.resource::<ExtractorCatalog>().extractors.clone();
    let stale: Vec<String> = match world.try_query::<(&SourceFile, &CacheEntry)>() {
        Some(mut q) => q
            .iter(world)
            .filter(|(_, e)| {
                catalog
                    .get(&e.extractor)
                    .is_some_and(|x| x.version != e.extractor_version)
            })
            .map(|(s, _)| s.path.clone())
            .collect(),
        None => Vec::new(),
    };
    for path in &stale {
        queue::enqueue(world, path, Priority::Low, QueueReason::ExtractorUpgraded);
    }
    if !stale.is_empty() {
        begin_pass(world);
    }
    stale.len()
}

/// Files with facts from an older extractor version (served from those facts meanwhile).
pub fn stale_count(world: &World) -> usize {
    let catalog = world.resource::<ExtractorCatalog>();
    let Some(mut q) = world.try_query::<&CacheEntry>() else {
        return 0;
    };
    q.iter(world)
        .filter(|e| {
            catalog
                .extractors
                .get(&e.extractor)
                .is_some_and(|x| x.version != e.extractor_version)
        })
        .count()
}

fn analyse(world: &mut World, items: Vec<omnysys_api::schema::QueueItem>) -> BatchReport {
    let report = analyse_unlinked(world, items);
    link_files(world, &report.changed);
    report
}

/// Extracts `items` and stores their facts; their imports are not resolved yet.
fn analyse_unlinked(world: &mut World, items: Vec<omnysys_api::schema::QueueItem>) -> BatchReport {
    let max = world
        .get_resource::<IndexConfig>()
        .map_or(process::DEFAULT_MAX_FILE_BYTES, |c| c.0.max_file_bytes);
    let n = items.len() as u64;
    let report = process::process(world, items, max);
    if report.files_changed {
        mark_relink(world);
    }
    world.resource_mut::<IndexingState>().done += n;
    for (path, reason) in &report.failed {
        tracing::warn!(file = %path, %reason, "not analysed");
        omnysys_api::schema::RecentErrors::record(world, "extraction", path, reason);
    }
    report
}

fn begin_pass(world: &mut World) {
    let queued = queue::len(world) as u64;
    if queued == 0 {
        return; // nothing to do: the last pass's numbers stand
    }
    let mut state = world.resource_mut::<IndexingState>();
    if !state.is_indexing {
        state.done = 0;
    }
    state.is_indexing = queued > 0;
    state.total = state.done + queued;
    state.phase = if queued > 0 {
        IndexPhase::Extracting
    } else {
        IndexPhase::Ready
    };
}

fn update_state(world: &mut World) {
    let queued = queue::len(world) as u64;
    let mut state = world.resource_mut::<IndexingState>();
    state.total = state.done + queued;
    state.is_indexing = queued > 0;
    state.phase = if queued > 0 {
        IndexPhase::Extracting
    } else {
        IndexPhase::Ready
    };
}
