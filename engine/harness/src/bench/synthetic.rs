//! `omnysys bench synthetic`: a generated JavaScript project of N files (default 50 000):
//! cold index (in process), peak RSS, warm start from the snapshot, and the restart baseline
//! (a new `omnysys index` process indexing from scratch, what restart-on-change servers pay on
//! every change) beside one hot swap of the extractor.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use omnysys_engine::reload::ReloadChange;
use omnysys_engine::toolset::LibraryLocator;
use omnysys_engine::{Engine, EngineSettings};

use super::{BenchArgs, fmt};

/// Prints the table.
///
/// # Errors
///
/// When the project cannot be written or the engine fails.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("omnysys-bench-synthetic-{}", std::process::id()));
    let files = args.files;
    crate::synthetic::write_javascript_project(&dir, files)?;
    let (cold, edges, _, cold_time) = index_once(&dir)?;
    let peak_mb = peak_rss_mb();
    cold.write_snapshot()?;
    drop(cold);
    let warm_started = Instant::now();
    let (_warm, _, restore, reconcile) = index_once(&dir)?;
    let warm = warm_started.elapsed();
    std::fs::remove_dir_all(dir.join(".omnysys"))?;
    let restart = restart_baseline(&dir)?;
    let swap = extractor_swap(&dir)?;
    let _ = std::fs::remove_dir_all(&dir);
    writeln!(
        out,
        "synthetic JavaScript project: {files} files, {edges} import edges"
    )?;
    writeln!(
        out,
        "| cold index (in process) | peak RSS | warm start (snapshot → ready) | of which: restore, reconcile | restart baseline (new process, cold index) | hot swap of the extractor (p50) | restart / swap |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    let ratio = restart.as_secs_f64() / swap.as_secs_f64().max(1e-9);
    writeln!(
        out,
        "| {} | {peak_mb:.0} MB | {} | {}, {} | {} | {} | {ratio:.0}× |",
        fmt(cold_time),
        fmt(warm),
        fmt(restore),
        fmt(reconcile),
        fmt(restart),
        fmt(swap)
    )?;
    Ok(())
}

/// A fresh engine with the JavaScript extractor, restored from the snapshot if any, indexed;
/// with the number of edges, the time the restore took and the time `index_project` took.
fn index_once(dir: &Path) -> anyhow::Result<(Engine, usize, Duration, Duration)> {
    let mut engine = Engine::new(EngineSettings::for_project(dir.to_path_buf()))?;
    let restore_started = Instant::now();
    engine.restore_snapshot();
    let restore = restore_started.elapsed();
    let source = LibraryLocator::default().library_of("extract_javascript");
    engine.reload(vec![ReloadChange::Load {
        source,
        expect: None,
        tools: None,
    }]);
    let started = Instant::now();
    let report = engine.index_project();
    Ok((engine, report.edges, restore, started.elapsed()))
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Wall time of a new `omnysys index` process on the project with no snapshot.
fn restart_baseline(dir: &Path) -> anyhow::Result<Duration> {
    let toolset = dir.join("js.toolset.ron");
    std::fs::write(
        &toolset,
        "ToolSet(plugins: [(crate: \"extract_javascript\")], watch: (enabled: false))",
    )?;
    let started = Instant::now();
    let status = Command::new(std::env::current_exe()?)
        .args(["index", "--project"])
        .arg(dir)
        .arg("--toolset")
        .arg(&toolset)
        .env("OMNYSYS_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "omnysys index failed: {status}");
    Ok(started.elapsed())
}

/// Median time of 20 hot swaps of the extractor, alternating two distinct builds (library
/// complete on disk → new systems serving).
fn extractor_swap(dir: &Path) -> anyhow::Result<Duration> {
    let locator = LibraryLocator::default();
    let builds = [
        locator.padded_copy("extract_javascript", dir, 0)?,
        locator.padded_copy("extract_javascript", dir, 1)?,
    ];
    let mut engine = Engine::new(EngineSettings::for_project(dir.to_path_buf()))?;
    let mut times = Vec::new();
    for i in 0..21 {
        let report = engine.reload(vec![ReloadChange::Load {
            source: builds[i % 2].clone(),
            expect: None,
            tools: None,
        }]);
        let record = report.records.first().context("no reload record")?;
        if i > 0 {
            times.push(record.time_until("swap"));
        }
    }
    Ok(super::percentile(times, 50))
}
