//! A read-only view of the indexed project: each file's facts and the import graph, with the
//! path checks every tool shares.

use std::borrow::Cow;

use omnysys_api::paths::known_file;
use omnysys_api::prelude::*;

/// The project as the tools see it: files with their facts, and the dependency graph.
#[derive(Clone, Copy)]
pub struct Project<'w> {
    world: &'w World,
    /// The world's file index, looked up once: tools ask for files thousands of times a call.
    index: Option<&'w FileIndex>,
    stop: Stop<'w>,
}

impl<'w> Project<'w> {
    /// A view of `world`.
    pub fn new(world: &'w World) -> Self {
        Project {
            world,
            index: world.get_resource::<FileIndex>(),
            stop: Stop::never(),
        }
    }

    /// The view a tool works through: its iterations over the project end once the call must
    /// stop (the tool's wrapper then answers with the stop, never with the partial result).
    pub fn of(ctx: &ToolContext<'w>) -> Self {
        Project {
            stop: ctx.stop(),
            ..Project::new(ctx.world())
        }
    }

    /// When the call this view serves must stop.
    pub fn stop(&self) -> Stop<'w> {
        self.stop
    }

    /// Whether `file`'s import of `specifier` at `line` is local yet resolves to no file, as the
    /// engine's resolver judged it (tsconfig aliases and workspace packages included).
    pub fn is_unresolved_local(&self, file: &str, line: u32, specifier: &str) -> bool {
        self.world
            .get_resource::<UnresolvedImports>()
            .is_some_and(|u| u.contains(file, line, specifier))
    }

    /// The cache entry (facts and extractor) of `path`, when the file is known and analysed.
    pub fn entry(&self, path: &str) -> Option<&'w CacheEntry> {
        self.entry_of(*self.index?.0.get(path)?)
    }

    /// The cache entry of the file entity `entity`.
    fn entry_of(&self, entity: Entity) -> Option<&'w CacheEntry> {
        self.world.get::<CacheEntry>(entity)
    }

    /// The facts of `path`, when the file is known and analysed.
    pub fn facts(&self, path: &str) -> Option<&'w FileFacts> {
        self.entry(path).map(|e| &*e.facts)
    }

    /// Every indexed path, analysed or not, in path order.
    pub fn paths(&self) -> impl Iterator<Item = &'w str> + 'w {
        let stop = self.stop;
        self.index
            .into_iter()
            .flat_map(|i| i.0.keys().map(String::as_str))
            .take_while(move |_| !stop.stopped())
    }

    /// Whether `path` is in the index.
    pub fn is_known(&self, path: &str) -> bool {
        self.index.is_some_and(|i| i.0.contains_key(path))
    }

    /// Every analysed file with its facts, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&'w str, &'w FileFacts)> + 'w {
        let (this, stop) = (*self, self.stop);
        self.index
            .into_iter()
            .flat_map(|i| i.0.iter())
            .take_while(move |_| !stop.stopped())
            .filter_map(move |(path, &entity)| {
                Some((path.as_str(), &*this.entry_of(entity)?.facts))
            })
    }

    /// The file-level import graph (empty when the engine has not built one yet).
    pub fn graph(&self) -> Cow<'w, DependencyGraph> {
        match self.world.get_resource::<DependencyGraph>() {
            Some(graph) => Cow::Borrowed(graph),
            None => Cow::Owned(DependencyGraph::default()),
        }
    }

    /// Checks a client path and returns it normalized.
    ///
    /// # Errors
    ///
    /// "outside the project", or not found with the closest paths.
    pub fn path(&self, raw: &str) -> Result<String, ToolError> {
        known_file(self.world, raw)
    }

    /// Checks a client path and returns it normalized, with the file's facts.
    ///
    /// # Errors
    ///
    /// As [`Project::path`], or a failure when the file is known but has no facts yet.
    pub fn file(&self, raw: &str) -> Result<(String, &'w FileFacts), ToolError> {
        let path = self.path(raw)?;
        match self.facts(&path) {
            Some(facts) => Ok((path, facts)),
            None => Err(ToolError::failed(format!(
                "`{path}` has not been analysed yet; ask again once indexing is done"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn a_stopped_call_sees_no_more_files_and_a_running_one_sees_them_all() {
        let world = crate::testing::js_basic_world();
        let all = Project::new(&world).files().count();
        assert!(all > 3, "{all}");
        let running = crate::testing::context(&world, "t");
        assert_eq!(Project::of(&running).files().count(), all);
        let past = Stop::new(Instant::now(), Some(Duration::ZERO), None);
        let stopped = crate::testing::context(&world, "t").with_stop(past);
        assert_eq!(Project::of(&stopped).files().count(), 0);
        assert!(stopped.check().is_err());
    }
}
