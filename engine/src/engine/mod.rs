//! [`Engine`]: the `World` (all state, the loaded plugins among it) and the operations on it.
//!
//! - [`schedule`]: the engine's loop, a bevy `Schedule` every runner ticks.
//! - [`systems`]: the engine's own system in each set of the loop.
//! - [`calls`]: tool calls, alone or beside other read-only calls.
//! - [`admin`]: a reload batch and what follows it; the admin requests tools make.
//! - [`events`]: what transports hear about (reloads, tool-surface changes).

pub mod admin;
pub mod calls;
pub mod events;
pub mod schedule;
pub mod systems;

use std::path::PathBuf;
use std::time::Instant;

use bevy_ecs::world::World;
use omnysys_api::schema::{EngineStatus, ProjectRoot, RecentErrors};

pub use events::{BuildNotice, EngineEvent, EngineEvents, NoticeLevel};
pub use schedule::{EngineLoop, LoopStats};

use crate::index::IndexReport;
use crate::plugin::Plugins;
use crate::reload::{ReloadChange, ReloadReport};

/// Ticks a runner may run to drain its work before giving up (a loop that never settles is a
/// bug, not a reason to hang).
pub const MAX_TICKS_UNTIL_IDLE: u64 = 100_000;

/// Where the engine works.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    /// The project being served.
    pub project: PathBuf,
    /// Where fresh copies of plugin libraries are written (removed on drop).
    pub copies_dir: PathBuf,
    /// Where snapshots go (default `<project>/.omnysys`).
    pub state_dir: PathBuf,
}

impl EngineSettings {
    /// Settings for `project`, with library copies in a temporary directory of this engine's own
    /// (the pid alone is not enough: a SIGKILLed process leaves its directory behind, and pids
    /// come round again).
    pub fn for_project(project: PathBuf) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let copies_dir =
            std::env::temp_dir().join(format!("omnysys-{}-{nanos:x}", std::process::id()));
        let state_dir = project.join(".omnysys");
        EngineSettings {
            project,
            copies_dir,
            state_dir,
        }
    }
}

/// Errors creating an engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The library-copy directory could not be created.
    #[error("cannot create `{0}`: {1}")]
    CopiesDir(PathBuf, std::io::Error),
}

/// The engine: owns the `World` — all state, and the plugins that hold all behaviour.
pub struct Engine {
    world: World,
    settings: EngineSettings,
    toolset: Option<crate::toolset::Toolset>,
    /// When the state last written to a snapshot was read; `None`: never.
    snapshot_tick: Option<bevy_ecs::change_detection::Tick>,
}

impl Engine {
    /// A new engine with every `World` type registered, its loop in place and no plugins.
    ///
    /// # Errors
    ///
    /// When the library-copy directory cannot be created.
    pub fn new(settings: EngineSettings) -> Result<Self, EngineError> {
        let mut world = World::new();
        crate::schema::register_schema(&mut world);
        crate::tools::init_resources(&mut world);
        crate::reload::init_resources(&mut world);
        crate::index::init_resources(&mut world);
        world.init_resource::<EngineEvents>();
        world.init_resource::<crate::snapshot::SnapshotDirty>();
        schedule::add_engine_loop(&mut world);
        let root = settings
            .project
            .canonicalize()
            .unwrap_or_else(|_| settings.project.clone());
        world.insert_resource(ProjectRoot(root));
        let plugins = Plugins::new(settings.copies_dir.clone(), crate::schema::register_schema)
            .map_err(|e| EngineError::CopiesDir(settings.copies_dir.clone(), e))?;
        world.insert_resource(plugins);
        Ok(Engine {
            world,
            settings,
            toolset: None,
            snapshot_tick: None,
        })
    }

    /// The state, read-only.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The state, for runners that seed or inspect it (benchmarks, scenarios, restores).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The loaded plugins.
    pub fn plugins(&self) -> &Plugins {
        self.world.resource::<Plugins>()
    }

