//! MCP over Streamable HTTP (axum on hyper), loopback by default, with Origin and Host
//! validation, an optional bearer token, and bounds against hostile clients:
//!
//! - a request's headers must arrive within [`HttpLimits::header_read_timeout`] (10 s; the
//!   environment variable `OMNYSYS_HTTP_HEADER_TIMEOUT_MS` overrides it, for tests), and an idle
//!   keep-alive connection is closed after the same time;
//! - at most [`HttpLimits::max_connections`] connections are served at once (256); further
//!   connections wait in the kernel's listen backlog until one closes;
//! - at most [`HttpLimits::max_sessions`] legacy (`initialize`) sessions live at once (256); an
//!   `initialize` beyond that is answered 503;
//! - request bodies are limited to [`MAX_BODY_BYTES`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::uri::Authority;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use super::http_guard::{ConnectedTo, Guard};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Environment variable overriding [`HttpLimits::header_read_timeout`], in milliseconds.
pub const HEADER_TIMEOUT_ENV: &str = "OMNYSYS_HTTP_HEADER_TIMEOUT_MS";

/// Connections the kernel holds for us beyond those being served.
const LISTEN_BACKLOG: u32 = 1024;

/// How long connections get to finish when the server shuts down.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Bounds on what clients may hold.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Live legacy sessions; an `initialize` beyond this is answered 503.
    pub max_sessions: usize,
    /// Time a client gets to send a request's headers (and that an idle connection may stay).
    pub header_read_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 256,
            max_sessions: 256,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

impl HttpLimits {
    /// The defaults, with the header timeout taken from `OMNYSYS_HTTP_HEADER_TIMEOUT_MS` when
    /// that is set to a number of milliseconds.
    #[must_use]
    pub fn from_env() -> Self {
        let mut limits = HttpLimits::default();
        if let Some(ms) = std::env::var(HEADER_TIMEOUT_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            limits.header_read_timeout = Duration::from_millis(ms);
        }
        limits
    }
}

/// HTTP settings.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Where to listen.
    pub addr: SocketAddr,
    /// When set, every request needs `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Host names (`NAME` or `NAME:PORT`) accepted in the `Host` header besides the loopback
    /// names and the address the client connected to.
    pub allowed_hosts: Vec<String>,
    /// Bounds on connections, sessions and slow clients.
    pub limits: HttpLimits,
}

/// Why the HTTP server will not start.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// A non-loopback address without a token.
    #[error(
        "refusing to listen on {0} without a token: set --token or OMNYSYS_TOKEN, or bind a loopback address"
    )]
    PublicWithoutToken(SocketAddr),
    /// A token that is empty: no client could ever send it.
    #[error(
        "the bearer token is empty: give --token a non-empty value, or unset OMNYSYS_TOKEN (an empty OMNYSYS_TOKEN counts as set)"
    )]
    EmptyToken,
    /// An allowed host that is not a host name.
    #[error("--allow-host {0:?} is not a host name or NAME:PORT")]
    BadAllowedHost(String),
    /// A limit of zero.
    #[error("{0} must be at least 1")]
    ZeroLimit(&'static str),
    /// Binding failed.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

/// Checks the options without binding anything, so that a mistake is reported at start-up.
///
/// # Errors
///
/// [`HttpError`] other than `Bind`.
pub fn check_options(options: &HttpOptions) -> Result<(), HttpError> {
    match options.token.as_deref() {
        Some(t) if t.trim().is_empty() => return Err(HttpError::EmptyToken),
        None if !options.addr.ip().is_loopback() => {
            return Err(HttpError::PublicWithoutToken(options.addr));
        }
        _ => {}
    }
    if let Some(bad) = options
        .allowed_hosts
        .iter()
        .find(|h| h.parse::<Authority>().is_err())
    {
        return Err(HttpError::BadAllowedHost(bad.clone()));
    }
    if options.limits.max_connections == 0 {
        return Err(HttpError::ZeroLimit("--http-max-connections"));
    }
    if options.limits.max_sessions == 0 {
        return Err(HttpError::ZeroLimit("--http-max-sessions"));
    }
    Ok(())
}

/// Binds the listener, checking the options first.
///
/// # Errors
///
/// [`HttpError`].
pub async fn bind(options: &HttpOptions) -> Result<tokio::net::TcpListener, HttpError> {
    check_options(options)?;
    listen(options.addr).map_err(|e| HttpError::Bind(options.addr, e))
}

/// A listener with a deep backlog: connections beyond the connection cap wait there.
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `/mcp` on `listener` until `shutdown` fires: `server` is the in-process [`super::McpServer`]
/// or the front's `FrontServer` (crate `front`).
///
/// # Errors
///
/// When the listener's address cannot be read.
pub async fn serve_http<S>(
    server: S,
    listener: tokio::net::TcpListener,
    options: HttpOptions,
    shutdown: CancellationToken,
) -> std::io::Result<()>
where
    S: rmcp::ServerHandler + Clone + Send + Sync + 'static,
{
    let local = listener.local_addr()?;
    let sessions = Arc::new(LocalSessionManager::default());
    let service: StreamableHttpService<S, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(server.clone()),
        sessions.clone(),
        rmcp_config(local, &options, &shutdown),
    );
    let guard = Arc::new(Guard::new(&options, local, sessions));
    let app = axum::Router::new()
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(guard, Guard::check));
    accept_loop(listener, app, &options.limits, shutdown).await;
    Ok(())
}

