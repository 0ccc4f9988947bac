//! The types of one tool call: what goes in, what comes out, and every way it can fail.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// The input of a tool system: its arguments, where its events go, and when it must stop.
pub struct ToolInvocation {
    /// JSON arguments.
    pub args: serde_json::Value,
    /// Receives progress and log events while the tool runs.
    pub events: Option<EventSender>,
    /// Its deadline and cancellation flag.
    pub limits: CallLimits,
}

impl ToolInvocation {
    /// A call with `args`, no events and no time limit.
    pub fn new(args: serde_json::Value) -> Self {
        ToolInvocation {
            args,
            events: None,
            limits: CallLimits::none(),
        }
    }

    /// The same call, sending its events to `events`.
    #[must_use]
    pub fn with_events(self, events: EventSender) -> Self {
        ToolInvocation {
            events: Some(events),
            ..self
        }
    }

    /// The same call, under `limits`.
    #[must_use]
    pub fn with_limits(self, limits: CallLimits) -> Self {
        ToolInvocation { limits, ..self }
    }
}

/// When a call must stop: a time limit counted from when the transport received it, and a flag
/// the client's cancellation sets. Plugin code sees it as a [`Stop`](omnysys_api::stop::Stop).
#[derive(Clone, Debug, Default)]
pub struct CallLimits {
    deadline: Option<(Instant, Duration)>,
    cancel: Arc<AtomicBool>,
}

impl CallLimits {
    /// No time limit; cancellable through [`CallLimits::cancel`].
    pub fn none() -> Self {
        CallLimits::default()
    }

    /// A limit of `limit` from now.
    pub fn within(limit: Duration) -> Self {
        CallLimits {
            deadline: Some((Instant::now(), limit)),
            ..CallLimits::default()
        }
    }

    /// Asks the call to stop (it stops at its next check, or before it starts).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The stop plugin code checks.
    pub fn stop(&self) -> omnysys_api::stop::Stop<'_> {
        let (started, limit) = self
            .deadline
            .map_or((Instant::now(), None), |(at, limit)| (at, Some(limit)));
        omnysys_api::stop::Stop::new(started, limit, Some(&self.cancel))
    }
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
