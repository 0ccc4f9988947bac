//! The engine's own system in each set of its loop.

use bevy_ecs::world::World;
use omnysys_api::schedule::EngineSet;

use super::schedule::{LoopStats, report_loop};

/// Admin set: the requests tools made during the last call.
pub fn apply_admin_requests(world: &mut World) {
    LoopStats::ran(world, EngineSet::Admin);
    super::admin::apply_pending(world);
}

/// Index set: one batch of the queue.
pub fn index_batch(world: &mut World) {
    LoopStats::ran(world, EngineSet::Index);
    crate::index::index_batch(world);
}

/// Link set: the batch's imports, the whole graph when a pass ends.
pub fn link_batch(world: &mut World) {
    LoopStats::ran(world, EngineSet::Link);
    crate::index::link_batch(world);
}

/// Status set: the loop's counts and the state digest. (The plugin part is refreshed by every reload, in
/// [`super::admin::reload_and_report`], so runners that do not tick see it too.)
pub fn refresh_status(world: &mut World) {
    LoopStats::ran(world, EngineSet::Status);
    report_loop(world);
    crate::state::published::publish_digest(world);
}

/// Snapshot set: whether the persistent state changed since the last snapshot.
pub fn mark_snapshot_dirty(world: &mut World) {
    LoopStats::ran(world, EngineSet::Snapshot);
    crate::snapshot::mark_dirty(world);
}
