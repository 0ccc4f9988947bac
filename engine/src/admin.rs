//! Admin requests from tools (`restart_server`), applied right after the call that made them
//! returns: reload every plugin, roll one back, reconcile or rebuild the index. The client stays
//! connected and no state is lost.

use bevy_ecs::resource::Resource;
use omnysys_api::schema::{FileIndex, Priority, QueueReason};
use omnysys_api::tool::AdminRequest;

use crate::engine::Engine;
use crate::reload::ReloadChange;

/// Requests made by tools, waiting for the engine thread's next tick.
#[derive(Resource, Default, Debug)]
pub struct PendingAdmin(pub Vec<AdminRequest>);

/// Files whose facts must be re-extracted even if their content is unchanged.
#[derive(Resource, Default, Debug)]
pub struct ForcedExtraction(pub std::collections::HashSet<String>);

/// Applies every pending request; returns true if there were any.
pub fn apply_pending(engine: &mut Engine) -> bool {
    let requests = std::mem::take(&mut engine.world.resource_mut::<PendingAdmin>().0);
    let any = !requests.is_empty();
    for request in requests {
        tracing::info!(?request, "applying an admin request");
        match request {
            AdminRequest::ReloadAll => {
                let changes = reload_all_changes(engine);
                engine.reload(changes);
            }
            AdminRequest::Rollback { plugin } => {
                engine.reload(vec![ReloadChange::Rollback { plugin }]);
            }
            AdminRequest::Reindex { clear_cache } => reindex(engine, clear_cache),
        }
    }
    any
}

fn reload_all_changes(engine: &Engine) -> Vec<ReloadChange> {
    engine
        .plugins
        .slots
        .iter()
        .map(|(name, slot)| ReloadChange::Load {
            source: slot.current.source.clone(),
            expect: Some(name.clone()),
            tools: slot.enabled.clone(),
        })
        .collect()
}

fn reindex(engine: &mut Engine, clear_cache: bool) {
    if clear_cache {
        let paths: Vec<String> = engine
            .world
            .resource::<FileIndex>()
            .0
            .keys()
            .cloned()
            .collect();
        for path in &paths {
            crate::index::queue::enqueue(
                &mut engine.world,
                path,
                Priority::Medium,
                QueueReason::Requested,
            );
        }
        engine
            .world
            .resource_mut::<ForcedExtraction>()
            .0
            .extend(paths);
    }
    crate::index::scan_project(&mut engine.world);
}
