//! `omnysys bench tools`: latency of the tools agents call most, on a real or generated project.
//!
//! The project (`--project`, or a generated JavaScript project of `--files` files) is indexed
//! with the default tool set. For each of `get_impact_map`, `analyze_change`, `find_references`
//! and `get_function_details`, `--calls` calls cycle over the project's files (and each file's
//! first function): in-engine (the tool system alone, as the engine thread runs it), then over
//! stdio through `omnysys serve` as a child process, side by side.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use omnysys_api::facts::SymbolKind;
use omnysys_api::schema::{CacheEntry, SourceFile};
use omnysys_engine::Engine;
use serde_json::{Value, json};

use super::mcp::serve_child;
use super::{BenchArgs, fmt, percentile};

/// The tools measured.
const TOOLS: &[&str] = &[
    "get_impact_map",
    "analyze_change",
    "find_references",
    "get_function_details",
];

/// Prints the table.
///
/// # Errors
///
/// When the project cannot be indexed, has no functions, or a call fails.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let (project, generated) = match &args.project {
        Some(p) => (p.canonicalize()?, None),
        None => {
            let dir =
                std::env::temp_dir().join(format!("omnysys-bench-tools-{}", std::process::id()));
            crate::synthetic::write_javascript_project(&dir, args.files)?;
            (dir.clone(), Some(dir))
        }
    };
    let options = omnysys_engine::startup::StartOptions {
        project: project.clone(),
        toolset: None,
    };
    let (mut engine, report) = omnysys_engine::startup::start_indexed(&options, |_, _| {})?;
    let targets = targets(&mut engine);
    anyhow::ensure!(!targets.is_empty(), "no functions in {}", project.display());
    writeln!(
        out,
        "{}: {} files, {} edges; {} calls per tool spread over {} functions (each file's first)",
        project.display(),
        report.files,
        report.edges,
        args.calls,
        targets.len()
    )?;
    writeln!(
        out,
        "| tool | in-engine p50 | in-engine p99 | stdio p50 | stdio p99 |"
    )?;
    writeln!(out, "|---|---|---|---|---|")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    for tool in TOOLS {
        let calls = calls_of(tool, &targets, args.calls);
        let engine_times = in_engine(&mut engine, tool, &calls)?;
        let stdio_times = runtime.block_on(over_stdio(&project, tool, &calls))?;
        writeln!(
            out,
            "| {tool} | {} | {} | {} | {} |",
            fmt(percentile(engine_times.clone(), 50)),
            fmt(percentile(engine_times, 99)),
            fmt(percentile(stdio_times.clone(), 50)),
            fmt(percentile(stdio_times, 99)),
        )?;
    }
    if let Some(dir) = generated {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

/// `(file, first function or method)` of every file that has one, in path order.
fn targets(engine: &mut Engine) -> Vec<(String, String)> {
    let mut q = engine.world_mut().query::<(&SourceFile, &CacheEntry)>();
    let mut found: Vec<(String, String)> = q
        .iter(engine.world())
        .filter_map(|(file, entry)| {
            let f = entry
                .facts
                .symbols
                .iter()
                .find(|s| matches!(s.kind, SymbolKind::Function | SymbolKind::Method))?;
            Some((file.path.clone(), f.name.clone()))
        })
        .collect();
    found.sort();
    found
}

/// `n` calls spread evenly over `targets` (every file once before any twice).
fn calls_of(tool: &str, targets: &[(String, String)], n: usize) -> Vec<Value> {
    let stride = (targets.len() / n.max(1)).max(1);
    (0..n)
        .map(|i| {
            let (file, function) = &targets[(i * stride + i / targets.len()) % targets.len()];
            match tool {
                "get_impact_map" => json!({"filePath": file}),
                "analyze_change" => json!({"filePath": file, "symbolName": function}),
                "find_references" => json!({"symbolName": function, "filePath": file}),
                _ => json!({"filePath": file, "functionName": function}),
            }
        })
        .collect()
}

fn in_engine(engine: &mut Engine, tool: &str, calls: &[Value]) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(calls.len());
    for args in calls {
        let started = Instant::now();
        let answer = engine.call_tool(tool, args.clone());
        times.push(started.elapsed());
        answer.map_err(|e| anyhow::anyhow!("{tool} {args}: {e}"))?;
    }
    Ok(times)
}

async fn over_stdio(project: &Path, tool: &str, calls: &[Value]) -> anyhow::Result<Vec<Duration>> {
    let (mut child, mut client) = serve_child(project, None, None).await?;
    client.wait_until_ready().await?;
    let mut times = Vec::with_capacity(calls.len());
    for args in calls {
        let started = Instant::now();
        client.call(tool, args.clone()).await?;
        times.push(started.elapsed());
    }
    drop(client);
    let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    Ok(times)
}
