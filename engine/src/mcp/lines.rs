//! Bounded message lines on stdio.
//!
//! rmcp's line transport drops an oversized line without a word to the client. Here, stdin goes
//! through [`BoundedLines`] first: it passes whole lines of at most [`MAX_LINE_BYTES`], and
//! replaces a longer line (never holding more than the limit of it) by a marker notification.
//! [`LineTransport`] turns the marker into a JSON-RPC error with id `null` — code -32600,
//! "request too large" — and the session goes on with the next line.
//!
//! A line that is JSON with a number or string `id` but no valid client message (`"method": 7`,
//! a request without `method`) would get rmcp's -32600 without its id, leaving the client waiting
//! for an answer to it: it becomes a marker carrying the id, answered -32600 with that id. A line
//! that is not JSON is ignored, as rmcp and the other MCP SDKs do (answering unparsable input
//! invites an error storm with a peer that echoes it).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use rmcp::RoleServer;
use rmcp::model::{
    ClientJsonRpcMessage, ClientNotification, ErrorData, RequestId, ServerJsonRpcMessage,
};
use rmcp::transport::Transport;
use tokio::io::{AsyncRead, ReadBuf};

/// Longest accepted message line, without its newline: the HTTP body limit.
pub const MAX_LINE_BYTES: usize = super::http::MAX_BODY_BYTES;

/// The method of the marker that stands for a discarded line.
const OVERSIZED_METHOD: &str = "notifications/omnysys/oversized";

/// The method of the marker that stands for a request that does not decode (params: its `id`).
const INVALID_METHOD: &str = "notifications/omnysys/invalid";

/// How much is read from the inner reader at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// A reader that yields only whole lines of at most `max` bytes, and a marker line in place of
/// each longer one.
pub struct BoundedLines<R> {
    inner: R,
    max: usize,
    /// The line being collected (at most `max` bytes).
    line: Vec<u8>,
    /// Bytes ready for the caller, from `ready_from` on.
    ready: Vec<u8>,
    ready_from: usize,
    /// Inside an oversized line: skipping to its newline.
    discarding: bool,
    chunk: Box<[u8]>,
    eof: bool,
}

impl<R> BoundedLines<R> {
    /// Wraps `inner`, limiting lines to `max` bytes.
    pub fn new(inner: R, max: usize) -> Self {
        BoundedLines {
            inner,
            max,
            line: Vec::new(),
            ready: Vec::new(),
            ready_from: 0,
            discarding: false,
            chunk: vec![0; CHUNK_BYTES].into_boxed_slice(),
            eof: false,
        }
    }

    /// Splits `data` into lines: complete ones become ready, an oversized one a marker.
    fn take(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let newline = data.iter().position(|&b| b == b'\n');
            let (segment, rest) = data.split_at(newline.map_or(data.len(), |i| i + 1));
            data = rest;
            if self.discarding {
                self.discarding = newline.is_none();
                continue;
            }
            let content = segment.len() - usize::from(newline.is_some());
            if self.line.len() + content > self.max {
                self.discard(newline.is_none());
                continue;
            }
            self.line.extend_from_slice(segment);
            if newline.is_some() {
                self.finish_line();
            }
        }
    }

    /// Queues the complete line collected, or the marker of an undecodable request in its place.
    fn finish_line(&mut self) {
        match undecodable_request_id(&self.line) {
            None => self.ready.append(&mut self.line),
            Some(id) => {
                self.line.clear();
                let marker = serde_json::json!({
                    "jsonrpc": "2.0", "method": INVALID_METHOD, "params": {"id": id}
                });
                self.ready.extend_from_slice(marker.to_string().as_bytes());
                self.ready.push(b'\n');
            }
        }
    }

    /// Drops the line being collected and queues the marker in its place.
    fn discard(&mut self, more_to_come: bool) {
        tracing::warn!(
            max_bytes = self.max,
            "discarded an oversized message line on stdin; answering with an error"
        );
        self.line = Vec::new();
        self.discarding = more_to_come;
        self.ready.extend_from_slice(
            format!("{{\"jsonrpc\":\"2.0\",\"method\":\"{OVERSIZED_METHOD}\"}}\n").as_bytes(),
        );
    }

    /// Copies ready bytes into `buf`; false when there are none.
    fn give(&mut self, buf: &mut ReadBuf<'_>) -> bool {
        let pending = &self.ready[self.ready_from..];
        if pending.is_empty() {
            return false;
        }
        let n = pending.len().min(buf.remaining());
        buf.put_slice(&pending[..n]);
        self.ready_from += n;
        if self.ready_from == self.ready.len() {
            self.ready.clear();
            self.ready_from = 0;
        }
        true
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for BoundedLines<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.give(buf) || this.eof {
                return Poll::Ready(Ok(()));
            }
            let mut chunk = std::mem::take(&mut this.chunk);
            let mut read = ReadBuf::new(&mut chunk);
            let polled = Pin::new(&mut this.inner).poll_read(cx, &mut read);
            let filled = read.filled().len();
            if let Poll::Ready(Ok(())) = polled {
                if filled == 0 {
                    // EOF: a trailing line without a newline is passed on as it is.
                    this.eof = true;
                    let mut rest = std::mem::take(&mut this.line);
                    this.ready.append(&mut rest);
                } else {
                    this.take(&chunk[..filled]);
                }
            }
            this.chunk = chunk;
            ready!(polled)?;
        }
    }
}

