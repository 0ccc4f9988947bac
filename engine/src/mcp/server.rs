//! [`McpServer`]: the rmcp `ServerHandler` over an engine thread.
#![expect(
    deprecated,
    reason = "logging/setLevel and the logging capability are deprecated by SEP-2577 but legacy clients use them"
)]

use std::borrow::Cow;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock,
    CustomRequest, CustomResult, ErrorCode, Implementation, ListToolsResult,
    PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig,
    SetLevelRequestParams, SubscriptionFilter, Tool,
};
use rmcp::service::{NotificationContext, RequestContext, SubscriptionContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};

use super::catalog::ToolSnapshot;
use super::convert::to_result;
use super::peers::Peers;
use crate::handle::EngineHandle;
use crate::plugin::CallError;

/// Settings of the MCP layer.
#[derive(Clone, Debug)]
pub struct McpOptions {
    /// A call still running after this long is answered with an error (and counted as stuck).
    pub call_timeout: Duration,
}

impl Default for McpOptions {
    fn default() -> Self {
        McpOptions {
            call_timeout: Duration::from_secs(60),
        }
    }
}

/// The MCP server. Cheap to clone: HTTP makes one per session, all sharing one state.
#[derive(Clone)]
pub struct McpServer {
    shared: Arc<Shared>,
}

pub(super) struct Shared {
    pub engine: EngineHandle,
    pub tools: RwLock<Arc<ToolSnapshot>>,
    pub peers: Peers,
    pub options: McpOptions,
}

impl McpServer {
    /// A server over `engine`, with the engine's current tool list; starts the task that tells
    /// clients about reloads.
    ///
    /// # Errors
    ///
    /// When the engine thread has stopped.
    pub async fn new(
        engine: EngineHandle,
        options: McpOptions,
    ) -> Result<Self, crate::handle::EngineGone> {
        let (snapshot, events) = engine
            .run_async(|e| (ToolSnapshot::of(e.world()), e.subscribe()))
            .await?;
        let shared = Arc::new(Shared {
            engine,
            tools: RwLock::new(Arc::new(snapshot)),
            peers: Peers::default(),
            options,
        });
        tokio::spawn(super::events::relay(shared.clone(), events));
        Ok(McpServer { shared })
    }

    /// Remembers a legacy peer for list_changed and reload logs (2026-07-28 clients listen
    /// through `subscriptions/listen` instead).
    fn remember_peer(&self, ctx: &RequestContext<RoleServer>) {
        if !super::progress::is_modern(ctx) {
            self.shared.peers.add_legacy(&ctx.peer);
        }
    }

