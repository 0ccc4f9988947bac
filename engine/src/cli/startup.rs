//! Starting an engine from a tool set: locate (and build) plugins, load them as one batch.

use anyhow::{Context, bail};
use omnysys::reload::ReloadChange;
use omnysys::toolset::{LibraryLocator, PluginSource, load_toolset, workspace_root};
use omnysys::{Engine, EngineSettings};

use super::ProjectArgs;

/// An engine for `args.project` with the tool set's plugins loaded.
///
/// # Errors
///
/// A bad tool set, a failed build of a missing plugin, or a plugin that was refused.
pub fn start_engine(args: &ProjectArgs) -> anyhow::Result<Engine> {
    let file = args
        .toolset
        .clone()
        .unwrap_or_else(|| workspace_root().join("assets/toolsets/default.toolset.ron"));
    let toolset = load_toolset(&file)?;
    let locator = LibraryLocator::default();
    let crates: Vec<String> = toolset
        .plugins
        .iter()
        .filter_map(|p| {
            if let PluginSource::Crate(c) = p {
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
    let changes = toolset
        .plugins
        .iter()
        .map(|p| match p {
            PluginSource::Crate(c) => locator.library_of(c),
            PluginSource::Path(p) => p.clone(),
        })
        .map(|source| ReloadChange::Load {
            source,
            expect: None,
        })
        .collect();
    let report = engine.reload(changes);
    if !report.committed() {
        let reasons: Vec<String> = report
            .records
            .iter()
            .filter(|r| !r.reason.is_empty())
            .map(|r| format!("{}: {}", r.plugin, r.reason))
            .collect();
        bail!(
            "tool set {} did not load: {}",
            file.display(),
            reasons.join("; ")
        );
    }
    Ok(engine)
}
