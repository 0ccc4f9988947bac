//! The analysis queue: one `QueueItem` entity per file waiting, served by priority, then by
//! order of arrival.

use std::collections::HashMap;

use bevy_ecs::entity::Entity;
use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use omnysys_api::schema::{Priority, QueueItem, QueueReason};

/// Path → queue-item entity, and the next arrival number. Derived from the `QueueItem`
/// entities; every change to the queue goes through this module, which keeps it exact.
#[derive(Resource, Default, Debug)]
pub struct QueueIndex {
    by_path: HashMap<String, Entity>,
    next_seq: u64,
}

/// Queues `path`, or raises the priority of its queue item if it is already queued.
pub fn enqueue(world: &mut World, path: &str, priority: Priority, reason: QueueReason) {
    if let Some((entity, item)) = find(world, path) {
        if priority < item.priority {
            let mut item = item;
            item.priority = priority;
            item.reason = reason;
            world.entity_mut(entity).insert(item);
        }
        return;
    }
    let mut index = world.resource_mut::<QueueIndex>();
    let seq = index.next_seq;
    index.next_seq += 1;
    let entity = world
        .spawn(QueueItem {
            path: path.to_owned(),
            priority,
            reason,
            seq,
        })
        .id();
    world
        .resource_mut::<QueueIndex>()
        .by_path
        .insert(path.to_owned(), entity);
}

/// The queue item of `path`, if queued.
pub fn find(world: &World, path: &str) -> Option<(Entity, QueueItem)> {
    let entity = *world.get_resource::<QueueIndex>()?.by_path.get(path)?;
    world.get::<QueueItem>(entity).map(|i| (entity, i.clone()))
}

/// Number of queued files.
pub fn len(world: &World) -> usize {
    world
        .get_resource::<QueueIndex>()
        .map_or(0, |i| i.by_path.len())
}

/// Number of queued files, by priority.
pub fn counts(world: &World) -> [usize; 4] {
    let mut counts = [0; 4];
    if let Some(mut q) = world.try_query::<&QueueItem>() {
        for item in q.iter(world) {
            counts[item.priority as usize] += 1;
        }
    }
    counts
}

/// Removes and returns up to `n` items, most urgent first.
pub fn take(world: &mut World, n: usize) -> Vec<QueueItem> {
    let mut items: Vec<(Entity, QueueItem)> = match world.try_query::<(Entity, &QueueItem)>() {
        Some(mut q) => q.iter(world).map(|(e, i)| (e, i.clone())).collect(),
        None => Vec::new(),
    };
    items.sort_by_key(|(_, i)| (i.priority, i.seq));
    items.truncate(n);
    remove(world, items)
}

/// Removes and returns the queue items of `paths`.
pub fn take_paths(world: &mut World, paths: &[String]) -> Vec<QueueItem> {
    let found: Vec<(Entity, QueueItem)> = paths.iter().filter_map(|p| find(world, p)).collect();
    remove(world, found)
}

fn remove(world: &mut World, items: Vec<(Entity, QueueItem)>) -> Vec<QueueItem> {
    for (entity, item) in &items {
        world.despawn(*entity);
        world
            .resource_mut::<QueueIndex>()
            .by_path
            .remove(&item.path);
    }
    items.into_iter().map(|(_, i)| i).collect()
}

/// Rebuilds the index from the `QueueItem` entities (after a snapshot is restored).
pub fn rebuild_index(world: &mut World) {
    let items: Vec<(Entity, String, u64)> = match world.try_query::<(Entity, &QueueItem)>() {
        Some(mut q) => q
            .iter(world)
            .map(|(e, i)| (e, i.path.clone(), i.seq))
            .collect(),
        None => Vec::new(),
    };
    let next_seq = items.iter().map(|(_, _, s)| s + 1).max().unwrap_or(0);
    let by_path = items.into_iter().map(|(e, p, _)| (p, e)).collect();
    *world.resource_mut::<QueueIndex>() = QueueIndex { by_path, next_seq };
}
