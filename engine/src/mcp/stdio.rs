//! MCP over stdio, with fd 1 protected.
//!
//! Nothing but protocol may reach stdout. Before serving, the engine duplicates fd 1 for the
//! transport and points fd 1 at stderr, so a stray `println!` — in the engine or in a plugin —
//! lands on stderr instead of corrupting the stream.
//!
//! A message line is limited to [`MAX_LINE_BYTES`] (4 MiB, as an HTTP body): a longer one is
//! skipped without being held in memory and answered with a -32600 error whose id is `null`
//! ([`super::lines`]); the session goes on.

use std::fs::File;

use rmcp::ServiceExt;
use rmcp::transport::async_rw::AsyncRwTransport;

use super::lines::{BoundedLines, LineTransport, MAX_LINE_BYTES};

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

/// Serves MCP on stdin and the protected stdout until stdin closes or `shutdown` fires: `server`
/// is the in-process [`super::McpServer`] or the front's `FrontServer` (crate `front`).
///
/// # Errors
///
/// When the transport fails to start.
pub async fn serve_stdio<S: rmcp::ServerHandler>(
    server: S,
    out: File,
    shutdown: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let stdin = rustix::io::dup(std::io::stdin())?;
    let lines = BoundedLines::new(super::pipe::reader(stdin), MAX_LINE_BYTES);
    // A line that passed BoundedLines is at most MAX_LINE_BYTES plus its newline.
    let inner = AsyncRwTransport::new_server(lines, super::pipe::writer(out.into()))
        .with_max_line_length(MAX_LINE_BYTES + 1);
    let running = server.serve(LineTransport::new(inner)).await?;
    tokio::select! {
        r = running.waiting() => { r?; }
        () = shutdown.cancelled() => {}
    }
    Ok(())
}
