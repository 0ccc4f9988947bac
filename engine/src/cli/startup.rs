//! Starting an engine from a tool set: locate (and build) plugins, load them as one batch.

use anyhow::{Context, bail};
use omnysys::toolset::{
    LibraryLocator, PluginSource, Toolset, load_changes, load_toolset, workspace_root,
};
use omnysys::{Engine, EngineSettings};

use super::ProjectArgs;

/// The tool set named on the command line, or the workspace's default.
///
/// # Errors
///
/// A tool set that cannot be read or is invalid (the message has file:line:column).
pub fn read_toolset(args: &ProjectArgs) -> anyhow::Result<Toolset> {
    let file = args
        .toolset
        .clone()
        .unwrap_or_else(|| workspace_root().join("assets/toolsets/default.toolset.ron"));
    Ok(load_toolset(&file)?)
}

/// An engine for `args.project` with the tool set's plugins loaded.
///
/// # Errors
///
/// A bad tool set, a failed build of a missing plugin, or a plugin that was refused.
pub fn start_engine(args: &ProjectArgs) -> anyhow::Result<Engine> {
    let toolset = read_toolset(args)?;
    let locator = LibraryLocator::default();
    let crates: Vec<String> = toolset
        .plugins
        .iter()
        .filter_map(|p| {
            if let PluginSource::Crate(c) = &p.source {
                Some(c.clone())
            } else {
                None
            }
        })
        .collect();
    locator.build_missing(&crates).map_err(anyhow::Error::msg)?;
    let project = args
        .project
        .canonicalize()
        .with_context(|| format!("project `{}`", args.project.display()))?;
    let mut engine = Engine::new(EngineSettings::for_project(project))?;
    // State first, so plugin-owned state migrates when the plugins load.
    engine.restore_snapshot();
    let report = engine.reload(load_changes(&toolset, &locator));
    if !report.committed() {
        let reasons: Vec<String> = report
            .records
            .iter()
            .filter(|r| !r.reason.is_empty())
            .map(|r| format!("{}: {}", r.plugin, r.reason))
            .collect();
        let located = omnysys::toolset::locate_reason(&toolset.file, &reasons.join("; "));
        bail!("tool set did not load: {located}");
    }
    engine.set_toolset(toolset);
    Ok(engine)
}

/// An engine as [`start_engine`] makes it, with the project indexed (the tool set's index
/// settings applied).
///
/// # Errors
///
/// As [`start_engine`].
pub fn start_indexed(args: &ProjectArgs) -> anyhow::Result<(Engine, omnysys::index::IndexReport)> {
    start_indexed_with(args, |_, _| {})
}

/// As [`start_indexed`], calling `progress(done, total)` as files are analysed.
///
/// # Errors
///
/// As [`start_engine`].
pub fn start_indexed_with(
    args: &ProjectArgs,
    progress: impl FnMut(u64, u64),
) -> anyhow::Result<(Engine, omnysys::index::IndexReport)> {
    let mut engine = start_engine(args)?;
    let report = engine.index_project_with(progress);
    Ok((engine, report))
}
