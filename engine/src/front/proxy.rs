//! [`FrontServer`]: the rmcp `ServerHandler` clients talk to. It answers `initialize`, keeps the
//! session and the tool list, and forwards calls to the serving engine child.
#![expect(
    deprecated,
    reason = "logging/setLevel and the logging capability are deprecated by SEP-2577 but legacy clients use them"
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock,
    CustomRequest, CustomResult, ErrorCode, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ProtocolVersion, ServerConfig, SetLevelRequestParams,
    SubscriptionFilter, Tool,
};
use rmcp::service::{NotificationContext, RequestContext, SubscriptionContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};

use super::child::Current;
use super::link::{Link, LinkError};
use crate::mcp::peers::Peers;

/// How long after its deadline the child gets to answer a call before the front answers.
const ANSWER_GRACE: Duration = Duration::from_secs(5);

/// The front's MCP server. Cheap to clone: HTTP makes one per session, all sharing one state.
#[derive(Clone)]
pub struct FrontServer {
    pub(super) shared: Arc<FrontShared>,
}

pub(super) struct FrontShared {
    pub current: Current,
    pub tools: RwLock<Option<Arc<Vec<Tool>>>>,
    pub peers: Peers,
    pub next_token: AtomicU64,
    pub last_end: Mutex<Option<String>>,
    pub call_timeout: Duration,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl FrontServer {
    pub(super) fn new(current: Current, call_timeout: Duration) -> Self {
        FrontServer {
            shared: Arc::new(FrontShared {
                current,
                tools: RwLock::new(None),
                peers: Peers::default(),
                next_token: AtomicU64::new(1),
                last_end: Mutex::new(None),
                call_timeout,
            }),
        }
    }

    fn remember_peer(&self, ctx: &RequestContext<RoleServer>) {
        if !crate::mcp::progress::is_modern(ctx) {
            self.shared.peers.add_legacy(&ctx.peer);
        }
    }

    /// The serving child, waiting at most `wait` for one to start.
    async fn link(&self, wait: Duration) -> Result<Arc<Link>, String> {
        let mut current = self.shared.current.clone();
        let found = tokio::time::timeout(wait, current.wait_for(Option::is_some)).await;
        if let Ok(Ok(link)) = found
            && let Some(link) = link.clone()
        {
            return Ok(link);
        }
        let last = lock(&self.shared.last_end).clone();
        Err(match last {
            Some(why) => format!("no engine is serving yet; the last one ended: {why}"),
            None => "no engine is serving yet".to_owned(),
        })
    }

    /// The cached tool list, fetched from the child when there is none yet.
    async fn tools(&self) -> Result<Arc<Vec<Tool>>, McpError> {
        if let Some(tools) = self
            .shared
            .tools
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Ok(tools);
        }
        let link = self
            .link(self.shared.call_timeout)
            .await
            .map_err(|e| McpError::internal_error(e, None))?;
        let tools = fetch_tools(&link)
            .await
            .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        let tools = Arc::new(tools);
        *self.shared.tools.write().unwrap_or_else(|e| e.into_inner()) = Some(tools.clone());
        Ok(tools)
    }

    /// A front-side progress token standing for the client's (children never see two equal),
    /// and the task that forwards the child's progress for it to the client, in order.
    fn forward_progress(
        &self,
        link: &Link,
        ctx: &RequestContext<RoleServer>,
    ) -> Option<(String, tokio::task::JoinHandle<()>)> {
        let token = ctx.meta.get_progress_token()?;
        let n = self.shared.next_token.fetch_add(1, Ordering::Relaxed);
        let key = format!("front-{n}");
        let mut updates = link.watch_progress(&key);
        let peer = ctx.peer.clone();
        let task = tokio::spawn(async move {
            while let Some(params) = updates.recv().await {
                let Ok(mut p) = serde_json::from_value::<ProgressNotificationParam>(params) else {
                    continue;
                };
                p.progress_token = token.clone();
                let _ = peer.notify_progress(p).await;
            }
        });
        Some((key, task))
    }

