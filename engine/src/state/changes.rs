//! Whether persistent state changed since a moment, from bevy's change ticks: the snapshot
//! writer's dirty flag, without serialising anything.
//!
//! Every write of persistent state goes through a component insert or a `ResMut`/`Mut` borrow,
//! which stamps the change tick; a removed file or queue item also changes `FileIndex` or
//! `QueueIndex`. So "some persistent component or resource was stamped after the checkpoint"
//! is exactly "the state may differ from the last snapshot". (A `ResMut` that writes nothing
//! still stamps: that only costs one needless snapshot.)

use bevy_ecs::change_detection::{DetectChanges, Ref, Tick};
use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schema::{
    CacheEntry, FileHash, FileIndex, IndexingState, QueueItem, SourceFile, UnresolvedImports,
};
use omnysys_api::state::PluginStates;

use crate::index::QueueIndex;

/// A moment to compare against: take it right before reading the state you persist.
pub fn checkpoint(world: &mut World) -> Tick {
    world.increment_change_tick()
}

/// Whether any persistent component or resource changed after `since`.
pub fn changed_since(world: &mut World, since: Tick) -> bool {
    let now = world.change_tick();
    resources_changed(world, since, now) || components_changed(world, since, now)
}

/// Whether a resource that moves with the persistent state changed since the running system
/// last ran (cheap: resource change ticks only; files, facts and queue move with the indexing
/// state). The snapshot's dirty flag and the published digest use it every tick.
pub fn state_resources_changed(world: &World) -> bool {
    world.is_resource_changed::<FileIndex>()
        || world.is_resource_changed::<IndexingState>()
        || world.is_resource_changed::<DependencyGraph>()
        || world.is_resource_changed::<PluginStates>()
        || world.is_resource_changed::<UnresolvedImports>()
}

fn resources_changed(world: &World, since: Tick, now: Tick) -> bool {
    fn changed<R: Resource>(world: &World, since: Tick, now: Tick) -> bool {
        world
            .get_resource_change_ticks::<R>()
            .is_some_and(|t| t.is_changed(since, now))
    }
    changed::<IndexingState>(world, since, now)
        || changed::<DependencyGraph>(world, since, now)
        || changed::<PluginStates>(world, since, now)
        || changed::<FileIndex>(world, since, now)
        || changed::<QueueIndex>(world, since, now)
}

fn components_changed(world: &mut World, since: Tick, now: Tick) -> bool {
    let newer = |r: Option<Tick>| r.is_some_and(|t| t.is_newer_than(since, now));
    let mut files = world.query::<(
        Ref<SourceFile>,
        Option<Ref<FileHash>>,
        Option<Ref<CacheEntry>>,
    )>();
    let file_changed = files.iter(world).any(|(s, h, c)| {
        newer(Some(s.last_changed()))
            || newer(h.map(|h| h.last_changed()))
            || newer(c.map(|c| c.last_changed()))
    });
    let mut queue = world.query::<Ref<QueueItem>>();
    file_changed || queue.iter(world).any(|q| newer(Some(q.last_changed())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let mut world = World::new();
        crate::schema::register_schema(&mut world);
        crate::index::init_resources(&mut world);
        crate::state::spawn_synthetic_files(&mut world, 3);
        world
    }

    #[test]
    fn nothing_changed_after_a_checkpoint_until_state_is_written() {
        let mut w = world();
        let since = checkpoint(&mut w);
        assert!(!changed_since(&mut w, since));
        w.resource_mut::<IndexingState>().done += 1;
        assert!(changed_since(&mut w, since));
        let since = checkpoint(&mut w);
        assert!(!changed_since(&mut w, since));
    }

    #[test]
    fn a_changed_cache_entry_or_a_removed_file_counts() {
        let mut w = world();
        let since = checkpoint(&mut w);
        let entity = *w.resource::<FileIndex>().0.values().next().unwrap();
        let entry = w.get::<CacheEntry>(entity).unwrap().clone();
        w.entity_mut(entity).insert(entry);
        assert!(changed_since(&mut w, since));
        let since = checkpoint(&mut w);
        let (path, entity) = w
            .resource::<FileIndex>()
            .0
            .iter()
            .next()
            .map(|(p, e)| (p.clone(), *e))
            .unwrap();
        w.resource_mut::<FileIndex>().0.remove(&path);
        w.despawn(entity);
        assert!(changed_since(&mut w, since));
    }
}
