//! Operations on the engine's state that tools, runners and the loop all perform: a reload
//! batch with everything that follows it, and the admin requests tools make
//! (`restart_server`: reload every plugin, roll one back, reconcile or rebuild the index).
//! The client stays connected and no state is lost.

use bevy_ecs::world::World;
use omnysys_api::schema::{FileIndex, Priority, QueueReason, RecentErrors};
use omnysys_api::tool::AdminRequest;

use super::events::{EngineEvent, EngineEvents};
use crate::plugin::Plugins;
use crate::reload::{ReloadChange, ReloadOutcome, ReloadReport, reload};
use crate::tools::{PendingAdmin, ToolCatalog};

/// Applies a batch of plugin changes as one transaction, then queues the files whose extractor
/// changed, records what failed, refreshes status and tells listeners.
pub fn reload_and_report(world: &mut World, changes: Vec<ReloadChange>) -> ReloadReport {
    let revision = world.resource::<ToolCatalog>().revision;
    let report = world.resource_scope(|world, mut plugins: bevy_ecs::world::Mut<Plugins>| {
        reload(world, &mut plugins, changes)
    });
    super::schedule::apply_loop_edits(world);
    crate::index::queue_stale(world);
    record_reload_errors(world, &report);
    crate::status::refresh_status(world);
    world
        .resource_mut::<EngineEvents>()
        .emit(EngineEvent::Reloaded(report.records.clone()));
    let now = world.resource::<ToolCatalog>().revision;
    if now != revision {
        world
            .resource_mut::<EngineEvents>()
            .emit(EngineEvent::ToolsChanged(now));
    }
    report
}

fn record_reload_errors(world: &mut World, report: &ReloadReport) {
    for r in report.records.iter().filter(|r| {
        !matches!(
            r.outcome,
            ReloadOutcome::Loaded | ReloadOutcome::RolledBack | ReloadOutcome::Unloaded
        )
    }) {
        let message = format!("{:?}: {}", r.outcome, r.reason);
        RecentErrors::record(world, "reload", &r.plugin, &message);
    }
}

/// Applies every pending admin request; returns true if there were any.
pub fn apply_pending(world: &mut World) -> bool {
    let requests = std::mem::take(&mut world.resource_mut::<PendingAdmin>().0);
    let any = !requests.is_empty();
    for request in requests {
        tracing::info!(?request, "applying an admin request");
        match request {
            AdminRequest::ReloadAll => {
                let changes = reload_all_changes(world.resource::<Plugins>());
                reload_and_report(world, changes);
            }
            AdminRequest::Rollback { plugin } => {
                reload_and_report(world, vec![ReloadChange::Rollback { plugin }]);
            }
            AdminRequest::Reindex { clear_cache } => reindex(world, clear_cache),
        }
    }
    any
}

/// Every loaded plugin, loaded again from the library it was loaded from.
fn reload_all_changes(plugins: &Plugins) -> Vec<ReloadChange> {
    plugins
        .slots
        .iter()
        .map(|(name, slot)| ReloadChange::Load {
            source: slot.current.source.clone(),
            expect: Some(name.clone()),
            tools: slot.enabled.clone(),
        })
        .collect()
}

fn reindex(world: &mut World, clear_cache: bool) {
    if clear_cache {
        let paths: Vec<String> = world.resource::<FileIndex>().0.keys().cloned().collect();
        for path in &paths {
            crate::index::queue::enqueue(world, path, Priority::Medium, QueueReason::Requested);
        }
        world
            .resource_mut::<crate::index::ForcedExtraction>()
            .0
            .extend(paths);
    }
    crate::index::scan_project(world);
}
