//! The checks every HTTP request passes before rmcp sees it: the `Host` header (against DNS
//! rebinding), the bearer token, and the cap on live sessions.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;

use super::http::{HttpOptions, MAX_BODY_BYTES};

/// The local address of the connection a request came in on (a request extension).
#[derive(Clone, Copy, Debug)]
pub(super) struct ConnectedTo(pub SocketAddr);

/// Host names accepted on any port: a DNS-rebinding page cannot name these.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Request checks shared by every connection.
pub(super) struct Guard {
    token: Option<String>,
    /// The listening address (its IP may be unspecified, `0.0.0.0`).
    bound: SocketAddr,
    /// Extra accepted hosts: lowercase name and, when given, port.
    names: Vec<(String, Option<u16>)>,
    sessions: Arc<LocalSessionManager>,
    max_sessions: usize,
    /// `initialize` requests in flight: each may add a session.
    opening: AtomicUsize,
}

impl Guard {
    pub(super) fn new(
        options: &HttpOptions,
        bound: SocketAddr,
        sessions: Arc<LocalSessionManager>,
    ) -> Self {
        let names = options
            .allowed_hosts
            .iter()
            .filter_map(|h| h.parse::<Authority>().ok())
            .map(|a| (a.host().to_ascii_lowercase(), a.port_u16()))
            .collect();
        Guard {
            token: options.token.clone(),
            bound,
            names,
            sessions,
            max_sessions: options.limits.max_sessions,
            opening: AtomicUsize::new(0),
        }
    }

    /// The middleware: Host, then token, then (for an `initialize`) the session cap.
    pub(super) async fn check(
        State(guard): State<Arc<Guard>>,
        req: Request,
        next: Next,
    ) -> Response {
        if let Some(refused) = guard.refuse_host(&req).or_else(|| guard.refuse_token(&req)) {
            return refused;
        }
        if req.method() == Method::POST && !req.headers().contains_key("mcp-session-id") {
            return guard.open_session(req, next).await;
        }
        next.run(req).await
    }

    /// Accepts the loopback names on any port, the address the client connected to and the
    /// bound address (even `0.0.0.0`) on the listening port, and the configured names; refuses anything else.
    fn refuse_host(&self, req: &Request) -> Option<Response> {
        let Some(authority) = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<Authority>().ok())
        else {
            tracing::warn!("refused an HTTP request without a valid Host header");
            return Some(
                (
                    StatusCode::BAD_REQUEST,
                    "Bad Request: missing or invalid Host header",
                )
                    .into_response(),
            );
        };
        let connected = req.extensions().get::<ConnectedTo>().map(|c| c.0);
        if self.host_allowed(&authority, connected) {
            return None;
        }
        tracing::warn!(
            host = authority.as_str(),
            "refused an HTTP request for a foreign Host (possible DNS rebinding)"
        );
        Some(
            (
                StatusCode::FORBIDDEN,
                "Forbidden: Host header is not allowed",
            )
                .into_response(),
        )
    }

    fn host_allowed(&self, authority: &Authority, connected: Option<SocketAddr>) -> bool {
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if LOOPBACK_NAMES.contains(&host.as_str()) {
            return true;
        }
        let port = authority.port_u16();
        if let Ok(ip) = host.parse::<IpAddr>() {
            let ip = ip.to_canonical();
            let ours = ip == self.bound.ip().to_canonical()
                || connected.is_some_and(|c| ip == c.ip().to_canonical());
            if ours && port.unwrap_or(80) == self.bound.port() {
                return true;
            }
        }
        self.names
            .iter()
            .any(|(name, p)| *name == host && p.is_none_or(|p| Some(p) == port))
    }

    /// Refuses a request without the bearer token, when one is set.
    fn refuse_token(&self, req: &Request) -> Option<Response> {
        let expected = self.token.as_deref()?;
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes())) {
            return None;
        }
        Some(
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "missing or wrong bearer token",
            )
                .into_response(),
        )
    }

    /// A POST without a session: reads the body (bounded) and, when it is an `initialize`,
    /// refuses it with 503 if the live sessions plus those being opened reach the cap.
    async fn open_session(&self, req: Request, next: Next) -> Response {
        let (parts, body) = req.into_parts();
        let bytes = match read_body(body).await {
            Ok(bytes) => bytes,
            Err(refused) => return refused,
        };
        let req = Request::from_parts(parts, Body::from(bytes.clone()));
        if !is_initialize(&bytes) {
            return next.run(req).await;
        }
        let _opening = Opening::enter(&self.opening);
        let live = self.sessions.sessions.read().await.len();
        let opening = self.opening.load(Ordering::SeqCst);
        if live + opening > self.max_sessions {
            tracing::warn!(
                live,
                max_sessions = self.max_sessions,
                "refused a new MCP session: the session limit is reached"
            );
            return session_limit_response(self.max_sessions);
        }
        next.run(req).await
    }
}

