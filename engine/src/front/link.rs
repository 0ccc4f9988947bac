//! A JSON-RPC link to an engine child over its stdin/stdout: requests matched to answers by id,
//! notifications handed to the front, the MCP handshake.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{ChildStdin, ChildStdout};
use tokio::sync::{mpsc, oneshot};

/// The protocol the front speaks to its engine child (legacy: sessions, `logging/setLevel`).
pub const CHILD_PROTOCOL: &str = "2025-06-18";

/// How a request to the child ended without a result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LinkError {
    /// The child answered with a JSON-RPC error.
    #[error("{message}")]
    Rpc {
        /// JSON-RPC error code.
        code: i32,
        /// Its message.
        message: String,
        /// Its data.
        data: Option<Value>,
    },
    /// The child ended before answering; the text says how (signal, plugin, tool).
    #[error("{0}")]
    Ended(String),
}

/// A notification from the child.
#[derive(Debug)]
pub struct Notification {
    /// Its method.
    pub method: String,
    /// Its params (`null` when absent).
    pub params: Value,
}

type Answer = Result<Value, LinkError>;

/// The front's end of one child's stdio.
pub struct Link {
    stdin: tokio::sync::Mutex<Option<ChildStdin>>,
    pending: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
    progress: Mutex<HashMap<String, mpsc::UnboundedSender<Value>>>,
    next_id: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Link {
    /// A link over the child's pipes; starts the task reading its output, which sends
    /// notifications to `notifications` and ends at the child's EOF.
    pub fn start(
        stdin: ChildStdin,
        stdout: ChildStdout,
        notifications: mpsc::UnboundedSender<Notification>,
    ) -> std::sync::Arc<Self> {
        let link = std::sync::Arc::new(Link {
            stdin: tokio::sync::Mutex::new(Some(stdin)),
            pending: Mutex::new(HashMap::new()),
            progress: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
        });
        tokio::spawn(read_loop(link.clone(), stdout, notifications));
        link
    }

    /// The MCP handshake: `initialize`, `notifications/initialized`, and a log level of debug
    /// (the front filters per client).
    ///
    /// # Errors
    ///
    /// When the child does not answer.
    pub async fn handshake(&self) -> Result<(), LinkError> {
        let params = json!({
            "protocolVersion": CHILD_PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "omnysys-front", "version": env!("CARGO_PKG_VERSION")},
        });
        self.request("initialize", params).await?;
        self.notify("notifications/initialized", Value::Null).await;
        self.request("logging/setLevel", json!({"level": "debug"}))
            .await?;
        Ok(())
    }

    /// Sends a request; returns its id and a receiver of the answer.
    pub async fn send(&self, method: &str, params: Value) -> (u64, oneshot::Receiver<Answer>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, tx);
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.write(&message).await;
        (id, rx)
    }

    /// Sends a request and waits for its answer.
    ///
    /// # Errors
    ///
    /// The child's error, or its end.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, LinkError> {
        let (_, rx) = self.send(method, params).await;
        rx.await
            .unwrap_or_else(|_| Err(LinkError::Ended("the engine process ended".into())))
    }

    /// Sends a notification.
    pub async fn notify(&self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.write(&message).await;
    }

    /// Tells the child a request was cancelled.
    pub async fn cancel(&self, id: u64) {
        lock(&self.pending).remove(&id);
        let params = json!({"requestId": id, "reason": "cancelled by the client"});
        self.notify("notifications/cancelled", params).await;
    }

    /// Answers every request still waiting with `why` (the child ended).
    pub fn fail_all(&self, why: &str) {
        let pending = std::mem::take(&mut *lock(&self.pending));
        for (_, tx) in pending {
            let _ = tx.send(Err(LinkError::Ended(why.to_owned())));
        }
    }

    /// The params of the progress notifications carrying `token`, in the order the child sent
    /// them, which is before the answer of their request.
    pub fn watch_progress(&self, token: &str) -> mpsc::UnboundedReceiver<Value> {
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.progress).insert(token.to_owned(), tx);
        rx
    }

    /// Stops [`Link::watch_progress`] for `token` (its receiver then ends).
    pub fn unwatch_progress(&self, token: &str) {
        lock(&self.progress).remove(token);
    }

    /// Hands a progress notification to its watcher; false when nobody watches its token.
    fn route_progress(&self, params: &Value) -> bool {
        let Some(token) = params.get("progressToken").and_then(Value::as_str) else {
            return false;
        };
        match lock(&self.progress).get(token) {
            Some(tx) => tx.send(params.clone()).is_ok(),
            None => false,
        }
    }

    /// Requests waiting for an answer.
    pub fn in_flight(&self) -> usize {
        lock(&self.pending).len()
    }

    /// Closes the child's stdin: the child writes its snapshot and exits.
    pub async fn close(&self) {
        self.stdin.lock().await.take();
    }

    async fn write(&self, message: &Value) {
        let mut line = message.to_string();
        line.push('\n');
        let mut stdin = self.stdin.lock().await;
        if let Some(pipe) = stdin.as_mut()
            && let Err(e) = pipe.write_all(line.as_bytes()).await
        {
            tracing::debug!(error = %e, "cannot write to the engine process");
        }
    }

    fn answer(&self, id: u64, answer: Answer) {
        if let Some(tx) = lock(&self.pending).remove(&id) {
            let _ = tx.send(answer);
        }
    }
}

/// Reads the child's lines until EOF: answers, notifications, and requests (answered here).
async fn read_loop(
    link: std::sync::Arc<Link>,
    stdout: ChildStdout,
    notifications: mpsc::UnboundedSender<Notification>,
) {
    let mut lines = BufReader::with_capacity(1 << 16, stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            tracing::warn!(line = %line.chars().take(200).collect::<String>(), "unreadable line from the engine process");
            continue;
        };
        dispatch(&link, message, &notifications).await;
    }
}

async fn dispatch(
    link: &Link,
    mut message: Value,
    notifications: &mpsc::UnboundedSender<Notification>,
) {
    let method = message
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let id = message.get("id").cloned();
    match (method, id) {
        (Some(method), None) => {
            let params = message
                .get_mut("params")
                .map(Value::take)
                .unwrap_or_default();
            if method == "notifications/progress" && link.route_progress(&params) {
                return;
            }
            let _ = notifications.send(Notification { method, params });
        }
        (Some(method), Some(id)) => answer_child_request(link, &method, id).await,
        (None, Some(id)) => {
            let Some(id) = id.as_u64() else { return };
            link.answer(id, answer_of(message));
        }
        (None, None) => {}
    }
}

fn answer_of(mut message: Value) -> Answer {
    if let Some(result) = message.get_mut("result") {
        return Ok(result.take());
    }
    let error = message
        .get_mut("error")
        .map(Value::take)
        .unwrap_or_default();
    Err(LinkError::Rpc {
        code: error.get("code").and_then(Value::as_i64).unwrap_or(-32603) as i32,
        message: error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_owned(),
        data: error.get("data").cloned(),
    })
}

/// The engine asks nothing of clients but `ping`.
async fn answer_child_request(link: &Link, method: &str, id: Value) {
    let reply = if method == "ping" {
        json!({"jsonrpc": "2.0", "id": id, "result": {}})
    } else {
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": method}})
    };
    link.write(&reply).await;
}