    /// Where it works.
    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    /// The tool set in force, when started from one.
    pub fn toolset(&self) -> Option<&crate::toolset::Toolset> {
        self.toolset.as_ref()
    }

    /// Puts `toolset` in force: its index settings apply from the next scan.
    pub fn set_toolset(&mut self, toolset: crate::toolset::Toolset) {
        let settings = toolset.index.clone();
        self.world
            .insert_resource(crate::index::IndexConfig(settings));
        self.toolset = Some(toolset);
    }

    /// Runs the engine's loop once: admin requests, one batch of the queue, link, status,
    /// snapshot — the engine's systems and the plugins'. Returns true while work remains
    /// (queued files, pending admin requests).
    pub fn tick(&mut self) -> bool {
        self.world.resource_mut::<LoopStats>().ticks += 1;
        self.world.run_schedule(EngineLoop);
        // A reload made by the admin set could not edit the running schedule: its edits now.
        schedule::apply_loop_edits(&mut self.world);
        crate::index::has_queued(&self.world)
            || !self
                .world
                .resource::<crate::tools::PendingAdmin>()
                .0
                .is_empty()
    }

    /// Ticks until no work remains (at most [`MAX_TICKS_UNTIL_IDLE`]); returns the ticks run.
    pub fn run_until_idle(&mut self) -> u64 {
        let mut ticks = 1;
        while self.tick() && ticks < MAX_TICKS_UNTIL_IDLE {
            ticks += 1;
        }
        ticks
    }

    /// Restores the snapshot in the state directory, if there is a readable one; returns the
    /// files restored (a corrupt or incompatible snapshot is ignored with a warning).
    pub fn restore_snapshot(&mut self) -> usize {
        crate::snapshot::restore_if_present(&mut self.world, &self.settings.state_dir)
    }

    /// Writes a snapshot of the state now, in the state directory.
    ///
    /// # Errors
    ///
    /// When it cannot be written.
    pub fn write_snapshot(&self) -> Result<PathBuf, crate::snapshot::SnapshotError> {
        crate::snapshot::write_snapshot(&self.world, &self.settings.state_dir)
    }

    /// The project root is gone: every known file is queued as removed (the loop empties the
    /// index) and the loss is recorded for `get_recent_errors` (kind `project`).
    pub fn project_root_gone(&mut self) {
        let root = self.world.resource::<ProjectRoot>().0.display().to_string();
        let files = crate::index::forget_all_files(&mut self.world);
        let message = format!(
            "the project root was deleted; its files left the index ({files} still indexed then)"
        );
        self.record_error("project", &root, &message);
    }

    /// Scans the project, queueing what changed (the loop analyses it); returns the files found.
    pub fn scan(&mut self) -> usize {
        crate::index::scan_project(&mut self.world)
    }

    /// Scans and analyses the whole project now, ticking the loop until the queue is empty.
    pub fn index_project(&mut self) -> IndexReport {
        self.index_project_with(|_, _| {})
    }

    /// As [`Engine::index_project`], calling `progress(done, total)` after each batch.
    pub fn index_project_with(&mut self, mut progress: impl FnMut(u64, u64)) -> IndexReport {
        let started = Instant::now();
        let files = self.scan();
        let mut report = IndexReport::after_scan(&self.world, files);
        for _ in 0..MAX_TICKS_UNTIL_IDLE {
            let busy = self.tick();
            if let Some(batch) = crate::index::take_batch_report(&mut self.world) {
                crate::crash_points::kill_if_asked("mid-index");
                let state = self.world.resource::<omnysys_api::schema::IndexingState>();
                progress(state.done, state.total);
                report.add(batch);
            }
            if !busy {
                break;
            }
        }
        report.finish(&self.world, started)
    }

    /// Applies a batch of plugin changes as one transaction.
    pub fn reload(&mut self, changes: Vec<ReloadChange>) -> ReloadReport {
        admin::reload_and_report(&mut self.world, changes)
    }

