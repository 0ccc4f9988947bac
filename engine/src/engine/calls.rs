//! Tool calls: alone, with `&mut World` (tools that are not read-only, and calls that must first
//! analyse the queued files they name), or beside other read-only calls on a shared `&World`.

use omnysys_api::schema::ProjectRoot;
use omnysys_api::tool::ToolEffects;

use super::Engine;
use crate::plugin::{CallError, ToolAnswer, ToolInvocation};
use crate::tools::{ToolCatalog, run_tool};

/// What a call tried on a shared `&World` came to.
pub enum SharedCall {
    /// It ran: its answer, and what it left to apply once the engine may write.
    Ran(Result<ToolAnswer, CallError>, ToolEffects),
    /// It must run alone ([`Engine::call_tool_with`]): the tool is not read-only, or files it
    /// names are waiting in the queue.
    Alone(ToolInvocation),
}

impl Engine {
    /// Calls a tool by name.
    ///
    /// # Errors
    ///
    /// [`CallError::UnknownTool`] when no plugin serves `name`, [`CallError::Tool`] when the
    /// tool answered with an error (bad arguments, a contained panic, a stop at its deadline),
    /// [`CallError::System`] when its system could not run.
    pub fn call_tool(
        &mut self,
        name: &str,
        args: serde_json::Value,
    ) -> Result<ToolAnswer, CallError> {
        self.call_tool_with(name, ToolInvocation::new(args))
    }

    /// Calls a tool alone, sending its progress and log events to `invocation.events`. Queued
    /// files its arguments name are analysed first; admin requests it makes are applied by the
    /// loop's next tick, before the next call.
    ///
    /// # Errors
    ///
    /// As [`Engine::call_tool`].
    pub fn call_tool_with(
        &mut self,
        name: &str,
        invocation: ToolInvocation,
    ) -> Result<ToolAnswer, CallError> {
        self.analyse_files_named_in(&invocation);
        let catalog = self.world.resource::<ToolCatalog>();
        let system = catalog
            .tools
            .get(name)
            .ok_or_else(|| CallError::UnknownTool(name.to_owned()))?
            .system;
        self.world
            .run_system_with(system, invocation)
            .map_err(|e| CallError::System(name.to_owned(), e.to_string()))?
            .map_err(CallError::Tool)
    }

    /// Calls a read-only tool on a shared `&World`, beside other such calls; anything that
    /// needs to write first comes back as [`SharedCall::Alone`].
    pub fn call_tool_shared(&self, name: &str, invocation: ToolInvocation) -> SharedCall {
        let Some(entry) = self.world.resource::<ToolCatalog>().tools.get(name) else {
            let unknown = Err(CallError::UnknownTool(name.to_owned()));
            return SharedCall::Ran(unknown, ToolEffects::default());
        };
        if !entry.annotations.read_only || !self.queued_files_named_in(&invocation).is_empty() {
            return SharedCall::Alone(invocation);
        }
        let (value, mut effects) = run_tool(&self.world, &entry.tool, invocation);
        let content = std::mem::take(&mut effects.content);
        let answer = value
            .map(|value| ToolAnswer { value, content })
            .map_err(CallError::Tool);
        SharedCall::Ran(answer, effects)
    }

    /// Applies what a shared call left behind (plugin-state writes, admin requests).
    pub fn apply_call_effects(&mut self, effects: ToolEffects) {
        crate::tools::apply_effects(&mut self.world, effects);
    }

    /// The queued files a call's arguments name.
    fn queued_files_named_in(&self, invocation: &ToolInvocation) -> Vec<String> {
        let root = &self.world.resource::<ProjectRoot>().0;
        crate::tools::path_arguments(&invocation.args)
            .filter_map(|raw| omnysys_api::paths::normalize(root, raw).ok())
            .filter(|p| crate::index::queue::find(&self.world, p).is_some())
            .collect()
    }

    /// Analyses, before a tool runs, the queued files its arguments name (critical priority),
    /// telling the client through progress events while it waits.
    fn analyse_files_named_in(&mut self, invocation: &ToolInvocation) {
        let paths = self.queued_files_named_in(invocation);
        if paths.is_empty() {
            return;
        }
        let total = paths.len() as f64;
        let progress = |done: f64, message: &str| {
            if let Some(events) = &invocation.events {
                events(omnysys_api::tool::ToolEvent::Progress {
                    progress: done,
                    total: Some(total),
                    message: Some(message.to_owned()),
                });
            }
        };
        progress(0.0, "waiting for queued files to be analysed");
        let n = crate::index::analyse_now(&mut self.world, &paths);
        progress(n as f64, "analysed");
    }
}
