//! `omnysys bench watch`: detection latency through the watcher, from "library write complete"
//! to "swap start" (the start of the reload's first phase).
//!
//! A plugin is loaded from a file in a temporary directory; the benchmark rewrites that file in
//! place with alternating distinct builds and waits for each new generation.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use omnysys_engine::handle::{EngineHandle, EngineThread};
use omnysys_engine::reload::{ReloadChange, ReloadHistory};
use omnysys_engine::toolset::LibraryLocator;
use omnysys_engine::watch::spawn_watcher;
use omnysys_engine::{Engine, EngineSettings};

use super::{BenchArgs, fmt, percentile};

/// Prints detection latency percentiles.
///
/// # Errors
///
/// When the plugin cannot be loaded or a swap is not seen within 10 s.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("omnysys-bench-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let locator = LibraryLocator::default();
    let variants = [
        locator.padded_copy("graph_tools", &dir, 0)?,
        locator.padded_copy("graph_tools", &dir, 1)?,
    ];
    let bytes = [std::fs::read(&variants[0])?, std::fs::read(&variants[1])?];
    let watched = dir.join("libwatched.so");
    std::fs::write(&watched, &bytes[0])?;
    let mut engine = Engine::new(EngineSettings::for_project(dir.clone()))?;
    let report = engine.reload(vec![ReloadChange::Load {
        source: watched.clone(),
        expect: None,
        tools: None,
    }]);
    if !report.committed() {
        bail!("cannot load graph_tools: {:?}", report.records);
    }
    let thread = EngineThread::spawn(engine, Some(Duration::from_millis(50)));
    let handle = thread.handle();
    let debounce = Duration::from_millis(args.debounce_ms);
    let watcher = spawn_watcher(handle.clone(), debounce)?;
    std::thread::sleep(Duration::from_millis(200));
    let rounds = args.swaps.min(200);
    let mut latencies = Vec::with_capacity(rounds);
    for i in 0..rounds {
        latencies.push(one_round(
            &handle,
            &watched,
            &bytes[(i + 1) % 2],
            i as u64 + 2,
        )?);
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(watcher);
    thread.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    writeln!(
        out,
        "detection latency (write complete → swap start), debounce {} ms, {rounds} writes of graph_tools",
        args.debounce_ms
    )?;
    writeln!(
        out,
        "| p50 | p99 | goal (debounce + 10 ms) |\n|---|---|---|"
    )?;
    writeln!(
        out,
        "| {} | {} | {} |",
        fmt(percentile(latencies.clone(), 50)),
        fmt(percentile(latencies, 99)),
        fmt(debounce + Duration::from_millis(10))
    )?;
    Ok(())
}

/// Writes `bytes` over `path` and returns the time from the end of the write to the start of
/// the reload that loaded them as `generation`.
fn one_round(
    handle: &EngineHandle,
    path: &Path,
    bytes: &[u8],
    generation: u64,
) -> anyhow::Result<Duration> {
    std::fs::write(path, bytes)?;
    let written = SystemTime::now();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = handle
            .run(move |e| {
                let history = e.world().resource::<ReloadHistory>();
                history
                    .records
                    .iter()
                    .rev()
                    .find(|r| r.generation == Some(generation))
                    .map(|r| r.at - r.time_until("retire"))
            })
            .context("engine stopped")?;
        if let Some(started) = found {
            return Ok(started.duration_since(written).unwrap_or_default());
        }
        if Instant::now() > deadline {
            bail!("generation {generation} not seen within 10 s");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
