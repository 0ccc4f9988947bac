//! `omnysys index`: index once (from the snapshot, if any), write a snapshot, print what was
//! found.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use omnysys_api::schema::{CacheEntry, SourceFile};

use super::ProjectArgs;
use super::progress::ProgressBar;
use omnysys_engine::Engine;
use omnysys_engine::index::IndexReport;
use omnysys_engine::startup::start_engine;

/// Indexes and prints a summary.
///
/// # Errors
///
/// Start-up failures.
pub fn run(args: &ProjectArgs) -> anyhow::Result<ExitCode> {
    let mut bar = ProgressBar::on_stderr("indexing");
    let (mut engine, report) = index_once(args, |done, total| bar.update(done, total))?;
    bar.finish();
    let snapshot = engine.write_snapshot();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "indexed {} in {:.3} s",
        engine.settings().project.display(),
        report.elapsed.as_secs_f64()
    )?;
    for (extractor, files) in files_per_extractor(engine.world_mut()) {
        writeln!(out, "  {extractor}: {files} files")?;
    }
    writeln!(
        out,
        "files {}, extracted {}, unchanged {}, edges {}, unresolved local imports {}",
        report.files, report.extracted, report.unchanged, report.edges, report.unresolved
    )?;
    for (path, reason) in &report.failed {
        writeln!(out, "  not analysed: {path}: {reason}")?;
    }
    match snapshot {
        Ok(path) => writeln!(out, "snapshot {}", path.display())?,
        Err(e) => writeln!(out, "no snapshot: {e}")?,
    }
    writeln!(
        out,
        "facts digest {}",
        omnysys_engine::state::facts_digest(engine.world())
    )?;
    engine.end_before_exit();
    Ok(ExitCode::SUCCESS)
}

/// An engine that indexed the project once, for a command that ends after it: nobody will ask
/// for its status, so it publishes no state digest.
fn index_once(
    args: &ProjectArgs,
    progress: impl FnMut(u64, u64),
) -> anyhow::Result<(Engine, IndexReport)> {
    let mut engine = start_engine(&args.options())?;
    engine.unpublish_state_digest();
    let report = engine.index_project_with(progress);
    Ok((engine, report))
}

fn files_per_extractor(world: &mut bevy_ecs::world::World) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let mut q = world.query::<(&SourceFile, &CacheEntry)>();
    for (_, entry) in q.iter(world) {
        *counts.entry(entry.extractor.clone()).or_insert(0) += 1;
    }
    counts
}

/// Indexes and prints the file→file import graph as JSON: every indexed file with the sorted
/// list of project files it imports (type-only imports included).
///
/// # Errors
///
/// Start-up failures.
pub fn graph(args: &ProjectArgs) -> anyhow::Result<ExitCode> {
    let (engine, _) = index_once(args, |_, _| {})?;
    let files = engine
        .world()
        .resource::<omnysys_api::schema::FileIndex>()
        .0
        .keys()
        .cloned()
        .collect::<Vec<_>>();
    let graph = engine
        .world()
        .resource::<omnysys_api::graph::DependencyGraph>();
    let map: BTreeMap<String, Vec<String>> = files
        .into_iter()
        .map(|f| {
            let deps = graph.dependencies(&f).map(|e| e.to.clone()).collect();
            (f, deps)
        })
        .collect();
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(&map)?
    )?;
    engine.end_before_exit();
    Ok(ExitCode::SUCCESS)
}
