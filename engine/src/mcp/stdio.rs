//! MCP over stdio, with fd 1 protected.
//!
//! Nothing but protocol may reach stdout. Before serving, the engine duplicates fd 1 for the
//! transport and points fd 1 at stderr, so a stray `println!` — in the engine or in a plugin —
//! lands on stderr instead of corrupting the stream.

use std::fs::File;

use rmcp::ServiceExt;

use super::McpServer;

/// Takes fd 1 for the protocol and redirects fd 1 to stderr. Returns the protocol's writer.
///
/// # Errors
///
/// When the file descriptors cannot be duplicated.
pub fn protect_stdout() -> std::io::Result<File> {
    let protocol = rustix::io::dup(std::io::stdout())?;
    rustix::stdio::dup2_stdout(std::io::stderr())?;
    Ok(File::from(protocol))
}

/// Serves MCP on stdin and the protected stdout until stdin closes or `shutdown` fires.
///
/// # Errors
///
/// When the transport fails to start.
pub async fn serve_stdio(
    server: McpServer,
    out: File,
    shutdown: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let stdin = rustix::io::dup(std::io::stdin())?;
    let transport = (super::pipe::reader(stdin), super::pipe::writer(out.into()));
    let running = server.serve(transport).await?;
    tokio::select! {
        r = running.waiting() => { r?; }
        () = shutdown.cancelled() => {}
    }
    Ok(())
}
