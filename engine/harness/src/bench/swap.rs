//! `omnysys bench swap`: reload latency, "library complete on disk" to "new systems serving".
//!
//! The two alternating builds of each plugin are the library cargo built and a copy with one
//! byte appended (distinct bytes, same code).

use std::io::Write;
use std::time::Duration;

use crate::synthetic::spawn_synthetic_files;
use anyhow::{Context, bail};
use omnysys_engine::reload::{ReloadChange, ReloadOutcome, ReloadRecord};
use omnysys_engine::toolset::LibraryLocator;
use omnysys_engine::{Engine, EngineSettings};

use super::{BenchArgs, fmt, percentile};

/// Prints the swap-latency table.
///
/// # Errors
///
/// A plugin library missing or refused.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "swap latency, {} files in the World, {} swaps per plugin, profile {}",
        args.files,
        args.swaps,
        omnysys_api::manifest::PROFILE
    )?;
    writeln!(
        out,
        "| plugin | library bytes | p50 | p99 | open p50 | verify p50 | register p50 | check p50 | swap p50 | retire p50 |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|")?;
    for krate in &args.plugins {
        let row = bench_plugin(krate, args).with_context(|| format!("benchmarking `{krate}`"))?;
        writeln!(out, "{row}")?;
    }
    Ok(())
}

fn bench_plugin(krate: &str, args: &BenchArgs) -> anyhow::Result<String> {
    let locator = LibraryLocator::default();
    let dir = std::env::temp_dir().join(format!("omnysys-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let variant = |pad| {
        let built = locator.library_of(krate);
        locator
            .padded_copy(krate, &dir, pad)
            .with_context(|| format!("copying {}", built.display()))
    };
    let variants = [variant(0)?, variant(1)?];
    let mut engine = Engine::new(EngineSettings::for_project(dir.clone()))?;
    spawn_synthetic_files(engine.world_mut(), args.files);
    let mut records = Vec::with_capacity(args.swaps);
    for i in 0..=args.swaps {
        let source = variants[i % 2].clone();
        let report = engine.reload(vec![ReloadChange::Load {
            source,
            expect: None,
            tools: None,
        }]);
        let record = report
            .records
            .into_iter()
            .next()
            .context("no reload record")?;
        if record.outcome != ReloadOutcome::Loaded {
            bail!("swap {i} was {:?}: {}", record.outcome, record.reason);
        }
        if i > 0 {
            records.push(record);
        }
    }
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(summarize(krate, &records))
}

fn summarize(krate: &str, records: &[ReloadRecord]) -> String {
    let total: Vec<Duration> = records.iter().map(|r| r.time_until("swap")).collect();
    let phase = |name: &str| {
        fmt(percentile(
            records.iter().filter_map(|r| r.phase(name)).collect(),
            50,
        ))
    };
    format!(
        "| {krate} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        records.first().map_or(0, |r| r.library_bytes),
        fmt(percentile(total.clone(), 50)),
        fmt(percentile(total, 99)),
        phase("open"),
        phase("verify"),
        phase("register"),
        phase("check"),
        phase("swap"),
        phase("retire"),
    )
}
