//! `omnysys bench edit`: edit-to-active through build on save. A one-line edit of
//! `systems/graph_tools/src/impact.rs` (a string of an answer, so the library really changes)
//! in the running workspace, until the new `graph_tools` generation serves; split into
//! detect (edit written → build started), build (cargo), hold (build ended → reload started:
//! the watcher's debounce and the gate's settle time), verify (open + verify phases) and swap
//! (register, check, swap phases). The file is restored afterwards (the library is left built
//! from the last edit: run the build command to put it back).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use omnysys_api::schema::EngineStatus;
use omnysys_engine::build::BuildSettings;
use omnysys_engine::handle::{EngineHandle, EngineThread};
use omnysys_engine::reload::{ReloadChange, ReloadHistory, ReloadRecord};
use omnysys_engine::toolset::{LibraryLocator, running_workspace};
use omnysys_engine::watch::spawn_watcher_with;
use omnysys_engine::{Engine, EngineSettings};

use super::{BenchArgs, fmt, percentile};

/// The file edited, relative to the workspace.
const EDITED: &str = "systems/graph_tools/src/impact.rs";
/// The string each edit changes.
const NEEDLE: &str = "\"nothing imports this file";

/// One edit's phases.
struct Phases {
    detect: Duration,
    build: Duration,
    hold: Duration,
    verify: Duration,
    swap: Duration,
    total: Duration,
}

/// Prints edit-to-active percentiles over `--swaps` edits (at most 50).
///
/// # Errors
///
/// No workspace, graph_tools not loadable, or a new generation not seen within 10 minutes.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let workspace = running_workspace().context("bench edit needs the omnysys workspace")?;
    let file = workspace.join(EDITED);
    let original = std::fs::read_to_string(&file)?;
    if !original.contains(NEEDLE) {
        bail!("{} no longer contains {NEEDLE}", file.display());
    }
    let measured = measure(args, &workspace, &file, &original);
    std::fs::write(&file, &original)?;
    let phases = measured?;
    report(&phases, out)
}

fn measure(
    args: &BenchArgs,
    workspace: &Path,
    file: &Path,
    original: &str,
) -> anyhow::Result<Vec<Phases>> {
    let dir = std::env::temp_dir().join(format!("omnysys-bench-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut engine = Engine::new(EngineSettings::for_project(dir.clone()))?;
    let source = LibraryLocator::default().library_of("graph_tools");
    let change = ReloadChange::Load {
        source,
        expect: None,
        tools: None,
    };
    if !engine.reload(vec![change]).committed() {
        bail!("cannot load graph_tools: rebuild with `cargo build --release --workspace`");
    }
    let thread = EngineThread::spawn(engine, Some(Duration::from_millis(50)));
    let handle = thread.handle();
    let settings = BuildSettings::for_workspace(workspace);
    let debounce = Duration::from_millis(args.debounce_ms);
    let watcher = spawn_watcher_with(handle.clone(), debounce, Some(settings))?;
    std::thread::sleep(Duration::from_millis(300));
    let mut phases = Vec::new();
    for i in 0..args.swaps.min(50) {
        let edited = original.replacen(NEEDLE, &format!("{NEEDLE} (edit {i})"), 1);
        phases.push(one_edit(&handle, file, &edited, i as u64 + 2)?);
    }
    drop(watcher);
    thread.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(phases)
}

/// Writes `text` to `file` and waits for `generation` of graph_tools.
fn one_edit(
    handle: &EngineHandle,
    file: &Path,
    text: &str,
    generation: u64,
) -> anyhow::Result<Phases> {
    std::fs::write(file, text)?;
    let written = SystemTime::now();
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let found = handle
            .run(move |e| {
                let history = e.world().resource::<ReloadHistory>();
                let record = history
                    .records
                    .iter()
                    .rev()
                    .find(|r| r.generation == Some(generation));
                let build = e.world().resource::<EngineStatus>().build.clone();
                record
                    .cloned()
                    .map(|r| (r, build.started_ms, build.finished_ms))
            })
            .context("engine stopped")?;
        if let Some((record, Some(started), Some(finished))) = found {
            return Ok(phases_of(&record, written, started, finished));
        }
        if Instant::now() > deadline {
            bail!("generation {generation} of graph_tools not seen within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Splits one edit's time: the build's times are ms since the epoch, the reload's are phases.
fn phases_of(record: &ReloadRecord, written: SystemTime, started: u64, finished: u64) -> Phases {
    let ms = |t: u64| UNIX_EPOCH + Duration::from_millis(t);
    let since = |a: SystemTime, b: SystemTime| b.duration_since(a).unwrap_or_default();
    let verify = record.time_until("verify");
    let swapped = record.time_until("swap");
    let reload_start = record.at - record.time_until("retire");
    Phases {
        detect: since(written, ms(started)),
        build: since(ms(started), ms(finished)),
        hold: since(ms(finished), reload_start),
        verify,
        swap: swapped.saturating_sub(verify),
        total: since(written, reload_start + swapped),
    }
}

/// A row of the table: its name and how to read it from one edit's phases.
type Row = (&'static str, fn(&Phases) -> Duration);

fn report(phases: &[Phases], out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "edit-to-active, {} one-line edits of {EDITED} (build on save, `cargo build --release --workspace`)",
        phases.len()
    )?;
    writeln!(out, "| phase | p50 | p90 |\n|---|---|---|")?;
    let rows: [Row; 6] = [
        ("detect", |p| p.detect),
        ("build", |p| p.build),
        ("hold", |p| p.hold),
        ("verify", |p| p.verify),
        ("swap", |p| p.swap),
        ("total", |p| p.total),
    ];
    for (name, of) in rows {
        let values: Vec<Duration> = phases.iter().map(of).collect();
        let (p50, p90) = (percentile(values.clone(), 50), percentile(values, 90));
        writeln!(out, "| {name} | {} | {} |", fmt(p50), fmt(p90))?;
    }
    Ok(())
}
