//! `omnysys serve`: the main job. MCP over stdio (default) or Streamable HTTP.
//!
//! By default this process is the front (`omnysys_engine::front`): it keeps the client's session
//! and runs the engine in a child, `omnysys serve --engine-child`, which serves MCP on its
//! stdin/stdout in-process. `--single-process` serves in-process without a front.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use omnysys_engine::handle::EngineThread;
use omnysys_engine::mcp::http::{HttpLimits, HttpOptions, bind, check_options, serve_http};
use omnysys_engine::mcp::stdio::{protect_stdout, serve_stdio};
use omnysys_engine::mcp::{McpOptions, McpServer};
use tokio_util::sync::CancellationToken;

use super::ProjectArgs;
use omnysys_engine::startup::start_engine;

/// Arguments of `omnysys serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765). A
    /// request's headers must arrive within 10 s, and an idle connection closes after 10 s
    /// (OMNYSYS_HTTP_HEADER_TIMEOUT_MS overrides, in milliseconds).
    #[arg(long)]
    pub http: Option<SocketAddr>,
    /// Require `Authorization: Bearer TOKEN` on HTTP (or set OMNYSYS_TOKEN).
    #[arg(long, env = "OMNYSYS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Also accept this name in the HTTP `Host` header (NAME or NAME:PORT; repeatable). The
    /// loopback names and the address a client connected to are always accepted.
    #[arg(
        long = "allow-host",
        value_name = "HOST",
        env = "OMNYSYS_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    pub allow_hosts: Vec<String>,
    /// HTTP connections served at once; further connections wait in the listen backlog.
    #[arg(long, env = "OMNYSYS_HTTP_MAX_CONNECTIONS", default_value_t = HttpLimits::default().max_connections)]
    pub http_max_connections: usize,
    /// Live Streamable HTTP sessions; an `initialize` beyond this is answered 503.
    #[arg(long, env = "OMNYSYS_HTTP_MAX_SESSIONS", default_value_t = HttpLimits::default().max_sessions)]
    pub http_max_sessions: usize,
    /// Seconds a tool call may run: at its deadline the tool stops (its loops check it) and the
    /// call is answered with an error naming the limit; 1 to 3600.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub call_timeout: u64,
    /// Do not build plugin crates when their sources change (the tool set's
    /// `watch: (build_on_save: false)` does the same); changes are then only logged.
    #[arg(long)]
    pub no_build: bool,
    /// Serve from this process, without a front: a plugin that crashes ends the session, and an
    /// engine upgrade needs a restart (for benchmarks and debugging).
    #[arg(long)]
    pub single_process: bool,
    /// Run as the engine child of a front (set by the front).
    #[arg(long, hide = true)]
    pub engine_child: bool,
}

/// Serves until stdin closes (stdio), or SIGINT/SIGTERM.
///
/// # Errors
///
/// Start-up failures: a bad tool set, a refused plugin, an address that cannot be bound.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.engine_child {
        super::front::prepare_engine_child()?;
    }
    if args.engine_child || args.single_process {
        return run_in_process(args);
    }
    super::front::run(args)
}