/// A reply being written.
type Sending = Pin<Box<dyn Future<Output = Result<(), io::Error>> + Send>>;

/// A server transport that answers the marker of [`BoundedLines`] with a -32600 error.
pub struct LineTransport<T> {
    inner: T,
    /// The error reply being written, kept here so that a cancelled `receive` resumes it.
    replying: Option<Sending>,
}

impl<T> LineTransport<T> {
    /// Wraps a transport reading from a [`BoundedLines`].
    pub fn new(inner: T) -> Self {
        LineTransport {
            inner,
            replying: None,
        }
    }
}

impl<T> Transport<RoleServer> for LineTransport<T>
where
    T: Transport<RoleServer, Error = io::Error>,
{
    type Error = io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<ClientJsonRpcMessage> {
        loop {
            if let Some(reply) = self.replying.as_mut() {
                if let Err(e) = reply.await {
                    tracing::warn!(error = %e, "cannot answer an oversized message");
                }
                self.replying = None;
            }
            let message = self.inner.receive().await?;
            let (error, id) = match marker(&message) {
                None => return Some(message),
                Some(Marker::Oversized) => (
                    format!(
                        "request too large: a message line is limited to {MAX_LINE_BYTES} bytes"
                    ),
                    None,
                ),
                Some(Marker::Invalid(id)) => (
                    "invalid request: not a JSON-RPC request of this protocol".to_owned(),
                    id,
                ),
            };
            let error = ErrorData::invalid_request(error, None);
            self.replying = Some(Box::pin(
                self.inner.send(ServerJsonRpcMessage::error(error, id)),
            ));
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

/// The id of `line` when it is a JSON object with a number or string `id` that does not decode
/// as a client message; `None` for anything rmcp reads, ignores or cannot correlate.
fn undecodable_request_id(line: &[u8]) -> Option<RequestId> {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.iter().all(u8::is_ascii_whitespace)
        || serde_json::from_slice::<ClientJsonRpcMessage>(text).is_ok()
    {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(text).ok()?;
    serde_json::from_value(value.get("id")?.clone()).ok()
}

/// The marker `message` stands for, if it is one.
enum Marker {
    Oversized,
    Invalid(Option<RequestId>),
}

fn marker(message: &ClientJsonRpcMessage) -> Option<Marker> {
    let ClientJsonRpcMessage::Notification(n) = message else {
        return None;
    };
    let ClientNotification::CustomNotification(c) = &n.notification else {
        return None;
    };
    match c.method.as_str() {
        OVERSIZED_METHOD => Some(Marker::Oversized),
        INVALID_METHOD => {
            let id = c.params.as_ref().and_then(|p| p.get("id")).cloned();
            Some(Marker::Invalid(
                id.and_then(|id| serde_json::from_value(id).ok()),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    async fn through(input: &[u8], max: usize) -> String {
        let mut out = String::new();
        BoundedLines::new(input, max)
            .read_to_string(&mut out)
            .await
            .unwrap();
        out
    }

    #[tokio::test]
    async fn long_lines_become_markers_and_short_ones_pass() {
        let marker = format!("{{\"jsonrpc\":\"2.0\",\"method\":\"{OVERSIZED_METHOD}\"}}\n");
        assert_eq!(through(b"abcd\nxy\n", 4).await, "abcd\nxy\n");
        assert_eq!(through(b"abcde\nxy\n", 4).await, format!("{marker}xy\n"));
        let long = [b"z".repeat(200_000), b"\nok\n".to_vec()].concat();
        assert_eq!(through(&long, 10).await, format!("{marker}ok\n"));
        assert_eq!(through(b"ok\ntail", 10).await, "ok\ntail");
    }

    #[tokio::test]
    async fn an_undecodable_request_becomes_a_marker_with_its_id_and_the_rest_passes() {
        let ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";
        assert_eq!(through(ping.as_bytes(), 1000).await, ping);
        let bad = "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":7}\n";
        let out = through(bad.as_bytes(), 1000).await;
        let marker: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
        assert_eq!(marker["method"], INVALID_METHOD);
        assert_eq!(marker["params"]["id"], 6);
        // Not JSON, no id, or an id that cannot be one: passed on for rmcp to ignore or answer.
        for line in [
            "garbage\n",
            "{\"method\":7}\n",
            "{\"id\":[1],\"method\":7}\n",
            "\n",
        ] {
            assert_eq!(through(line.as_bytes(), 1000).await, line);
        }
    }
}