    fn snapshot(&self) -> Arc<ToolSnapshot> {
        self.shared
            .tools
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl McpServer {
    /// Runs one call under its time limit: the tool stops itself at the deadline (its loops
    /// check it) or when the client cancels; a tool that does not stop is answered for anyway a
    /// moment after its deadline, and counted as stuck once it returns.
    async fn run_call(
        &self,
        name: &str,
        args: serde_json::Value,
        events: Option<crate::plugin::EventSender>,
        cancelled: &tokio_util::sync::CancellationToken,
    ) -> Result<crate::plugin::ToolAnswer, CallError> {
        let limit = self.shared.options.call_timeout;
        let limits = crate::plugin::CallLimits::within(limit);
        let mut invocation = crate::plugin::ToolInvocation::new(args).with_limits(limits.clone());
        invocation.events = events;
        let call = self.shared.engine.call_tool(name, invocation);
        let ran = tokio::select! {
            r = tokio::time::timeout(limit + STOP_GRACE, call) => r,
            () = cancelled.cancelled() => {
                limits.cancel();
                return Err(CallError::Cancelled);
            }
        };
        ran.unwrap_or_else(|_| {
            limits.cancel();
            tracing::warn!(tool = %name, ?limit, "tool call did not stop at its deadline");
            let engine = self.shared.engine.clone();
            tokio::spawn(async move {
                let _ = engine.run_async(crate::Engine::count_stuck_call).await;
            });
            Err(CallError::TimedOut {
                tool: name.to_owned(),
                limit,
            })
        })
    }
}

/// How long after its deadline a call that has not stopped is answered for anyway.
const STOP_GRACE: Duration = Duration::from_secs(1);

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        server_config()
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(ProtocolVersion::KNOWN_VERSIONS)
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        self.remember_peer(&ctx);
        let tools = self.snapshot().tools.clone();
        Ok(ListToolsResult::with_all_items(tools)
            .with_ttl_ms(1000)
            .with_cache_scope(CacheScope::Public))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.snapshot().get(name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        self.remember_peer(&ctx);
        let name = request.name.to_string();
        let args = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let cancelled = ctx.ct.clone();
        let (events, forwarder) = super::progress::event_sender(&ctx, self.shared.clone());
        let events = Some(events);
        let outcome = self.run_call(&name, args, events, &cancelled).await;
        if !matches!(outcome, Err(CallError::TimedOut { .. })) {
            // The job has finished and dropped its event sender: let the last progress and log
            // notifications go out before the result.
            let _ = tokio::time::timeout(Duration::from_secs(5), forwarder).await;
        }
        match outcome {
            Ok(answer) => Ok(to_result(answer).into()),
            Err(CallError::Cancelled) => Err(McpError::internal_error("cancelled", None)),
            Err(CallError::EngineGone) => Err(McpError::internal_error(
                CallError::EngineGone.to_string(),
                None,
            )),
            Err(CallError::UnknownTool(_)) => Err(McpError::invalid_params(
                format!("tool not found: {name}"),
                None,
            )),
            Err(e @ (CallError::TimedOut { .. } | CallError::System(..) | CallError::Tool(_))) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(e.to_string())]).into())
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
        Err(unknown_or_malformed(&request))
    }
}

/// What the server says about itself at `initialize` (the in-process server and the front).
pub(crate) fn server_config() -> ServerConfig {
    let capabilities = ServerCapabilities::builder()
        .enable_tools()
        .enable_tool_list_changed()
        .enable_logging()
        .build();
    ServerConfig::new(capabilities)
        .with_server_info(Implementation::new("omnysys", env!("CARGO_PKG_VERSION")))
        .with_instructions("Code-context tools over an index of the project: impact maps, dependency questions. Paths are relative to the project root.")
}

/// The methods rmcp decodes into typed requests. One of them arriving as a custom request is
/// one whose params did not decode.
const TYPED_METHODS: [&str; 21] = [
    "ping",
    "initialize",
    "server/discover",
    "completion/complete",
    "logging/setLevel",
    "prompts/get",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "resources/subscribe",
    "resources/unsubscribe",
    "resources/directory/read",
    "subscriptions/listen",
    "tools/call",
    "tools/list",
    "tasks/get",
    "tasks/update",
    "tasks/cancel",
    "skills/list",
    "skills/get",
];

/// The error for a request rmcp could not type: -32602 (invalid params) for a known method
/// with params of the wrong shape, -32601 (method not found) otherwise.
pub(crate) fn unknown_or_malformed(request: &CustomRequest) -> McpError {
    let method = request.method.as_str();
    if !TYPED_METHODS.contains(&method) {
        return McpError::new(ErrorCode::METHOD_NOT_FOUND, method.to_owned(), None);
    }
    let params = request.params.clone().unwrap_or(serde_json::Value::Null);
    let why = match method {
        "tools/call" => serde_json::from_value::<CallToolRequestParams>(params)
            .err()
            .map_or_else(
                || "params do not match the method".to_owned(),
                |e| e.to_string(),
            ),
        _ => "params do not match the method".to_owned(),
    };
    McpError::invalid_params(format!("invalid params for {method}: {why}"), None)
}
