//! Classifying a changed path, as the README's table says.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// What a changed path is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum ChangeClass {
    /// The library of a loaded tool plugin.
    ToolPlugin {
        /// Plugin name.
        plugin: String,
    },
    /// The library of a loaded extractor plugin.
    ExtractorPlugin {
        /// Plugin name.
        plugin: String,
    },
    /// The tool-set file in force.
    Toolset,
    /// A source file of a workspace plugin crate.
    PluginSource {
        /// The crate.
        krate: String,
    },
    /// A source file of an engine crate (`engine/`, `engine/api`, `engine/cli`,
    /// `engine/harness`) or the workspace's `Cargo.toml`/`Cargo.lock`: critical, the engine
    /// binary (and, after an API change, every plugin) is rebuilt and a new engine takes over.
    EngineSource {
        /// The crate directory relative to the workspace (`engine/api`), or `workspace` for
        /// the root manifest and lock file.
        krate: String,
    },
    /// The engine's own binary.
    Engine,
    /// A rollback request dropped into the control directory by `omnysys rollback`.
    RollbackRequest,
    /// Anything else.
    Other,
}

/// What the watcher knows when it classifies a batch.
#[derive(Clone, Debug, Default)]
pub struct WatchContext {
    /// `(library source path, plugin name, serves extractors)` of each loaded plugin.
    pub libraries: Vec<(PathBuf, String, bool)>,
    /// The tool-set file in force.
    pub toolset: Option<PathBuf>,
    /// The engine binary.
    pub engine_binary: Option<PathBuf>,
    /// `(crate directory, crate name)` of each workspace plugin crate.
    pub crate_dirs: Vec<(PathBuf, String)>,
    /// Where `omnysys rollback` drops requests (`<state dir>/control`).
    pub control_dir: Option<PathBuf>,
    /// The workspace whose engine sources are watched (none outside a workspace).
    pub workspace: Option<PathBuf>,
}

/// The engine crates below the workspace root; `engine` itself holds the others.
pub const ENGINE_CRATES: [&str; 4] = ["engine/api", "engine/cli", "engine/harness", "engine"];

/// The directory below the workspace root that holds every engine crate (watched recursively).
pub const WATCH_ENGINE_DIR: &str = "engine";

/// The workspace files whose change rebuilds everything.
pub const WORKSPACE_FILES: [&str; 2] = ["Cargo.toml", "Cargo.lock"];

/// Classifies `path`.
pub fn classify(path: &Path, ctx: &WatchContext) -> ChangeClass {
    if let Some((_, plugin, extractor)) = ctx.libraries.iter().find(|(p, _, _)| p == path) {
        let plugin = plugin.clone();
        return if *extractor {
            ChangeClass::ExtractorPlugin { plugin }
        } else {
            ChangeClass::ToolPlugin { plugin }
        };
    }
    if ctx.toolset.as_deref() == Some(path) {
        return ChangeClass::Toolset;
    }
    if ctx.engine_binary.as_deref() == Some(path) {
        return ChangeClass::Engine;
    }
    if ctx
        .control_dir
        .as_deref()
        .is_some_and(|d| path == d.join(super::control::ROLLBACK_FILE))
    {
        return ChangeClass::RollbackRequest;
    }
    let is_source = path.extension().is_some_and(|e| e == "rs" || e == "toml");
    if let Some(krate) = ctx
        .workspace
        .as_deref()
        .and_then(|ws| engine_crate_of(path, ws, is_source))
    {
        return ChangeClass::EngineSource { krate };
    }
    match ctx.crate_dirs.iter().find(|(dir, _)| path.starts_with(dir)) {
        Some((_, krate)) if is_source => ChangeClass::PluginSource {
            krate: krate.clone(),
        },
        _ => ChangeClass::Other,
    }
}

/// The engine crate `path` is a source of (`workspace` for the root manifest and lock file).
fn engine_crate_of(path: &Path, workspace: &Path, is_source: bool) -> Option<String> {
    let relative = path.strip_prefix(workspace).ok()?;
    if WORKSPACE_FILES.iter().any(|f| relative == Path::new(f)) {
        return Some("workspace".to_owned());
    }
    let krate = ENGINE_CRATES.iter().find(|dir| relative.starts_with(dir))?;
    is_source.then(|| (*krate).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_class_of_change_is_recognised() {
        let ctx = WatchContext {
            libraries: vec![
                ("/t/libg.so".into(), "graph_tools".into(), false),
                ("/t/libj.so".into(), "js".into(), true),
            ],
            toolset: Some("/a/default.toolset.ron".into()),
            engine_binary: Some("/t/omnysys".into()),
            crate_dirs: vec![("/w/systems/graph_tools".into(), "graph_tools".into())],
            control_dir: Some("/p/.omnysys/control".into()),
            workspace: Some("/w".into()),
        };
        let c = |p: &str| classify(Path::new(p), &ctx);
        assert_eq!(
            c("/t/libg.so"),
            ChangeClass::ToolPlugin {
                plugin: "graph_tools".into()
            }
        );
        assert_eq!(
            c("/t/libj.so"),
            ChangeClass::ExtractorPlugin {
                plugin: "js".into()
            }
        );
        assert_eq!(c("/a/default.toolset.ron"), ChangeClass::Toolset);
        assert_eq!(c("/t/omnysys"), ChangeClass::Engine);
        assert_eq!(
            c("/w/systems/graph_tools/src/impact.rs"),
            ChangeClass::PluginSource {
                krate: "graph_tools".into()
            }
        );
        assert_eq!(c("/w/systems/graph_tools/notes.txt"), ChangeClass::Other);
        let engine = |krate: &str| ChangeClass::EngineSource {
            krate: krate.into(),
        };
        assert_eq!(c("/w/engine/src/status.rs"), engine("engine"));
        assert_eq!(c("/w/engine/api/src/schema.rs"), engine("engine/api"));
        assert_eq!(c("/w/engine/cli/Cargo.toml"), engine("engine/cli"));
        assert_eq!(c("/w/Cargo.lock"), engine("workspace"));
        assert_eq!(c("/w/Cargo.toml"), engine("workspace"));
        assert_eq!(c("/w/engine/README.md"), ChangeClass::Other);
        assert_eq!(c("/w/tests/build.rs"), ChangeClass::Other);
        assert_eq!(c("/t/libother.so"), ChangeClass::Other);
        assert_eq!(
            c("/p/.omnysys/control/rollback"),
            ChangeClass::RollbackRequest
        );
    }
}
