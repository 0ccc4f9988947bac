//! Resolving every cache entry's imports and rebuilding the dependency graph.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy_ecs::world::World;
use omnysys_api::graph::{DependencyGraph, FileEdge};
use omnysys_api::schema::{CacheEntry, FileIndex};

use super::manifests::ResolveConfig;
use super::resolve::Resolver;

/// Resolves imports of every file and rebuilds the graph; returns the number of local imports
/// that resolved to no file.
pub fn link_all(world: &mut World) -> usize {
    let paths: Vec<String> = world.resource::<FileIndex>().0.keys().cloned().collect();
    *world.resource_mut::<DependencyGraph>() = DependencyGraph::default();
    link_files(world, &paths)
}

/// Resolves the imports of `paths` and replaces their outgoing edges (each file in one step);
/// returns the number of local imports that resolved to no file.
pub fn link_files(world: &mut World, paths: &[String]) -> usize {
    let files = world.resource::<FileIndex>().0.clone();
    let config = world
        .get_resource::<ResolveConfig>()
        .cloned()
        .unwrap_or_default();
    let resolver = Resolver {
        files: &files,
        config: &config,
    };
    let mut unresolved = 0;
    for path in paths {
        let Some(entity) = files.get(path).copied() else {
            continue;
        };
        let Some(entry) = world.get::<CacheEntry>(entity).cloned() else {
            continue;
        };
        let (entry, misses) = resolve_entry(path, entry, &resolver);
        unresolved += misses;
        world
            .resource_mut::<DependencyGraph>()
            .set_edges(path, edges_of(path, &entry));
        world.entity_mut(entity).insert(entry);
    }
    unresolved
}

fn resolve_entry(
    path: &str,
    mut entry: CacheEntry,
    resolver: &Resolver<'_>,
) -> (CacheEntry, usize) {
    let mut facts = (*entry.facts).clone();
    let mut misses = 0;
    for import in &mut facts.imports {
        import.resolved = resolver.resolve(path, &import.specifier, &import.names, import.kind);
        if import.resolved.is_none() && is_local(path, &import.specifier, resolver.config) {
            misses += 1;
        }
    }
    if facts != *entry.facts {
        entry.facts = Arc::new(facts);
    }
    (entry, misses)
}

fn edges_of(path: &str, entry: &CacheEntry) -> Vec<FileEdge> {
    let mut edges: BTreeMap<String, FileEdge> = BTreeMap::new();
    for import in &entry.facts.imports {
        let Some(to) = &import.resolved else { continue };
        if to == path {
            continue;
        }
        let edge = edges.entry(to.clone()).or_insert_with(|| FileEdge {
            from: path.to_owned(),
            to: to.clone(),
            names: Default::default(),
            kinds: Default::default(),
        });
        edge.names.extend(import.names.iter().cloned());
        edge.kinds.insert(import.kind);
    }
    edges.into_values().collect()
}

/// Whether a specifier names a project file (so failing to resolve it is worth reporting).
fn is_local(from: &str, specifier: &str, config: &ResolveConfig) -> bool {
    if from.ends_with(".rs") {
        specifier.starts_with("crate::")
            || specifier.starts_with("super")
            || specifier.starts_with("self::")
    } else {
        specifier.starts_with('.') || config.claims(from, specifier)
    }
}