/// Serves from this process: the engine thread, the watchers and the MCP server.
fn run_in_process(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let (http, stdout) = transport(&args)?;
    let engine = start_engine(&args.project.options())?;
    if std::io::stdin().is_terminal() {
        greet(&args, &engine.settings().project);
    }
    let watch = engine.toolset().map(|t| t.watch.clone());
    let project_root = engine.settings().project.clone();
    let thread = EngineThread::spawn(engine, Some(Duration::from_millis(50)));
    let handle = thread.handle();
    let found = handle.run(|e| e.scan())?;
    tracing::info!(files = found, "project scanned; indexing in the background");
    let _project_watcher = watch_project(&handle, project_root.clone());
    let snapshots = Snapshots::start(handle.clone(), Duration::from_secs(30));
    let _watcher = match watch {
        Some(w) if w.enabled => Some(omnysys_engine::watch::spawn_watcher_with(
            handle.clone(),
            w.debounce,
            build_settings(&args, w.build_on_save),
        )?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let options = McpOptions {
        call_timeout: Duration::from_secs(args.call_timeout),
    };
    runtime.block_on(async move {
        let server = McpServer::new(handle, options).await?;
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        match (http, stdout) {
            (Some(options), _) => {
                let listener = bind(&options).await?;
                tracing::info!(url = %format!("http://{}/mcp", listener.local_addr()?), "serving MCP over Streamable HTTP");
                serve_http(server, listener, options, shutdown).await?;
            }
            (None, Some(out)) => serve_stdio(server, out, shutdown).await?,
            (None, None) => unreachable!("stdio mode always protects stdout"),
        }
        anyhow::Ok(())
    })?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(snapshots);
    save_snapshot(&thread.handle());
    thread.shutdown();
    Ok(ExitCode::SUCCESS)
}

/// How to build on save: the running workspace's build command, unless `--no-build`, the tool
/// set, or a binary outside its workspace says no.
fn build_settings(
    args: &ServeArgs,
    toolset_allows: bool,
) -> Option<omnysys_engine::build::BuildSettings> {
    if args.no_build || !toolset_allows {
        tracing::info!("build on save is off; plugin source changes are only logged");
        return None;
    }
    let workspace = omnysys_engine::toolset::running_workspace()?;
    Some(omnysys_engine::build::BuildSettings::for_workspace(
        &workspace,
    ))
}

/// The HTTP settings from the flags (the header timeout from `OMNYSYS_HTTP_HEADER_TIMEOUT_MS`).
/// The transport `args` ask for, checked: HTTP options, or (stdio) the MCP channel, taken from
/// fd 1 before anything can print to it.
///
/// # Errors
///
/// Bad HTTP options (an empty token, ...), or fd 1 that cannot be duplicated.
pub(super) fn transport(
    args: &ServeArgs,
) -> anyhow::Result<(Option<HttpOptions>, Option<std::fs::File>)> {
    let Some(addr) = args.http else {
        return Ok((None, Some(protect_stdout()?)));
    };
    let options = http_options(args, addr);
    check_options(&options)?;
    Ok((Some(options), None))
}

fn http_options(args: &ServeArgs, addr: SocketAddr) -> HttpOptions {
    HttpOptions {
        addr,
        token: args.token.clone(),
        allowed_hosts: args.allow_hosts.clone(),
        limits: HttpLimits {
            max_connections: args.http_max_connections,
            max_sessions: args.http_max_sessions,
            ..HttpLimits::from_env()
        },
    }
}

/// Watches the project for edits.
fn watch_project(
    handle: &omnysys_engine::handle::EngineHandle,
    root: std::path::PathBuf,
) -> Option<omnysys_engine::watch::Watcher> {
    omnysys_engine::watch::spawn_project_watcher(handle.clone(), root, Duration::from_millis(50))
        .map_err(|e| tracing::warn!(error = %e, "cannot watch the project; edits will not be seen"))
        .ok()
}

pub(super) async fn cancel_on_signal(shutdown: CancellationToken) {
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    else {
        return;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("signal received; shutting down");
    shutdown.cancel();
}

pub(super) fn greet(args: &ServeArgs, root: &std::path::Path) {
    eprintln!(
        "omnysys {} — code-context MCP server",
        env!("CARGO_PKG_VERSION")
    );
    eprintln!("indexing {}", root.display());
    match args.http {
        Some(addr) => eprintln!("connect an MCP client to http://{addr}/mcp"),
        None => eprintln!(
            "this speaks MCP on stdin/stdout: start it from an MCP client, e.g.\n  claude mcp add omnysys -- {} serve --project {}",
            std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "omnysys".into()),
            root.display()
        ),
    }
}

/// Writes a snapshot now if the state changed since the last one (logging, never failing).
fn save_snapshot(handle: &omnysys_engine::handle::EngineHandle) {
    if let Ok((Some(state), dir)) =
        handle.run(|e| (e.state_to_snapshot(), e.settings().state_dir.clone()))
    {
        write_in_background(handle, &state, &dir);
    }
}

/// Writes a snapshot every `period` while the state has changed since the last one. The engine
/// thread only checks change ticks and clones the state when it changed; serialising and writing
/// happen on this thread.
struct Snapshots {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Snapshots {
    fn start(handle: omnysys_engine::handle::EngineHandle, period: Duration) -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let Ok(dir) = handle.read(|e| e.settings().state_dir.clone()) else {
                return;
            };
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::park_timeout(period);
                let Ok(state) = handle.run(|e| e.state_to_snapshot()) else {
                    return;
                };
                if let Some(state) = state {
                    write_in_background(&handle, &state, &dir);
                }
            }
        });
        Snapshots {
            stop,
            thread: Some(thread),
        }
    }
}

/// Writes a state taken by `Engine::state_to_snapshot`; on failure the engine forgets it, so
/// the next check takes one again.
fn write_in_background(
    handle: &omnysys_engine::handle::EngineHandle,
    state: &omnysys_engine::state::PersistentState,
    dir: &std::path::Path,
) {
    match omnysys_engine::snapshot::write_state(state, dir) {
        Ok(path) => tracing::info!(path = %path.display(), "snapshot written"),
        Err(e) => {
            tracing::warn!(error = %e, "no snapshot written");
            let message = e.to_string();
            let _ = handle.run(move |engine| engine.snapshot_write_failed(&message));
        }
    }
}

impl Drop for Snapshots {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}