/// rmcp's settings. Host validation is done by [`Guard`], which knows the address each client
/// connected to; rmcp's own list would refuse every non-loopback Host.
fn rmcp_config(
    local: SocketAddr,
    options: &HttpOptions,
    shutdown: &CancellationToken,
) -> StreamableHttpServerConfig {
    let port = local.port();
    let mut origins: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
        .map(|h| format!("http://{h}:{port}"))
        .into();
    if !local.ip().is_unspecified() && !local.ip().is_loopback() {
        origins.push(format!("http://{local}"));
    }
    origins.extend(options.allowed_hosts.iter().map(|h| {
        match h.parse::<Authority>().ok().and_then(|a| a.port_u16()) {
            Some(_) => format!("http://{h}"),
            None => format!("http://{h}:{port}"),
        }
    }));
    StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .with_allowed_origins(origins)
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        .with_cancellation_token(shutdown.child_token())
}

/// Accepts connections while fewer than `max_connections` are open, until `shutdown`; then
/// gives open connections [`DRAIN_TIMEOUT`] to finish.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: &HttpLimits,
    shutdown: CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut last_full_warning: Option<Instant> = None;
    loop {
        if slots.available_permits() == 0 {
            warn_full(&mut last_full_warning, limits.max_connections);
        }
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = shutdown.cancelled() => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
        match accepted {
            Ok((stream, peer)) => {
                let conn = Connection {
                    app: app.clone(),
                    header_read_timeout: limits.header_read_timeout,
                    shutdown: shutdown.clone(),
                    _slot: slot,
                };
                tokio::spawn(conn.serve(stream, peer));
            }
            Err(e) => {
                // EMFILE and friends: give descriptors a moment to come back.
                tracing::warn!(error = %e, "cannot accept an HTTP connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drain(&slots, limits.max_connections).await;
}

/// Logs that the connection limit is reached, at most every 10 s.
fn warn_full(last: &mut Option<Instant>, max_connections: usize) {
    if last.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
        tracing::warn!(
            max_connections,
            "HTTP connection limit reached; new connections wait in the listen backlog"
        );
        *last = Some(Instant::now());
    }
}

/// Waits (bounded) until every connection has closed.
async fn drain(slots: &Semaphore, max_connections: usize) {
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(DRAIN_TIMEOUT, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            open = max_connections - slots.available_permits(),
            "HTTP connections still open after the shutdown grace period"
        );
    }
}

/// One accepted connection and the slot it holds until it closes.
struct Connection {
    app: axum::Router,
    header_read_timeout: Duration,
    shutdown: CancellationToken,
    _slot: OwnedSemaphorePermit,
}

impl Connection {
    /// Serves HTTP/1 on `stream` until the client closes it, a header read times out, or
    /// `shutdown` fires (then in-flight requests finish first).
    async fn serve(self, stream: tokio::net::TcpStream, peer: SocketAddr) {
        let Ok(local) = stream.local_addr() else {
            return;
        };
        let app = self.app.layer(axum::Extension(ConnectedTo(local)));
        // HTTP/1 from the first byte: version sniffing would wait for bytes before the header
        // timer starts, and a client that sends nothing would never time out.
        let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
        let mut conn = std::pin::pin!(conn);
        let result = tokio::select! {
            result = conn.as_mut() => result,
            () = self.shutdown.cancelled() => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = result {
            tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
        }
    }
}
