//! `omnysys bench WHAT`: benchmarks run on demand (release build); the README records their
//! numbers with the command that produced them.
//!
//! - `swap`: reload latency per phase, with 10 000 files in the World.
//! - `watch`: detection latency, library write complete → swap start, through the watcher.
//! - `mcp`: MCP round trip over stdio (front and single process), and calls during 100
//!   back-to-back reloads.
//! - `crash`: a plugin call that segfaults to the server answering again (through the front).
//! - `synthetic`: a generated project of `--files` files: cold, warm, RSS, restart vs swap.
//! - `tools`: the most used tools on `--project` (or a generated project), in-engine and stdio.
//! - `edit`: edit-to-active through build on save, split into detect, build, hold, verify, swap.

mod crash;
mod edit;
mod mcp;
mod swap;
mod synthetic;
mod tools;
mod watch;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::bail;

/// Arguments of `omnysys bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// What to measure: swap, watch, mcp, crash, synthetic, tools or edit.
    #[arg(default_value = "swap")]
    pub what: String,
    /// Synthetic files in the World (swap), or in the generated project (synthetic).
    #[arg(long, default_value_t = 10_000)]
    pub files: usize,
    /// Swaps per plugin (swap), writes (watch), reloads (mcp), edits (edit, at most 50).
    #[arg(long, default_value_t = 500)]
    pub swaps: usize,
    /// Plugin crates to measure (swap).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "graph_tools,extract_javascript"
    )]
    pub plugins: Vec<String>,
    /// Watcher debounce in ms (watch).
    #[arg(long, default_value_t = 50)]
    pub debounce_ms: u64,
    /// Calls measured (mcp: in all; tools: per tool).
    #[arg(long, default_value_t = 5000)]
    pub calls: usize,
    /// The project to measure (tools; default: a generated project of `--files` files).
    #[arg(long)]
    pub project: Option<std::path::PathBuf>,
}

/// Runs the benchmark named by `args.what`.
///
/// # Errors
///
/// A missing or refused plugin library, or an engine that fails.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match args.what.as_str() {
        "swap" => swap::run(args, &mut out)?,
        "watch" => watch::run(args, &mut out)?,
        "mcp" => mcp::run(args, &mut out)?,
        "crash" => crash::run(args, &mut out)?,
        "synthetic" => synthetic::run(args, &mut out)?,
        "tools" => tools::run(args, &mut out)?,
        "edit" => edit::run(args, &mut out)?,
        other => {
            bail!(
                "unknown benchmark `{other}` (known: swap, watch, mcp, crash, synthetic, tools, edit)"
            )
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The `p`th percentile (nearest rank below).
pub fn percentile(mut values: Vec<Duration>, p: usize) -> Duration {
    values.sort_unstable();
    values
        .get(values.len().saturating_sub(1) * p / 100)
        .copied()
        .unwrap_or_default()
}

/// Milliseconds with three decimals.
pub fn fmt(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}