/// Counts one `initialize` in flight for as long as it lives.
struct Opening<'a>(&'a AtomicUsize);

impl<'a> Opening<'a> {
    fn enter(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Opening(counter)
    }
}

impl Drop for Opening<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn session_limit_response(max_sessions: usize) -> Response {
    let message = format!(
        "Service Unavailable: too many MCP sessions (limit {max_sessions}); end one with DELETE /mcp and its Mcp-Session-Id, or retry later"
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, message).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// Collects a request body of at most [`MAX_BODY_BYTES`].
async fn read_body(body: Body) -> Result<Bytes, Response> {
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Payload Too Large: request body exceeds {MAX_BODY_BYTES} bytes"),
        )
            .into_response()
    };
    if body.size_hint().lower() > MAX_BODY_BYTES as u64 {
        return Err(too_large());
    }
    let mut body = std::pin::pin!(body);
    let mut collected = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                format!("Bad Request: cannot read the body: {e}"),
            )
                .into_response()
        })?;
        if let Ok(data) = frame.into_data() {
            if collected.len() + data.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            collected.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(collected))
}

/// Whether a body is a JSON-RPC `initialize` request (the only request that opens a session).
fn is_initialize(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe<'a> {
        #[serde(borrow)]
        method: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<Probe<'_>>(body)
        .is_ok_and(|p| p.method.as_deref() == Some("initialize"))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(bound: &str, names: &[&str]) -> Guard {
        let options = HttpOptions {
            addr: bound.parse().unwrap(),
            token: Some("t".into()),
            allowed_hosts: names.iter().map(|s| (*s).to_string()).collect(),
            limits: super::super::http::HttpLimits::default(),
        };
        Guard::new(
            &options,
            options.addr,
            Arc::new(LocalSessionManager::default()),
        )
    }

    fn allowed(g: &Guard, host: &str, connected: &str) -> bool {
        g.host_allowed(&host.parse().unwrap(), Some(connected.parse().unwrap()))
    }

    #[test]
    fn hosts_are_checked_against_the_bound_and_connected_addresses() {
        let any = guard("0.0.0.0:8765", &["mcp.example.org"]);
        assert!(allowed(&any, "127.0.0.1:8765", "127.0.0.1:8765"));
        assert!(allowed(&any, "localhost:1234", "127.0.0.1:8765"));
        assert!(allowed(&any, "10.1.2.3:8765", "10.1.2.3:8765"));
        assert!(!allowed(&any, "10.1.2.3:9999", "10.1.2.3:8765"));
        assert!(!allowed(&any, "10.9.9.9:8765", "10.1.2.3:8765"));
        assert!(allowed(&any, "0.0.0.0:8765", "10.1.2.3:8765"));
        assert!(!allowed(&any, "0.0.0.0:80", "10.1.2.3:8765"));
        assert!(allowed(&any, "MCP.example.org", "10.1.2.3:8765"));
        assert!(!allowed(&any, "evil.example:8765", "10.1.2.3:8765"));
        let v6 = guard("[::]:8765", &[]);
        assert!(allowed(&v6, "10.1.2.3:8765", "[::ffff:10.1.2.3]:8765"));
        assert!(allowed(&v6, "[::1]:8765", "[::1]:8765"));
        let one = guard("10.1.2.3:80", &["mcp.example.org:443"]);
        assert!(allowed(&one, "10.1.2.3", "10.1.2.3:80"));
        assert!(!allowed(&one, "mcp.example.org", "10.1.2.3:80"));
        assert!(allowed(&one, "mcp.example.org:443", "10.1.2.3:80"));
    }

    #[test]
    fn only_an_initialize_body_opens_a_session() {
        assert!(is_initialize(
            br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#
        ));
        assert!(!is_initialize(
            br#"{"jsonrpc":"2.0","id":1,"method":"server/discover"}"#
        ));
        assert!(!is_initialize(br#"[{"method":"initialize"}]"#));
        assert!(!is_initialize(b"not json"));
    }
}
