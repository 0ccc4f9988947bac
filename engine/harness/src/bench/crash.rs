//! `omnysys bench crash`: from a plugin call that segfaults to the server answering again, on a
//! generated JavaScript project of `--files` files, through `omnysys serve` (the front) over
//! stdio.
//!
//! The project is indexed once (`omnysys index`, which writes the snapshot). Each round starts a
//! front with the default plugins and the `misbehaving` fixture, waits until it is ready, calls
//! `test_segv` (the engine child dies of SIGSEGV), then polls `get_server_status` every 10 ms
//! until the successor answers, then until its reconciliation is done (`indexing.phase` ready).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::json;

use super::mcp::serve_child;
use super::{BenchArgs, fmt, percentile};

/// Rounds (one front each: a crash quarantines the fixture for the rest of a front's life).
const ROUNDS: usize = 5;

/// Prints the table.
///
/// # Errors
///
/// When the project cannot be written or indexed, or the server does not come back.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("omnysys-bench-crash-{}", std::process::id()));
    let project = dir.join("project");
    crate::synthetic::write_javascript_project(&project, args.files)?;
    let toolset = dir.join("crash.toolset.ron");
    std::fs::write(&toolset, TOOLSET)?;
    index_once(&project, &toolset)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        rounds.push(runtime.block_on(one_round(&project, &toolset))?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let column = |i: usize| {
        rounds
            .iter()
            .map(|r: &[Duration; 3]| r[i])
            .collect::<Vec<_>>()
    };
    writeln!(
        out,
        "crash (SIGSEGV in a plugin call) to serving again, {} files, {ROUNDS} rounds",
        args.files
    )?;
    writeln!(out, "| step | p50 | max |\n|---|---|---|")?;
    for (i, step) in [
        "call answered with the crash error",
        "crash answer to get_server_status answered",
        "crash answer to reconciliation done",
    ]
    .iter()
    .enumerate()
    {
        let times = column(i);
        let max = times.iter().max().copied().unwrap_or_default();
        writeln!(
            out,
            "| {step} | {} | {} |",
            fmt(percentile(times, 50)),
            fmt(max)
        )?;
    }
    Ok(())
}

const TOOLSET: &str = r#"ToolSet(
    plugins: [
        (crate: "graph_tools"),
        (crate: "symbol_tools"),
        (crate: "status_tools"),
        (crate: "extract_javascript"),
        (crate: "fixture_misbehaving"),
    ],
    watch: (enabled: false),
)
"#;

/// `omnysys index`: the snapshot every front of the benchmark starts from.
fn index_once(project: &Path, toolset: &Path) -> anyhow::Result<()> {
    let status = std::process::Command::new(std::env::current_exe()?)
        .args(["index", "--project"])
        .arg(project)
        .arg("--toolset")
        .arg(toolset)
        .env("OMNYSYS_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        bail!("omnysys index failed: {status}");
    }
    Ok(())
}

/// One front: the crash call, then the successor answering, then ready.
async fn one_round(project: &Path, toolset: &Path) -> anyhow::Result<[Duration; 3]> {
    let (mut child, mut client) = serve_child(project, Some(toolset), None).await?;
    client.wait_until_ready().await?;
    let started = Instant::now();
    let crashed = client.call("test_segv", json!({})).await;
    let answered = started.elapsed();
    match crashed {
        Err(e) if e.to_string().contains("SIGSEGV") => {}
        other => bail!("test_segv did not crash the engine as expected: {other:?}"),
    }
    let after = Instant::now();
    let deadline = after + Duration::from_secs(60);
    while client.call("get_server_status", json!({})).await.is_err() {
        if Instant::now() > deadline {
            bail!("the successor did not answer within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let serving = after.elapsed();
    client.wait_until_ready().await?;
    let ready = after.elapsed();
    drop(client);
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    Ok([answered, serving, ready])
}
