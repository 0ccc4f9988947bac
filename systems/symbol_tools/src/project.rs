//! A read-only view of the indexed project: each file's facts, the import graph, and symbol
//! look-ups that fail with the errors every tool shares.

use omnysys_api::paths::known_file;
use omnysys_api::prelude::*;

pub use tool_support::{MAX_ENTRIES, Page, PageRequest, cap, paginate, unknown_symbol};

/// The project as the tools see it: files with their facts, and the dependency graph.
#[derive(Clone, Copy)]
pub struct Project<'w> {
    world: &'w World,
}

impl<'w> Project<'w> {
    /// A view of `world`.
    pub fn new(world: &'w World) -> Self {
        Project { world }
    }

    /// The facts of `path`, when the file is known and analysed.
    pub fn facts(&self, path: &str) -> Option<&'w FileFacts> {
        let entity = *self.world.get_resource::<FileIndex>()?.0.get(path)?;
        self.world.get::<CacheEntry>(entity).map(|e| &*e.facts)
    }

    /// Every analysed file with its facts, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&'w str, &'w FileFacts)> + 'w {
        let world = self.world;
        world
            .get_resource::<FileIndex>()
            .into_iter()
            .flat_map(|index| index.0.iter())
            .filter_map(move |(path, entity)| {
                let entry = world.get::<CacheEntry>(*entity)?;
                Some((path.as_str(), &*entry.facts))
            })
    }

    /// The file-level import graph (empty when the engine has not built one yet).
    pub fn graph(&self) -> Option<&'w DependencyGraph> {
        self.world.get_resource::<DependencyGraph>()
    }

    /// Checks a client path and returns it normalized, with the file's facts.
    ///
    /// # Errors
    ///
    /// "outside the project", not found with the closest paths, or a failure when the file is
    /// known but has no facts yet.
    pub fn file(&self, raw: &str) -> Result<(String, &'w FileFacts), ToolError> {
        let path = known_file(self.world, raw)?;
        match self.facts(&path) {
            Some(facts) => Ok((path, facts)),
            None => Err(ToolError::failed(format!(
                "`{path}` has not been analysed yet; ask again once indexing is done"
            ))),
        }
    }
}

/// True when `facts` defines a symbol named exactly `name`.
pub fn defines(facts: &FileFacts, name: &str) -> bool {
    facts.symbols.iter().any(|s| s.name == name)
}

/// The part of a symbol name after its class (`m` for `Class.m`).
pub fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The symbol `name` of `file`: an exact name, else the only method whose short name is `name`.
///
/// # Errors
///
/// Not found, with the closest symbol and export names of the file.
pub fn find_symbol<'f>(
    facts: &'f FileFacts,
    file: &str,
    name: &str,
) -> Result<&'f Symbol, ToolError> {
    if let Some(symbol) = facts.symbols.iter().find(|s| s.name == name) {
        return Ok(symbol);
    }
    let mut by_short = facts.symbols.iter().filter(|s| short_name(&s.name) == name);
    match (by_short.next(), by_short.next()) {
        (Some(only), None) => Ok(only),
        _ => Err(unknown_symbol(facts, file, name)),
    }
}

/// The names under which `file` exports its symbol `symbol` (`default` included).
pub fn exported_as(facts: &FileFacts, symbol: &str) -> Vec<String> {
    facts
        .exports
        .iter()
        .filter(|e| e.local.as_deref().unwrap_or(&e.name) == symbol)
        .map(|e| e.name.clone())
        .collect()
}
