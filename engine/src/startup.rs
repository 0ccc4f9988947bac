//! Starting an engine from a tool set: locate (and build) its plugins, restore the project's
//! snapshot, load the plugins as one batch — what `serve`, `call`, `index` and the benchmarks
//! all do first.

use std::path::{Path, PathBuf};

use crate::engine::{Engine, EngineError, EngineSettings};
use crate::index::IndexReport;
use crate::toolset::{
    LibraryLocator, PluginSource, Toolset, ToolsetError, load_changes, load_toolset, locate_reason,
    no_workspace, running_workspace,
};

/// Why an engine did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The tool set cannot be read or is invalid (the message has file:line:column).
    #[error(transparent)]
    Toolset(#[from] ToolsetError),
    /// A missing plugin could not be built.
    #[error("{0}")]
    Build(String),
    /// The project directory does not exist or cannot be read.
    #[error("project `{0}`: {1}")]
    Project(PathBuf, std::io::Error),
    /// The engine could not be created.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A plugin of the tool set was refused.
    #[error("tool set did not load: {0}")]
    Refused(String),
}

/// Where to work and what to load.
#[derive(Clone, Debug)]
pub struct StartOptions {
    /// The project.
    pub project: PathBuf,
    /// The tool set; `None`: the workspace's `assets/toolsets/default.toolset.ron`.
    pub toolset: Option<PathBuf>,
}

/// The tool set named, or the workspace's default.
///
/// # Errors
///
/// A tool set that cannot be read or is invalid (the message has file:line:column), or none
/// named by a binary that is not inside its workspace.
pub fn read_toolset(toolset: Option<&Path>) -> Result<Toolset, ToolsetError> {
    let file = match toolset {
        Some(file) => file.to_path_buf(),
        None => running_workspace()
            .ok_or_else(|| ToolsetError::NoDefault(no_workspace("default tool set")))?
            .join(crate::toolset::DEFAULT_TOOLSET),
    };
    load_toolset(&file)
}

/// An engine for the project with the tool set's plugins loaded (missing crate libraries built
/// first) and the project's snapshot restored before them, so plugin state migrates.
///
/// # Errors
///
/// A bad tool set, a failed build of a missing plugin, a missing project, or a refused plugin.
pub fn start_engine(options: &StartOptions) -> Result<Engine, StartError> {
    let toolset = read_toolset(options.toolset.as_deref())?;
    let locator = LibraryLocator::default();
    let crates: Vec<String> = toolset
        .plugins
        .iter()
        .filter_map(|p| match &p.source {
            PluginSource::Crate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    locator.build_missing(&crates).map_err(StartError::Build)?;
    let project = options
        .project
        .canonicalize()
        .map_err(|e| StartError::Project(options.project.clone(), e))?;
    let mut engine = Engine::new(EngineSettings::for_project(project))?;
    engine.restore_snapshot();
    if let Some(quarantine) = crate::plugin::quarantine::Quarantine::from_env() {
        engine.world_mut().insert_resource(quarantine);
    }
    let report = engine.reload(load_changes(&toolset, &locator));
    if !report.committed() {
        let reasons: Vec<String> = report
            .records
            .iter()
            .filter(|r| !r.reason.is_empty())
            .map(|r| format!("{}: {}", r.plugin, r.reason))
            .collect();
        return Err(StartError::Refused(locate_reason(
            &toolset.file,
            &reasons.join("; "),
        )));
    }
    engine.set_toolset(toolset);
    Ok(engine)
}

/// As [`start_engine`], then the project indexed, calling `progress(done, total)` as files are
/// analysed.
///
/// # Errors
///
/// As [`start_engine`].
pub fn start_indexed(
    options: &StartOptions,
    progress: impl FnMut(u64, u64),
) -> Result<(Engine, IndexReport), StartError> {
    let mut engine = start_engine(options)?;
    let report = engine.index_project_with(progress);
    Ok((engine, report))
}
