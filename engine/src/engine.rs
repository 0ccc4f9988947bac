//! [`Engine`]: the `World`, the loaded plugins, and the operations on them.

use std::path::PathBuf;

use bevy_ecs::world::World;
use omnysys_api::schema::ProjectRoot;

use crate::plugin::{Plugins, ToolInvocation, ToolReply};
use crate::reload::{ReloadChange, ReloadReport, reload};
use crate::schema::register_schema;
use crate::tools::{CallError, ToolCatalog};

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
    /// Settings for `project`, with library copies in a per-process temporary directory.
    pub fn for_project(project: PathBuf) -> Self {
        let copies_dir = std::env::temp_dir().join(format!("omnysys-{}", std::process::id()));
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

/// Something the engine did that transports may want to tell clients.
#[derive(Clone, Debug)]
pub enum EngineEvent {
    /// A reload batch finished (whatever its outcome).
    Reloaded(Vec<crate::reload::ReloadRecord>),
    /// The tool surface changed; the number is the catalog's new revision.
    ToolsChanged(u64),
}

/// The engine: owns the `World` (all state) and the plugins (all behaviour).
pub struct Engine {
    /// All state. Never dropped or replaced during a reload.
    pub world: World,
    /// Loaded plugins.
    pub plugins: Plugins,
    /// Where it works.
    pub settings: EngineSettings,
    /// The tool set in force, when started from one.
    pub toolset: Option<crate::toolset::Toolset>,
    listeners: Vec<tokio::sync::mpsc::UnboundedSender<EngineEvent>>,
    /// When the state last written to a snapshot was read; `None`: never.
    snapshot_tick: Option<bevy_ecs::change_detection::Tick>,
}

impl Engine {
    /// A new engine with every `World` type registered and no plugins.
    ///
    /// # Errors
    ///
    /// When the library-copy directory cannot be created.
    pub fn new(settings: EngineSettings) -> Result<Self, EngineError> {
        let mut world = World::new();
        register_schema(&mut world);
        let root = settings
            .project
            .canonicalize()
            .unwrap_or_else(|_| settings.project.clone());
        world.insert_resource(ProjectRoot(root));
        let plugins = Plugins::new(settings.copies_dir.clone())
            .map_err(|e| EngineError::CopiesDir(settings.copies_dir.clone(), e))?;
        Ok(Engine {
            world,
            plugins,
            settings,
            toolset: None,
            listeners: Vec::new(),
            snapshot_tick: None,
        })
    }

    /// Applies a batch of plugin changes as one transaction.
    pub fn reload(&mut self, changes: Vec<ReloadChange>) -> ReloadReport {
        let revision = self.world.resource::<ToolCatalog>().revision;
        let report = reload(&mut self.world, &mut self.plugins, changes);
        crate::index::queue_stale(&mut self.world);
        self.record_reload_errors(&report);
        crate::status::refresh_status(self);
        self.emit(EngineEvent::Reloaded(report.records.clone()));
        let now = self.world.resource::<ToolCatalog>().revision;
        if now != revision {
            self.emit(EngineEvent::ToolsChanged(now));
        }
        report
    }

    fn record_reload_errors(&mut self, report: &ReloadReport) {
        let now = omnysys_api::schema::now_ms();
        let mut errors = self
            .world
            .resource_mut::<omnysys_api::schema::RecentErrors>();
        for r in report.records.iter().filter(|r| {
            !matches!(
                r.outcome,
                crate::reload::ReloadOutcome::Loaded
                    | crate::reload::ReloadOutcome::RolledBack
                    | crate::reload::ReloadOutcome::Unloaded
            )
        }) {
            errors.push(
                "reload",
                &r.plugin,
                &format!("{:?}: {}", r.outcome, r.reason),
                now,
            );
        }
    }

    /// Events from now on (reloads, tool-surface changes).
    pub fn subscribe(&mut self) -> tokio::sync::mpsc::UnboundedReceiver<EngineEvent> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        self.listeners.push(tx);
        rx
    }

    fn emit(&mut self, event: EngineEvent) {
        self.listeners.retain(|l| l.send(event.clone()).is_ok());
    }

    /// Calls a tool by name.
    ///
    /// # Errors
    ///
    /// `UnknownTool` when no plugin serves `name`. Tool failures (bad arguments, panics) are
    /// the `Err` of the inner [`ToolReply`].
    pub fn call_tool(
        &mut self,
        name: &str,
        args: serde_json::Value,
    ) -> Result<ToolReply, CallError> {
        self.call_tool_with(name, ToolInvocation { args, events: None })
    }

    /// Calls a tool, sending its progress and log events to `invocation.events`.
    ///
    /// # Errors
    ///
    /// As [`Engine::call_tool`].
    pub fn call_tool_with(
        &mut self,
        name: &str,
        invocation: ToolInvocation,
    ) -> Result<ToolReply, CallError> {
        self.analyse_files_named_in(&invocation);
        let catalog = self.world.resource::<ToolCatalog>();
        let system = catalog
            .tools
            .get(name)
            .ok_or_else(|| CallError::UnknownTool(name.to_owned()))?
            .system;
        self.world
            .run_system_with(system, invocation)
            .map_err(|e| CallError::System(name.to_owned(), e.to_string()))
    }

    /// Analyses, before a tool runs, the queued files its arguments name (critical priority),
    /// telling the client through progress events while it waits.
    fn analyse_files_named_in(&mut self, invocation: &ToolInvocation) {
        let root = self
            .world
            .resource::<omnysys_api::schema::ProjectRoot>()
            .0
            .clone();
        let paths: Vec<String> = crate::tools::path_arguments(&invocation.args)
            .filter_map(|raw| omnysys_api::paths::normalize(&root, raw).ok())
            .filter(|p| crate::index::queue::find(&self.world, p).is_some())
            .collect();
        if paths.is_empty() {
            return;
        }
        let total = paths.len() as f64;
        let progress = |done: f64, message: &str| {
            if let Some(events) = &invocation.events {
                events(omnysys_api::tool::ToolEvent::Progress {
                    progress: done,
                    total: Some(total),
                    message: Some(message.to_owned()),
                });
            }
        };
        progress(0.0, "waiting for queued files to be analysed");
        let n = crate::index::analyse_now(&mut self.world, &paths);
        progress(n as f64, "analysed");
    }

    /// The persistent state to snapshot, if it changed since the last one taken (cheap: change
    /// ticks, no serialisation); the caller writes it off the engine thread.
    pub fn state_to_snapshot(&mut self) -> Option<crate::state::PersistentState> {
        use crate::state::changes::{changed_since, checkpoint};
        if self
            .snapshot_tick
            .is_some_and(|since| !changed_since(&mut self.world, since))
        {
            return None;
        }
        self.snapshot_tick = Some(checkpoint(&mut self.world));
        Some(crate::state::persistent_state(&self.world))
    }

    /// Forgets the last snapshot taken (its write failed): the next check takes one again.
    pub fn snapshot_failed(&mut self) {
        self.snapshot_tick = None;
    }

    /// The digest of all persistent state.
    pub fn digest(&self) -> String {
        crate::state::state_digest(&self.world)
    }

    /// The generation serving `plugin`.
    pub fn generation_of(&self, plugin: &str) -> Option<u64> {
        self.plugins.slots.get(plugin).map(|s| s.current.number)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let names: Vec<String> = self.plugins.slots.keys().cloned().collect();
        let changes = names
            .into_iter()
            .map(|plugin| ReloadChange::Unload { plugin })
            .collect();
        let _ = reload(&mut self.world, &mut self.plugins, changes);
        let _ = std::fs::remove_dir_all(self.plugins.copies_dir());
    }
}
