//! `omnysys bench mcp`: MCP round trips measured by a small Rust JSON-RPC client.
//!
//! 1. stdio: `omnysys serve` as a child process with a fixture tool set; sequential calls of a
//!    trivial tool (`fixture_echo`), through the front (the default: the engine in a child of
//!    the front) and with `--single-process` side by side.
//! 2. in process, over an in-memory transport: a continuous stream of calls, first alone, then
//!    while 100 reloads are triggered back to back through the reload API (alternating distinct
//!    builds); every failed call is counted, and the state digest taken before the calls must
//!    equal the one after the reloads (nothing lost).

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use omnysys_engine::handle::EngineThread;
use omnysys_engine::mcp::{McpOptions, McpServer};
use omnysys_engine::reload::ReloadChange;
use omnysys_engine::toolset::LibraryLocator;
use omnysys_engine::{Engine, EngineSettings};
use rmcp::ServiceExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use super::{BenchArgs, fmt, percentile};

/// Prints the two tables.
///
/// # Errors
///
/// When the server cannot start or a call fails outright.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("omnysys-bench-mcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let locator = LibraryLocator::default();
    let variants = [
        locator.padded_copy("fixture_v1", &dir, 0)?,
        locator.padded_copy("fixture_v1", &dir, 1)?,
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    writeln!(
        out,
        "MCP round trip of `fixture_echo` over stdio (child process), {} calls",
        args.calls
    )?;
    writeln!(out, "| serve | p50 | p99 | goal p50 |\n|---|---|---|---|")?;
    for (label, extra) in [
        ("front (default)", None),
        ("--single-process", Some("--single-process")),
    ] {
        let stdio = runtime.block_on(stdio_round_trips(&dir, &variants[0], args.calls, extra))?;
        writeln!(
            out,
            "| {label} | {} | {} | 0.200 ms |",
            fmt(percentile(stdio.clone(), 50)),
            fmt(percentile(stdio, 99))
        )?;
    }
    let (quiet, busy, failed, reloads, digests) = runtime.block_on(calls_during_reloads(
        &dir,
        &variants,
        args.calls,
        args.swaps.min(100),
    ))?;
    writeln!(
        out,
        "\nin-process MCP calls, alone and during {reloads} back-to-back reloads"
    )?;
    writeln!(
        out,
        "| phase | calls | p50 | p99 | failed |\n|---|---|---|---|---|"
    )?;
    writeln!(
        out,
        "| no reloads | {} | {} | {} | 0 |",
        quiet.len(),
        fmt(percentile(quiet.clone(), 50)),
        fmt(percentile(quiet, 99))
    )?;
    writeln!(
        out,
        "| during reloads | {} | {} | {} | {failed} |",
        busy.len(),
        fmt(percentile(busy.clone(), 50)),
        fmt(percentile(busy, 99))
    )?;
    let (before, after) = digests;
    writeln!(
        out,
        "\nstate digest before the calls {before}, after the reloads {after}: {}",
        if before == after {
            "equal"
        } else {
            "DIFFERENT"
        }
    )?;
    drop(runtime);
    if before != after {
        bail!("the state digest changed across {reloads} reloads: {before} → {after}");
    }
    if failed > 0 {
        bail!("{failed} calls failed during {reloads} reloads");
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn stdio_round_trips(
    dir: &Path,
    library: &Path,
    calls: usize,
    extra: Option<&str>,
) -> anyhow::Result<Vec<Duration>> {
    let toolset = dir.join("bench.toolset.ron");
    std::fs::write(
        &toolset,
        format!(
            "ToolSet(plugins: [(path: {:?})], watch: (enabled: false))",
            library.display().to_string()
        ),
    )?;
    let (mut child, mut client) = serve_child(dir, Some(&toolset), extra).await?;
    let mut times = Vec::with_capacity(calls);
    for i in 0..calls + 200 {
        let started = Instant::now();
        client.echo().await?;
        if i >= 200 {
            times.push(started.elapsed());
        }
    }
    drop(client);
    let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    Ok(times)
}

/// A client of `omnysys serve --project project [--toolset toolset]` started as a child process
/// over stdio (killed when the child is dropped), initialized.
///
/// # Errors
///
/// When the process cannot start or does not answer `initialize`.
pub async fn serve_child(
    project: &Path,
    toolset: Option<&Path>,
    extra: Option<&str>,
) -> anyhow::Result<(tokio::process::Child, StdioClient)> {
    let mut command = tokio::process::Command::new(std::env::current_exe()?);
    command.args(["serve", "--project"]).arg(project);
    command.args(extra);
    if let Some(toolset) = toolset {
        command.arg("--toolset").arg(toolset);
    }
    let mut child = command
        .env("OMNYSYS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut client = LineClient::new(
        child.stdout.take().context("stdout")?,
        child.stdin.take().context("stdin")?,
    );
    client.initialize().await?;
    Ok((child, client))
}

/// A [`LineClient`] over a child's stdio.
pub type StdioClient = LineClient<tokio::process::ChildStdout, tokio::process::ChildStdin>;

/// Latencies alone and during reloads, failed calls, committed reloads, and the state digest
/// before the calls and after the reloads.
type Phases = (Vec<Duration>, Vec<Duration>, usize, usize, (String, String));

async fn calls_during_reloads(
    dir: &Path,
    variants: &[std::path::PathBuf; 2],
    calls: usize,
    reloads: usize,
) -> anyhow::Result<Phases> {
    let mut engine = Engine::new(EngineSettings::for_project(dir.to_path_buf()))?;
    engine.reload(vec![ReloadChange::Load {
        source: variants[0].clone(),
        expect: None,
        tools: None,
    }]);
    let thread = EngineThread::spawn(engine, Some(Duration::from_millis(50)));
    let handle = thread.handle();
    let before = handle.run(|e| e.digest())?;
    let server = McpServer::new(handle.clone(), McpOptions::default()).await?;
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let (r, w) = tokio::io::split(client_io);
    let mut client = LineClient::new(r, w);
    client.initialize().await?;
    let mut quiet = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        client.echo().await?;
        quiet.push(started.elapsed());
    }
    let done = Arc::new(AtomicBool::new(false));
    let reloader = {
        let (done, handle, variants) = (done.clone(), handle.clone(), variants.clone());
        std::thread::spawn(move || {
            let mut ok = 0;
            for i in 0..reloads {
                let source = variants[(i + 1) % 2].clone();
                let report = handle.run(move |e| {
                    e.reload(vec![ReloadChange::Load {
                        source,
                        expect: None,
                        tools: None,
                    }])
                });
                ok += usize::from(report.is_ok_and(|r| r.committed()));
            }
            done.store(true, Ordering::SeqCst);
            ok
        })
    };
    let (mut busy, mut failed) = (Vec::new(), 0);
    while !done.load(Ordering::SeqCst) {
        let started = Instant::now();
        match client.echo().await {
            Ok(()) => busy.push(started.elapsed()),
            Err(_) => failed += 1,
        }
    }
    let committed = reloader.join().unwrap_or(0);
    let after = handle.run(|e| e.digest())?;
    drop(client);
    thread.shutdown();
    Ok((quiet, busy, failed, committed, (before, after)))
}

/// A newline-delimited JSON-RPC client: one request in flight at a time.
pub struct LineClient<R, W> {
    reader: BufReader<R>,
    writer: W,
    next_id: u64,
    line: String,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> LineClient<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        LineClient {
            reader: BufReader::new(reader),
            writer,
            next_id: 0,
            line: String::new(),
        }
    }

    pub async fn initialize(&mut self) -> anyhow::Result<()> {
        let params = json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "omnysys-bench", "version": "0"}});
        self.request("initialize", params).await?;
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await
    }

    /// One `fixture_echo` call; an error unless it answered without `isError`.
    async fn echo(&mut self) -> anyhow::Result<()> {
        self.call("fixture_echo", json!({"text": "x"}))
            .await
            .map(drop)
    }

    /// One tool call; its result, or an error if it failed or answered with `isError`.
    pub async fn call(&mut self, tool: &str, arguments: Value) -> anyhow::Result<Value> {
        let result = self
            .request("tools/call", json!({"name": tool, "arguments": arguments}))
            .await?;
        if result
            .get("isError")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            bail!("{tool} isError: {result}");
        }
        Ok(result)
    }

    /// Polls `get_server_status` (at most two minutes) until indexing is ready.
    pub async fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        for _ in 0..2400 {
            let status = self.call("get_server_status", json!({})).await?;
            let phase = &status["structuredContent"]["indexing"]["phase"];
            if phase == "ready" {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the server never became ready")
    }

    async fn request(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await?;
        loop {
            self.line.clear();
            if self.reader.read_line(&mut self.line).await? == 0 {
                bail!("server closed the stream");
            }
            let message: Value = serde_json::from_str(&self.line)?;
            if message.get("id").and_then(Value::as_u64) == Some(id) {
                return message
                    .get("result")
                    .cloned()
                    .with_context(|| format!("error response: {message}"));
            }
        }
    }

    async fn send(&mut self, message: &Value) -> anyhow::Result<()> {
        let mut bytes = serde_json::to_vec(message)?;
        bytes.push(b'\n');
        self.writer.write_all(&bytes).await?;
        self.writer.flush().await?;
        Ok(())
    }
}
