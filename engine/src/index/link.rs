//! Resolving every cache entry's imports and rebuilding the dependency graph.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy_ecs::entity::Entity;
use bevy_ecs::world::World;
use omnysys_api::facts::{FileFacts, Import, ImportKind};
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
        if let Some(changed) = file.changed
            && let Some(mut entry) = world.get_mut::<CacheEntry>(file.entity)
        {
            // Copied only if a reader still holds the old facts; they keep what they hold.
            changed.apply(Arc::make_mut(&mut entry.facts));
        }
    }
    unresolved
}

/// One file resolved again, not yet written back.
struct Linked<'p> {
    entity: Entity,
    path: &'p str,
    /// The new resolutions, when they differ from the stored ones.
    changed: Option<Resolutions>,
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
            let facts = &world.get::<CacheEntry>(entity)?.facts;
            let resolved = Resolutions::of(path, facts, &resolver);
            let imports = || facts.imports.iter().zip(&resolved.imports);
            let misses = unresolved_locals(path, imports(), resolver.config);
            let edges = edges_of(path, imports(), files);
            Some(Linked {
                entity,
                path,
                changed: resolved.differs_from(facts).then_some(resolved),
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
            let imports = entry.facts.imports.iter().map(|i| (i, &i.resolved));
            let misses = unresolved_locals(&file.path, imports, &config);
            if !misses.is_empty() {
                all.0.insert(file.path.clone(), misses);
            }
        }
    }
    let count = all.count();
    world.insert_resource(all);
    count
}

/// What a file's imports and type aliases resolve to, in their order.
struct Resolutions {
    imports: Vec<Option<String>>,
    types: Vec<Option<String>>,
}

impl Resolutions {
    /// Resolves `facts`' imports and aliases (`@typedef {import("./x")} X`: like type imports,
    /// but never edges) from `path`.
    fn of(path: &str, facts: &FileFacts, resolver: &Resolver<'_>) -> Self {
        let imports = facts
            .imports
            .iter()
            .map(|i| resolver.resolve(path, &i.specifier, &i.names, i.kind))
            .collect();
        let types = facts
            .types
            .iter()
            .map(|alias| {
                let specifier = alias.specifier.as_deref()?;
                resolver.resolve(path, specifier, &[], ImportKind::Type)
            })
            .collect();
        Resolutions { imports, types }
    }

    /// Whether `facts` hold other resolutions.
    fn differs_from(&self, facts: &FileFacts) -> bool {
        let imports = facts.imports.iter().map(|i| &i.resolved);
        let types = facts.types.iter().map(|t| &t.resolved);
        !imports.eq(&self.imports) || !types.eq(&self.types)
    }

    /// Stores them into `facts`.
    fn apply(self, facts: &mut FileFacts) {
        for (import, resolved) in facts.imports.iter_mut().zip(self.imports) {
            import.resolved = resolved;
        }
        for (alias, resolved) in facts.types.iter_mut().zip(self.types) {
            alias.resolved = resolved;
        }
    }
}

/// `(line, specifier)` of the `imports` (each with its resolution) that are local and resolve to
/// nothing.
fn unresolved_locals<'a>(
    path: &str,
    imports: impl Iterator<Item = (&'a Import, &'a Option<String>)>,
    config: &ResolveConfig,
) -> Vec<(u32, String)> {
    imports
        .filter(|(i, resolved)| resolved.is_none() && is_local(path, &i.specifier, config))
        .map(|(i, _)| (i.line, i.specifier.clone()))
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
fn edges_of<'a>(
    path: &str,
    imports: impl Iterator<Item = (&'a Import, &'a Option<String>)>,
    files: &BTreeMap<String, Entity>,
) -> Vec<FileEdge> {
    let python = path.ends_with(".py") || path.ends_with(".pyi");
    let mut edges: BTreeMap<String, FileEdge> = BTreeMap::new();
    for (import, resolved) in imports {
        let Some(to) = resolved else { continue };
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