    /// Records an error clients see in `get_recent_errors`.
    pub fn record_error(&mut self, kind: &str, subject: &str, message: &str) {
        RecentErrors::record(&mut self.world, kind, subject, message);
    }

    /// Records a change the engine refused without a reload (a rejected tool-set edit): in the
    /// reload history and as a recent error of `kind`.
    pub fn record_refusal(&mut self, kind: &str, record: crate::reload::ReloadRecord) {
        self.record_error(kind, &record.plugin, &record.reason);
        self.world
            .resource_mut::<crate::reload::ReloadHistory>()
            .push(record);
        crate::status::refresh_status(&mut self.world);
    }

    /// Counts a tool call that exceeded its time limit.
    pub fn count_stuck_call(&mut self) {
        self.world.resource_mut::<EngineStatus>().stuck_calls += 1;
    }

    /// Events from now on (reloads, tool-surface changes).
    pub fn subscribe(&mut self) -> tokio::sync::mpsc::UnboundedReceiver<EngineEvent> {
        self.world.resource_mut::<EngineEvents>().subscribe()
    }

    /// The persistent state to snapshot, if it changed since the last one taken (cheap: the
    /// loop's dirty flag, else change ticks; no serialisation); the caller writes it off the
    /// engine thread.
    pub fn state_to_snapshot(&mut self) -> Option<crate::state::PersistentState> {
        use crate::state::changes::{changed_since, checkpoint};
        let dirty = std::mem::take(
            &mut self
                .world
                .resource_mut::<crate::snapshot::SnapshotDirty>()
                .0,
        );
        if !dirty
            && self
                .snapshot_tick
                .is_some_and(|since| !changed_since(&mut self.world, since))
        {
            return None;
        }
        self.snapshot_tick = Some(checkpoint(&mut self.world));
        Some(crate::state::persistent_state(&self.world))
    }

    /// A snapshot write failed with `error`: recorded as a recent error of kind `snapshot`
    /// (clients see it in `get_recent_errors`), and the last snapshot taken forgotten so the
    /// next check takes one again.
    pub fn snapshot_write_failed(&mut self, error: &str) {
        self.snapshot_tick = None;
        let subject = self
            .settings
            .state_dir
            .join(crate::snapshot::FILE_NAME)
            .display()
            .to_string();
        RecentErrors::record(&mut self.world, "snapshot", &subject, error);
    }

    /// Stops publishing the state digest in the status (an engine that will never be asked for
    /// it: a one-shot command). [`Engine::digest`] still computes it on demand.
    pub fn unpublish_state_digest(&mut self) {
        self.world
            .insert_resource(crate::state::published::DigestUnpublished);
    }

    /// The digest of all persistent state.
    pub fn digest(&self) -> String {
        crate::state::state_digest(&self.world)
    }

    /// The generation serving `plugin`.
    pub fn generation_of(&self, plugin: &str) -> Option<u64> {
        self.plugins().slots.get(plugin).map(|s| s.current.number)
    }
}

impl Engine {
    /// Ends an engine whose process exits next (a one-shot command): its plugins are unloaded
    /// and their copies removed, as when it is dropped, but the project's facts are left for the
    /// exit to reclaim instead of being freed one by one (about 10 ms of a cold `omnysys graph`
    /// of webpack `lib/`).
    pub fn end_before_exit(self) {
        let mut engine = std::mem::ManuallyDrop::new(self);
        engine.unload_everything();
    }

    /// Unloads every plugin and removes the directory of their copies.
    fn unload_everything(&mut self) {
        let names: Vec<String> = self.plugins().slots.keys().cloned().collect();
        let changes = names
            .into_iter()
            .map(|plugin| ReloadChange::Unload { plugin })
            .collect();
        let _ = self.reload(changes);
        let _ = std::fs::remove_dir_all(self.plugins().copies_dir());
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.unload_everything();
    }
}

