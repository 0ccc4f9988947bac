//! Tool calls through the handle: the one way every runner (MCP transports, scenarios, the CLI)
//! calls a tool, so they all get the same concurrency.

use super::{EngineHandle, Exclusive, Job};
use crate::engine::Engine;
use crate::engine::calls::SharedCall;
use crate::plugin::{CallError, ToolAnswer, ToolInvocation};

/// Where a call's answer goes.
pub type CallReply = Box<dyn FnOnce(Result<ToolAnswer, CallError>) + Send>;

impl EngineHandle {
    /// Calls a tool: a read-only tool runs beside other read-only calls (a slow one holds up
    /// nobody), any other tool — or a call naming files still queued — runs alone. The future
    /// resolves with its answer.
    ///
    /// # Errors
    ///
    /// As [`Engine::call_tool`]; [`CallError::EngineGone`] when the engine thread has stopped.
    pub async fn call_tool(
        &self,
        name: &str,
        invocation: ToolInvocation,
    ) -> Result<ToolAnswer, CallError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send_call(name, invocation, Box::new(move |r| drop(tx.send(r))))?;
        rx.await.map_err(|_| CallError::EngineGone)?
    }

    /// As [`EngineHandle::call_tool`], waiting on this thread.
    ///
    /// # Errors
    ///
    /// As [`EngineHandle::call_tool`].
    pub fn call_tool_blocking(
        &self,
        name: &str,
        invocation: ToolInvocation,
    ) -> Result<ToolAnswer, CallError> {
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.send_call(name, invocation, Box::new(move |r| drop(tx.send(r))))?;
        rx.recv().map_err(|_| CallError::EngineGone)?
    }

    fn send_call(
        &self,
        name: &str,
        invocation: ToolInvocation,
        reply: CallReply,
    ) -> Result<(), CallError> {
        let name = name.to_owned();
        let job = move |engine: &Engine| -> Option<Exclusive> {
            match engine.call_tool_shared(&name, invocation) {
                SharedCall::Ran(answer, effects) => {
                    reply(answer);
                    let nothing = effects.writes.is_empty() && effects.admin.is_empty();
                    (!nothing)
                        .then(|| Box::new(move |e: &mut Engine| e.apply_call_effects(effects)) as _)
                }
                SharedCall::Alone(invocation) => Some(Box::new(move |e: &mut Engine| {
                    reply(e.call_tool_with(&name, invocation));
                })),
            }
        };
        self.send(Job::Shared(Box::new(job)))
            .map_err(|_| CallError::EngineGone)
    }
}
