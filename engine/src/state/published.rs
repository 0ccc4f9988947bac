//! The state digest clients see (`get_server_status.stateDigest`): [`super::state_digest`]
//! published in [`EngineStatus`] by the loop's status set.
//!
//! Recomputed only when the persistent state changed since the last one (bevy change ticks,
//! no serialisation otherwise) and only while no indexing pass runs: a pass changes the state
//! every tick, and serialising every file's facts each tick would make a pass quadratic. While
//! a pass runs the digest is `None` (the state is moving; there is nothing to compare).

use bevy_ecs::change_detection::Tick;
use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use omnysys_api::schema::{EngineStatus, IndexingState};

use super::changes::{changed_since, checkpoint};

/// When the published digest was computed.
#[derive(Resource, Default)]
pub struct DigestCheckpoint(Option<Tick>);

/// Publishes the digest of `world`'s persistent state in [`EngineStatus::state_digest`] if it
/// may have changed since the last time.
pub fn publish_digest(world: &mut World) {
    let indexing = world
        .get_resource::<IndexingState>()
        .is_some_and(|s| s.is_indexing);
    if indexing {
        world.resource_mut::<EngineStatus>().state_digest = None;
        world.get_resource_or_init::<DigestCheckpoint>().0 = None;
        return;
    }
    let since = world.get_resource_or_init::<DigestCheckpoint>().0;
    if since.is_some_and(|t| !changed_since(world, t)) {
        return;
    }
    let tick = checkpoint(world);
    let digest = super::state_digest(world);
    world.resource_mut::<DigestCheckpoint>().0 = Some(tick);
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
