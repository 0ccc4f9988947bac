//! The state digest clients see (`get_server_status.stateDigest`): [`super::state_digest`]
//! published in [`EngineStatus`] by the loop's status set.
//!
//! Recomputed only when the state may have changed, and only while no indexing pass runs: a
//! pass changes the state every tick, and serialising every file's facts each tick would make a
//! pass quadratic. While a pass runs the digest is `None` (the state is moving; there is
//! nothing to compare). "May have changed" is decided cheaply each tick from resource change
//! ticks (as the snapshot's dirty flag is), and every [`FULL_CHECK`] from every persistent
//! component's change tick (a few milliseconds for 10 000 files: too much for every 50 ms tick).
//!
//! # Caveats
//!
//! The digest is computed on the engine thread, once after each settled change: 74 ms for
//! 10 000 synthetic files, 324 ms for 50 000 (measured with the synthetic state of
//! [`super::spawn_synthetic_files`]); calls wait for it that once.

use std::time::{Duration, Instant};

use bevy_ecs::change_detection::Tick;
use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use omnysys_api::schema::{EngineStatus, IndexingState};

use super::changes::{changed_since, checkpoint, state_resources_changed};

/// How often the published digest is checked against every persistent component.
pub const FULL_CHECK: Duration = Duration::from_secs(5);

/// Present in an engine nobody can ask for its status (a one-shot `omnysys graph` or `index`):
/// the digest is never computed there.
#[derive(Resource)]
pub struct DigestUnpublished;

/// When the published digest was computed, and whether it may be stale.
#[derive(Resource)]
pub struct DigestCheckpoint {
    tick: Option<Tick>,
    checked: Instant,
    stale: bool,
}

impl Default for DigestCheckpoint {
    fn default() -> Self {
        DigestCheckpoint {
            tick: None,
            checked: Instant::now(),
            stale: true,
        }
    }
}

/// Publishes the digest of `world`'s persistent state in [`EngineStatus::state_digest`] if it
/// may have changed since the last time. Run by the loop's status set.
pub fn publish_digest(world: &mut World) {
    if world.contains_resource::<DigestUnpublished>() {
        return;
    }
    let changed = state_resources_changed(world);
    let indexing = world
        .get_resource::<IndexingState>()
        .is_some_and(|s| s.is_indexing);
    let mut checkpoint_now = world.get_resource_or_init::<DigestCheckpoint>();
    checkpoint_now.stale |= changed || indexing;
    if indexing {
        world.resource_mut::<EngineStatus>().state_digest = None;
        return;
    }
    if !checkpoint_now.stale && checkpoint_now.checked.elapsed() >= FULL_CHECK {
        checkpoint_now.checked = Instant::now();
        let since = checkpoint_now.tick;
        let stale = since.is_none_or(|t| changed_since(world, t));
        world.resource_mut::<DigestCheckpoint>().stale = stale;
    }
    if !world.resource::<DigestCheckpoint>().stale {
        return;
    }
    let tick = checkpoint(world);
    let digest = super::state_digest(world);
    let mut done = world.resource_mut::<DigestCheckpoint>();
    (done.tick, done.stale, done.checked) = (Some(tick), false, Instant::now());
    world.resource_mut::<EngineStatus>().state_digest = Some(digest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnysys_api::schema::{FileHash, SourceFile};

    fn published(world: &World) -> Option<String> {
        world.resource::<EngineStatus>().state_digest.clone()
    }

    #[test]
    fn the_published_digest_follows_the_state_and_is_hidden_while_indexing() {
        let mut world = World::new();
        crate::schema::register_schema(&mut world);
        world.init_resource::<crate::index::QueueIndex>();
        publish_digest(&mut world);
        let empty = published(&world).expect("published when idle");
        assert_eq!(empty, super::super::state_digest(&world));
        let file = world
            .spawn(SourceFile {
                path: "a.js".into(),
                size: 1,
                mtime_ns: 1,
            })
            .id();
        publish_digest(&mut world);
        let one = published(&world).expect("published");
        assert_ne!(one, empty, "a new file changes the digest");
        world.entity_mut(file).insert(FileHash(7));
        publish_digest(&mut world);
        assert_eq!(published(&world), Some(super::super::state_digest(&world)));
        world.resource_mut::<IndexingState>().is_indexing = true;
        publish_digest(&mut world);
        assert_eq!(published(&world), None);
    }
}
