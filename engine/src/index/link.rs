//! Resolving every cache entry's imports and rebuilding the dependency graph.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy_ecs::entity::Entity;
use bevy_ecs::world::World;
use omnysys_api::facts::{FileFacts, ImportKind};
use omnysys_api::graph::{DependencyGraph, FileEdge};
use omnysys_api::schema::{CacheEntry, FileIndex, SourceFile, UnresolvedImports};

use super::manifests::ResolveConfig;
use super::resolve::{Resolver, python_submodules};

/// Resolves imports of every file and rebuilds the graph; returns the number of local imports
/// that resolved to no file.
pub fn link_all(world: &mut World) -> usize {
    world.insert_resource(RelinkPending(false));
    world.insert_resource(UnresolvedImports::default());
    let paths: Vec<String> = world.resource::<FileIndex>().0.keys().cloned().collect();
    world.resource_mut::<DependencyGraph>().clear();
    link_files(world, &paths)
}

/// Resolves the imports of `paths` and replaces their outgoing edges (each file in one step);
/// returns the number of local imports that resolved to no file.
pub fn link_files(world: &mut World, paths: &[String]) -> usize {
    let linked = resolve_files(world, paths);
    let mut unresolved = 0;
    for file in linked {
        unresolved += file.misses.len();
        record_unresolved(world, file.path, file.misses);
        world
            .resource_mut::<DependencyGraph>()
            .set_edges(file.path, file.edges);
        world.entity_mut(file.entity).insert(file.entry);
    }
    unresolved
}

/// One file resolved again, not yet written back.
struct Linked<'p> {
    entity: Entity,
    path: &'p str,
    entry: CacheEntry,
    misses: Vec<(u32, String)>,
    edges: Vec<FileEdge>,
}

fn resolve_files<'p>(world: &World, paths: &'p [String]) -> Vec<Linked<'p>> {
    let default_config = ResolveConfig::default();
    let files = &world.resource::<FileIndex>().0;
    let resolver = Resolver {
        files,
        config: world
            .get_resource::<ResolveConfig>()
            .unwrap_or(&default_config),
    };
    paths
        .iter()
        .filter_map(|path| {
            let entity = files.get(path).copied()?;
            let entry = world.get::<CacheEntry>(entity)?.clone();
            let (entry, misses) = resolve_entry(path, entry, &resolver);
            let edges = edges_of(path, &entry, files);
            Some(Linked {
                entity,
                path,
                entry,
                misses,
                edges,
            })
        })
        .collect()
}

/// Set when files appeared or vanished during a pass: another file's import may now find (or
/// lose) its target, so the whole graph is linked again once, when the pass ends.
#[derive(bevy_ecs::resource::Resource, Default)]
pub struct RelinkPending(pub bool);

/// Asks for the whole graph to be linked again when the current pass ends.
pub fn mark_relink(world: &mut World) {
    world.insert_resource(RelinkPending(true));
}

/// Whether a relink of the whole graph waits for the end of the pass.
pub fn relink_pending(world: &World) -> bool {
    world.get_resource::<RelinkPending>().is_some_and(|p| p.0)
}

/// Links the whole project if the file set changed and the queue is empty; returns whether it did.
pub fn relink_if_pass_done(world: &mut World, queued: usize) -> bool {
    let pending = world.get_resource::<RelinkPending>().is_some_and(|p| p.0);
    if !pending || queued > 0 {
        return false;
    }
    link_all(world);
    true
}

/// Rebuilds [`UnresolvedImports`] from the stored resolutions (a warm start links nothing);
/// returns how many there are.
pub fn refresh_unresolved(world: &mut World) -> usize {
    let config = world
        .get_resource::<ResolveConfig>()
        .cloned()
        .unwrap_or_default();
    let mut all = UnresolvedImports::default();
    if let Some(mut query) = world.try_query::<(&SourceFile, &CacheEntry)>() {
        for (file, entry) in query.iter(world) {
            let misses = unresolved_locals(&file.path, &entry.facts, &config);
            if !misses.is_empty() {
                all.0.insert(file.path.clone(), misses);
            }
        }
    }
    let count = all.count();
    world.insert_resource(all);
    count
}

/// The entry with its imports resolved again, and its local imports that found no file.
fn resolve_entry(
    path: &str,
    mut entry: CacheEntry,
    resolver: &Resolver<'_>,
) -> (CacheEntry, Vec<(u32, String)>) {
    let mut facts = (*entry.facts).clone();
    for import in &mut facts.imports {
        import.resolved = resolver.resolve(path, &import.specifier, &import.names, import.kind);
    }
    // Type aliases (`@typedef {import("./x")} X`) resolve like type imports but are no edges.
    for alias in &mut facts.types {
        alias.resolved = alias
            .specifier
            .as_deref()
            .and_then(|s| resolver.resolve(path, s, &[], ImportKind::Type));
    }
    let misses = unresolved_locals(path, &facts, resolver.config);
    if facts != *entry.facts {
        entry.facts = Arc::new(facts);
    }
    (entry, misses)
}

/// `(line, specifier)` of the imports of `facts` that are local and resolve to nothing.
fn unresolved_locals(path: &str, facts: &FileFacts, config: &ResolveConfig) -> Vec<(u32, String)> {
    facts
        .imports
        .iter()
        .filter(|i| i.resolved.is_none() && is_local(path, &i.specifier, config))
        .map(|i| (i.line, i.specifier.clone()))
        .collect()
}

/// Records `path`'s unresolved local imports (none: no record).
fn record_unresolved(world: &mut World, path: &str, misses: Vec<(u32, String)>) {
    let mut unresolved = world.resource_mut::<UnresolvedImports>();
    if misses.is_empty() {
        unresolved.0.remove(path);
    } else {
        unresolved.0.insert(path.to_owned(), misses);
    }
}

/// The file's edges: one per imported file, with the names and kinds of every import of it; a
/// Python import of a package's `__init__` also reaches the submodules it names.
fn edges_of(path: &str, entry: &CacheEntry, files: &BTreeMap<String, Entity>) -> Vec<FileEdge> {
    let python = path.ends_with(".py") || path.ends_with(".pyi");
    let mut edges: BTreeMap<String, FileEdge> = BTreeMap::new();
    for import in &entry.facts.imports {
        let Some(to) = &import.resolved else { continue };
        let mut targets = vec![(to.clone(), import.names.clone())];
        if python {
            let submodules = python_submodules(to, &import.names, files);
            targets.extend(
                submodules
                    .into_iter()
                    .map(|(name, file)| (file, vec![name])),
            );
        }
        for (to, names) in targets.into_iter().filter(|(to, _)| to != path) {
            let edge = edges.entry(to.clone()).or_insert_with(|| FileEdge {
                from: path.to_owned(),
                to,
                names: Default::default(),
                kinds: Default::default(),
            });
            edge.names.extend(names);
            edge.kinds.insert(import.kind);
        }
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