#[cfg(test)]
mod failed_extraction_tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use bevy_ecs::system::In;

    use crate::plugin::{ExtractJob, ExtractResult};
    use crate::tools::{ExtractorCatalog, ExtractorEntry};

    static ATTEMPTS: AtomicUsize = AtomicUsize::new(0);

    /// An extractor that fails on every file, counting its attempts.
    fn failing(In(jobs): In<Vec<ExtractJob>>) -> Vec<ExtractResult> {
        ATTEMPTS.fetch_add(jobs.len(), Ordering::SeqCst);
        let fail = |j: ExtractJob| ExtractResult {
            path: j.path,
            outcome: Err("the parse exceeded 2 s; not analysed".to_owned()),
        };
        jobs.into_iter().map(fail).collect()
    }

    fn serve_extractor(engine: &mut Engine, version: &str) {
        let world = engine.world_mut();
        let system = world.register_system(failing);
        let entry = ExtractorEntry {
            name: "failing".to_owned(),
            version: version.to_owned(),
            extensions: vec!["js".to_owned()],
            plugin: "test".to_owned(),
            generation: 1,
            system,
        };
        let mut catalog = world.resource_mut::<ExtractorCatalog>();
        catalog.extractors.insert(entry.name.clone(), entry);
    }

    #[test]
    fn a_file_its_extractor_failed_on_is_not_extracted_again_until_the_extractor_changes() {
        let dir = std::env::temp_dir().join(format!("omnysys-failed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bad.js"), "function g(){").unwrap();
        let mut engine = Engine::new(EngineSettings::for_project(dir.clone())).unwrap();
        serve_extractor(&mut engine, "1");
        let first = engine.index_project();
        assert_eq!(first.failed.len(), 1, "{first:?}");
        let second = engine.index_project();
        assert_eq!(ATTEMPTS.load(Ordering::SeqCst), 1, "rescanned: {second:?}");
        serve_extractor(&mut engine, "2");
        engine.index_project();
        assert_eq!(
            ATTEMPTS.load(Ordering::SeqCst),
            2,
            "a new extractor version tries again"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_snapshot_write_is_a_recent_error_naming_the_cause() {
        let project = std::env::temp_dir().join(format!("omnysys-snapfail-{}", std::process::id()));
        let mut engine = Engine::new(EngineSettings::for_project(project)).unwrap();
        engine.snapshot_write_failed("snapshot.json: is a symbolic link; refusing to follow it");
        let errors = &engine.world().resource::<RecentErrors>().0;
        let snapshot: Vec<_> = errors.iter().filter(|e| e.kind == "snapshot").collect();
        assert_eq!(snapshot.len(), 1, "{errors:?}");
        assert!(snapshot[0].message.contains("symbolic link"));
        assert!(snapshot[0].subject.ends_with(".omnysys/snapshot.json"));
    }

    #[test]
    fn a_garbage_truncated_deleted_or_foreign_library_is_refused_with_a_recent_reload_error() {
        let dir = std::env::temp_dir().join(format!("omnysys-badlib-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let libraries = [
            ("libgarbage.so", b"garbage, not a library".to_vec()),
            ("libtruncated.so", exe[..exe.len() / 3].to_vec()),
            ("libforeign.so", exe),
        ];
        for (name, bytes) in &libraries {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        let mut engine = Engine::new(EngineSettings::for_project(dir.clone())).unwrap();
        let names = libraries.iter().map(|(n, _)| *n).chain(["libdeleted.so"]);
        for name in names {
            let change = ReloadChange::Load {
                source: dir.join(name),
                expect: None,
                tools: None,
            };
            let report = engine.reload(vec![change]);
            assert!(!report.committed(), "{name} was loaded");
            let errors = &engine.world().resource::<RecentErrors>().0;
            let last = errors.back().unwrap();
            assert_eq!(last.kind, "reload", "{name}: {last:?}");
            assert!(last.message.starts_with("Refused"), "{name}: {last:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
