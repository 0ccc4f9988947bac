//! The types of one tool call: what goes in, what comes out, and every way it can fail.

use std::time::Duration;

use bevy_ecs::system::{In, SystemId};
use omnysys_api::tool::ToolError;

/// A tool's successful answer: its structured value and any content blocks it added.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolAnswer {
    /// The structured result.
    pub value: serde_json::Value,
    /// Extra content blocks (images, audio, resources, text).
    pub content: Vec<omnysys_api::tool::ContentItem>,
}

/// What a tool system returns.
pub type ToolReply = Result<ToolAnswer, ToolError>;

/// Where a running tool's progress and log events go.
pub type EventSender = std::sync::Arc<dyn Fn(omnysys_api::tool::ToolEvent) + Send + Sync>;

/// The input of a tool system: its arguments, and where its events go.
pub struct ToolInvocation {
    /// JSON arguments.
    pub args: serde_json::Value,
    /// Receives progress and log events while the tool runs.
    pub events: Option<EventSender>,
}

/// The id of a tool's system in the `World`.
pub type ToolSystemId = SystemId<In<ToolInvocation>, ToolReply>;

/// Why a tool call has no answer: one flat list for every layer a call crosses (transport,
/// engine thread, catalog, system, tool).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The client cancelled the call before it ran.
    #[error("cancelled by the client")]
    Cancelled,
    /// The engine thread has stopped.
    #[error("the engine thread has stopped")]
    EngineGone,
    /// The call did not answer within its time limit.
    #[error("`{tool}` did not answer within {limit:?}")]
    TimedOut {
        /// The tool.
        tool: String,
        /// The limit.
        limit: Duration,
    },
    /// No tool of that name is served.
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    /// The tool's system could not run.
    #[error("tool `{0}` could not run: {1}")]
    System(String, String),
    /// The tool answered with an error (bad arguments, not found, a contained panic).
    #[error("{0}")]
    Tool(ToolError),
}