    async fn forward_call(
        &self,
        name: &str,
        params: Value,
        ctx: &RequestContext<RoleServer>,
    ) -> Result<Value, LinkError> {
        let limit = self.shared.call_timeout;
        let link = self.link(limit).await.map_err(LinkError::Ended)?;
        let mut params = params;
        let progress = self.forward_progress(&link, ctx);
        if let Some((key, _)) = &progress {
            params["_meta"] = json!({"progressToken": key});
        }
        let answer = self.send_call(&link, name, params, ctx).await;
        if let Some((key, task)) = progress {
            // The child sent its progress before its answer: let it reach the client first.
            link.unwatch_progress(&key);
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
        answer
    }

    async fn send_call(
        &self,
        link: &Link,
        name: &str,
        params: Value,
        ctx: &RequestContext<RoleServer>,
    ) -> Result<Value, LinkError> {
        let limit = self.shared.call_timeout;
        let (id, answer) = link.send("tools/call", params).await;
        tokio::select! {
            r = tokio::time::timeout(limit + ANSWER_GRACE, answer) => match r {
                Ok(Ok(answer)) => answer,
                Ok(Err(_)) => Err(LinkError::Ended("the engine process ended".into())),
                Err(_) => {
                    link.cancel(id).await;
                    Err(LinkError::Ended(format!("the engine did not answer `{name}` within {}s", (limit + ANSWER_GRACE).as_secs())))
                }
            },
            () = ctx.ct.cancelled() => {
                link.cancel(id).await;
                Err(LinkError::Rpc { code: ErrorCode::INTERNAL_ERROR.0, message: "cancelled".into(), data: None })
            }
        }
    }
}

/// The child's tool list.
pub(super) async fn fetch_tools(link: &Link) -> Result<Vec<Tool>, LinkError> {
    let value = link.request("tools/list", json!({})).await?;
    let list: ListToolsResult =
        serde_json::from_value(value).map_err(|e| LinkError::Ended(e.to_string()))?;
    Ok(list.tools)
}

impl ServerHandler for FrontServer {
    fn get_info(&self) -> ServerConfig {
        crate::mcp::server::server_config()
    }

    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        std::borrow::Cow::Borrowed(ProtocolVersion::KNOWN_VERSIONS)
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        self.remember_peer(&ctx);
        let tools = self.tools().await?;
        Ok(ListToolsResult::with_all_items(tools.as_ref().clone())
            .with_ttl_ms(1000)
            .with_cache_scope(CacheScope::Public))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let tools = self
            .shared
            .tools
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        self.remember_peer(&ctx);
        let name = request.name.to_string();
        let params = json!({"name": name, "arguments": request.arguments.unwrap_or_default()});
        let outcome = self.forward_call(&name, params, &ctx).await;
        match outcome {
            Ok(value) => serde_json::from_value::<CallToolResult>(value)
                .map(|mut result| {
                    // The child speaks an older protocol; rmcp clears this again for peers that do.
                    result.result_type = Some(rmcp::model::ResultType::COMPLETE);
                    result.into()
                })
                .map_err(|e| {
                    McpError::internal_error(
                        format!("unreadable answer from the engine: {e}"),
                        None,
                    )
                }),
            Err(LinkError::Rpc {
                code,
                message,
                data,
            }) => Err(McpError::new(ErrorCode(code), message, data)),
            Err(LinkError::Ended(why)) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(why)]).into())
            }
        }
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.remember_peer(&ctx);
        self.shared.peers.set_log_level(request.level);
        Ok(())
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(requested.supported_by(&self.get_info().capabilities))
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), McpError> {
        let key = self.shared.peers.add_sink(context.sink().clone());
        context.cancelled().await;
        self.shared.peers.remove_sink(key);
        Ok(())
    }

    async fn on_initialized(&self, ctx: NotificationContext<RoleServer>) {
        self.shared.peers.add_legacy(&ctx.peer);
    }

    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _: RequestContext<RoleServer>,
    ) -> Result<CustomResult, McpError> {
        Err(crate::mcp::server::unknown_or_malformed(&request))
    }
}
