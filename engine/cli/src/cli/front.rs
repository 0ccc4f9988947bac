//! `omnysys serve` as the front: the transport and the client's session here, the engine in a
//! child process that a crash or an upgrade may replace (see `omnysys_engine::front`).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use omnysys_engine::front::{ChildSpec, Front};
use omnysys_engine::mcp::http::{bind, serve_http};
use omnysys_engine::mcp::stdio::serve_stdio;
use omnysys_engine::plugin::quarantine::{CRASH_DIR_ENV, CRASH_FILE};
use tokio_util::sync::CancellationToken;

use super::serve::{ServeArgs, cancel_on_signal, greet, transport};

/// In the engine child: the crash handler that names the plugin generation that crashed.
///
/// # Errors
///
/// When the crash record cannot be created.
pub fn prepare_engine_child() -> anyhow::Result<()> {
    if let Some(dir) = std::env::var_os(CRASH_DIR_ENV) {
        let record = std::path::Path::new(&dir).join(CRASH_FILE);
        omnysys_engine::plugin::crash_signal::install(&record)?;
    }
    omnysys_engine::crash_points::kill_if_asked("engine-child-start");
    Ok(())
}

/// Serves as the front until stdin closes (stdio), or SIGINT/SIGTERM; then stops the engine
/// child, which writes its snapshot.
///
/// # Errors
///
/// Bad HTTP options, an address that cannot be bound, a project that does not exist.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let (http, stdout) = transport(&args)?;
    let spec = child_spec(&args)?;
    if std::io::stdin().is_terminal() {
        greet(&args, &args.project.project);
    }
    let crash_dir = spec.crash_dir.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let call_timeout = Duration::from_secs(args.call_timeout);
    let served = runtime.block_on(async move {
        let front = Front::start(spec, call_timeout);
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        let served = match (http, stdout) {
            (Some(options), _) => serve_on_http(front.server.clone(), options, shutdown).await,
            (None, Some(out)) => serve_stdio(front.server.clone(), out, shutdown).await,
            (None, None) => unreachable!("stdio mode always protects stdout"),
        };
        front.stop().await;
        served
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    let _ = std::fs::remove_dir_all(&crash_dir);
    served?;
    Ok(ExitCode::SUCCESS)
}

async fn serve_on_http(
    server: omnysys_engine::front::FrontServer,
    options: omnysys_engine::mcp::http::HttpOptions,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let listener = bind(&options).await?;
    tracing::info!(url = %format!("http://{}/mcp", listener.local_addr()?), "serving MCP over Streamable HTTP");
    serve_http(server, listener, options, shutdown).await?;
    Ok(())
}

/// This executable, re-run as `serve --engine-child` for the same project, tool set, call
/// timeout and build-on-save switch.
fn child_spec(args: &ServeArgs) -> anyhow::Result<ChildSpec> {
    let project = args
        .project
        .project
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("project `{}`: {e}", args.project.project.display()))?;
    let mut child_args: Vec<OsString> = vec![
        "serve".into(),
        "--engine-child".into(),
        "--project".into(),
        project.into(),
        "--call-timeout".into(),
        args.call_timeout.to_string().into(),
    ];
    if args.no_build {
        child_args.push("--no-build".into());
    }
    if let Some(toolset) = &args.project.toolset {
        child_args.push("--toolset".into());
        child_args.push(std::path::absolute(toolset)?.into());
    }
    let crash_dir = std::env::temp_dir().join(format!("omnysys-front-{}", std::process::id()));
    Ok(ChildSpec {
        exe: std::env::current_exe()?,
        args: child_args,
        crash_dir,
    })
}
