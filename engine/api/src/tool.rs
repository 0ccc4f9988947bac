//! Tools: query functions the engine serves over MCP.
//!
//! A tool is a plain function `fn(&ToolContext, Args) -> Result<Output, ToolError>`. The
//! [`Registrar`](crate::registrar::Registrar) derives its input and output JSON schemas from
//! `Args` and `Output`, and wraps it so that argument parsing, the call and any panic all happen
//! inside the plugin. The engine wraps each tool into a system of its schedule and runs it on a
//! thread owned by the plugin's generation, with read access to the whole `World`.

use std::sync::Mutex;

use bevy_ecs::world::World;
use serde::{Serialize, de::DeserializeOwned};

use crate::guard::Panicked;
use crate::state::{Persistent, PluginStates, StoredState};
use crate::stop::{Stop, StopReason};

/// What a client sees of a tool before calling it.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    /// Unique tool name (`snake_case`).
    pub name: String,
    /// One sentence saying what it answers.
    pub description: String,
    /// Hints for clients.
    pub annotations: ToolAnnotations,
}

impl ToolSpec {
    /// A read-only, closed-world query tool: what almost every code-context tool is.
    pub fn query(name: &str, description: &str) -> Self {
        ToolSpec {
            name: name.to_owned(),
            description: description.to_owned(),
            annotations: ToolAnnotations::query(),
        }
    }
}

/// MCP tool annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolAnnotations {
    /// Human-readable title.
    pub title: Option<String>,
    /// The tool does not change anything.
    pub read_only: bool,
    /// The tool may destroy data (meaningful only when not read-only).
    pub destructive: bool,
    /// Calling it twice with the same arguments has no further effect.
    pub idempotent: bool,
    /// The tool talks to the world outside the project.
    pub open_world: bool,
}

impl ToolAnnotations {
    /// Read-only, idempotent, closed-world.
    pub fn query() -> Self {
        ToolAnnotations {
            title: None,
            read_only: true,
            destructive: false,
            idempotent: true,
            open_world: false,
        }
    }
}

/// Why a tool call failed. Sent to the client as an `isError` result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolError {
    /// The class of failure.
    pub kind: ToolErrorKind,
    /// A sentence naming the problem (and the argument, for bad arguments).
    pub message: String,
    /// Close matches, for unknown files or symbols.
    pub suggestions: Vec<String>,
}

/// Classes of tool failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolErrorKind {
    /// Arguments did not match the input schema.
    InvalidArguments,
    /// A path outside the project root.
    OutsideProject,
    /// An unknown file or symbol.
    NotFound,
    /// Anything else the tool reports.
    Failed,
    /// The tool panicked; the panic was contained.
    Panicked,
    /// The call ran past its deadline and stopped.
    TimedOut,
    /// The client cancelled the call and it stopped.
    Cancelled,
}

impl ToolError {
    /// Arguments that do not fit the schema; `message` should name the field.
    pub fn invalid_arguments(message: impl Into<String>) -> Self {
        Self::new(ToolErrorKind::InvalidArguments, message)
    }
    /// An unknown file or symbol, with close matches.
    pub fn not_found(message: impl Into<String>, suggestions: Vec<String>) -> Self {
        ToolError {
            suggestions,
            ..Self::new(ToolErrorKind::NotFound, message)
        }
    }
    /// A path that leaves the project root.
    pub fn outside_project(path: &str) -> Self {
        Self::new(
            ToolErrorKind::OutsideProject,
            format!("`{path}` is outside the project"),
        )
    }
    /// Any other failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ToolErrorKind::Failed, message)
    }
    /// The call stopped before it finished (see [`Stop`]).
    pub fn stopped(reason: StopReason) -> Self {
        reason.into()
    }
    fn new(kind: ToolErrorKind, message: impl Into<String>) -> Self {
        ToolError {
            kind,
            message: message.into(),
            suggestions: Vec::new(),
        }
    }
}

impl From<StopReason> for ToolError {
    fn from(reason: StopReason) -> Self {
        match reason {
            StopReason::TimedOut { limit } => ToolError::new(
                ToolErrorKind::TimedOut,
                format!("the call ran past its time limit of {limit:?} and was stopped"),
            ),
            StopReason::Cancelled => ToolError::new(
                ToolErrorKind::Cancelled,
                "the client cancelled the call; it was stopped",
            ),
        }
    }
}

impl From<Panicked> for ToolError {
    fn from(p: Panicked) -> Self {
        ToolError::new(ToolErrorKind::Panicked, p.to_string())
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if !self.suggestions.is_empty() {
            write!(f, " (did you mean: {}?)", self.suggestions.join(", "))?;
        }
        Ok(())
    }
}

/// A content block a tool adds to its result, beside the structured value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentItem {
    /// Plain text.
    Text(String),
    /// An image, base64-encoded.
    Image {
        /// Base64 data.
        data: String,
        /// MIME type, e.g. `image/png`.
        mime_type: String,
    },
    /// Audio, base64-encoded.
    Audio {
        /// Base64 data.
        data: String,
        /// MIME type, e.g. `audio/wav`.
        mime_type: String,
    },
    /// An embedded text resource.
    Resource {
        /// Its URI.
        uri: String,
        /// MIME type.
        mime_type: Option<String>,
        /// Its text.
        text: String,
    },
}

/// Something a running tool tells the client before it returns.
#[derive(Clone, Debug, PartialEq)]
pub enum ToolEvent {
    /// Progress (`notifications/progress`, when the client sent a progress token).
    Progress {
        /// Work done.
        progress: f64,
        /// Total work, when known.
        total: Option<f64>,
        /// A short message.
        message: Option<String>,
    },
    /// A log line for the client (`notifications/message`, legacy clients that set a level).
    Log {
        /// Severity.
        level: crate::host::LogLevel,
        /// The message.
        message: String,
    },
}

/// Something a tool asks the engine to do right after the call returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminRequest {
    /// Reload every plugin from its library (new generations, same state).
    ReloadAll,
    /// Restore a plugin's previous good library as a new generation.
    Rollback {
        /// The plugin.
        plugin: String,
    },
    /// Reconcile the index with the disk; with `clear_cache`, re-extract every file (old facts
    /// keep answering until replaced).
    Reindex {
        /// Re-extract every file, not just changed ones.
        clear_cache: bool,
    },
}

/// Where a tool's events go: engine code, called from the plugin's thread.
pub type EventSink<'w> = &'w (dyn Fn(ToolEvent) + Send + Sync);

/// What a tool sees while it runs: the `World` (read-only), its plugin's persistent state, and
/// when it must stop.
pub struct ToolContext<'w> {
    world: &'w World,
    plugin: String,
    stop: Stop<'w>,
    writes: Mutex<Vec<(String, StoredState)>>,
    content: Mutex<Vec<ContentItem>>,
    admin: Mutex<Vec<AdminRequest>>,
    events: Option<EventSink<'w>>,
}

impl<'w> ToolContext<'w> {
    /// Made by the engine for each call.
    #[doc(hidden)]
    pub fn new(world: &'w World, plugin: &str, events: Option<EventSink<'w>>) -> Self {
        ToolContext {
            world,
            plugin: plugin.to_owned(),
            stop: Stop::never(),
            writes: Mutex::new(Vec::new()),
            content: Mutex::new(Vec::new()),
            admin: Mutex::new(Vec::new()),
            events,
        }
    }

    /// The same context, stopping as `stop` says (the engine sets each call's deadline).
    #[doc(hidden)]
    #[must_use]
    pub fn with_stop(self, stop: Stop<'w>) -> Self {
        ToolContext { stop, ..self }
    }

    /// When this call must stop. Long loops call [`ToolContext::check`] (or iterate through
    /// `tool_support::Project`, which stops by itself).
    pub fn stop(&self) -> Stop<'w> {
        self.stop
    }

    /// Returns the error that ends the call once its deadline has passed or the client cancelled
    /// it: `ctx.check()?` in every loop whose length the input decides.
    ///
    /// # Errors
    ///
    /// A `TimedOut` or `Cancelled` [`ToolError`].
    pub fn check(&self) -> Result<(), ToolError> {
        Ok(self.stop.check()?)
    }

    /// Adds a content block to the result (text, image, audio, resource).
    pub fn add_content(&self, item: ContentItem) {
        self.content
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(item);
    }

    /// Asks the engine to do something right after this call returns (admin tools).
    pub fn request(&self, request: AdminRequest) {
        self.admin
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(request);
    }

    /// Reports progress to the client, if it asked for progress.
    pub fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if let Some(sink) = self.events {
            sink(ToolEvent::Progress {
                progress,
                total,
                message: message.map(str::to_owned),
            });
        }
    }

    /// Sends a log line to the client (legacy clients that set a log level).
    pub fn log(&self, level: crate::host::LogLevel, message: &str) {
        if let Some(sink) = self.events {
            sink(ToolEvent::Log {
                level,
                message: message.to_owned(),
            });
        }
    }

    /// The whole `World`, read-only.
    pub fn world(&self) -> &'w World {
        self.world
    }

    /// This plugin's stored `T`, or its default.
    pub fn state<T: Persistent>(&self) -> T {
        let key = PluginStates::key(&self.plugin, T::KEY);
        self.world
            .get_resource::<PluginStates>()
            .and_then(|states| states.0.get(&key))
            .and_then(|stored| serde_json::from_value(stored.value.clone()).ok())
            .unwrap_or_default()
    }

    /// Stores `value`; the engine applies it when the call returns.
    pub fn set_state<T: Persistent>(&self, value: &T) {
        let stored = StoredState {
            type_name: std::any::type_name::<T>().to_owned(),
            value: serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
        };
        let key = PluginStates::key(&self.plugin, T::KEY);
        self.writes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, stored));
    }

    /// The state writes, content blocks and admin requests the call made, for the engine.
    #[doc(hidden)]
    pub fn finish(self) -> ToolEffects {
        ToolEffects {
            writes: self.writes.into_inner().unwrap_or_else(|e| e.into_inner()),
            content: self.content.into_inner().unwrap_or_else(|e| e.into_inner()),
            admin: self.admin.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

/// What a call left behind besides its value.
#[doc(hidden)]
#[derive(Default)]
pub struct ToolEffects {
    /// Plugin-state writes.
    pub writes: Vec<(String, StoredState)>,
    /// Content blocks.
    pub content: Vec<ContentItem>,
    /// Admin requests.
    pub admin: Vec<AdminRequest>,
}

/// A tool's entry point as the engine calls it: JSON in, JSON out, panics contained.
pub type RunFn = Box<
    dyn Fn(&ToolContext<'_>, &serde_json::Value) -> Result<serde_json::Value, ToolError>
        + Send
        + Sync,
>;

/// A registered tool.
pub struct ToolDecl {
    /// Name, description and annotations.
    pub spec: ToolSpec,
    /// JSON schema of the arguments.
    pub input_schema: serde_json::Value,
    /// JSON schema of the structured result.
    pub output_schema: serde_json::Value,
    /// The wrapped function.
    pub run: RunFn,
}

/// Wraps a typed tool function. Generic, so every line of it is compiled into the plugin.
pub(crate) fn wrap<A, R>(f: fn(&ToolContext<'_>, A) -> Result<R, ToolError>) -> RunFn
where
    A: DeserializeOwned + 'static,
    R: Serialize + 'static,
{
    Box::new(move |ctx, args| {
        crate::guard::contain(|| {
            let args: A = serde_path_to_error::deserialize(args).map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." {
                    String::new()
                } else {
                    format!("`{path}`: ")
                };
                ToolError::invalid_arguments(format!("invalid arguments: {field}{}", e.inner()))
            })?;
            ctx.check()?;
            let result = f(ctx, args);
            // Whatever it computed, a call that ran past its stop answers with the stop: loops
            // that stopped early leave partial results that must not pass for whole ones.
            ctx.check()?;
            serde_json::to_value(result?).map_err(|e| ToolError::failed(e.to_string()))
        })?
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};

    use super::*;

    /// A tool that stops its loop early, as `Project` iteration does, and answers what it has.
    fn counts_until_stopped(ctx: &ToolContext<'_>, _: serde_json::Value) -> Result<u64, ToolError> {
        let mut n = 0;
        while !ctx.stop().stopped() && n < 10_000_000 {
            n += 1;
        }
        Ok(n)
    }

    #[test]
    fn a_call_that_ran_past_its_deadline_answers_with_the_stop_not_its_partial_result() {
        let world = World::new();
        let limit = Duration::from_millis(20);
        let stop = Stop::new(Instant::now(), Some(limit), None);
        let ctx = ToolContext::new(&world, "p", None).with_stop(stop);
        let run = wrap(|ctx, args| {
            std::thread::sleep(Duration::from_millis(30));
            counts_until_stopped(ctx, args)
        });
        let error = run(&ctx, &serde_json::json!({})).unwrap_err();
        assert_eq!(error.kind, ToolErrorKind::TimedOut, "{error}");
    }

    #[test]
    fn a_cancelled_call_does_not_start() {
        let world = World::new();
        let cancel = AtomicBool::new(true);
        let stop = Stop::new(Instant::now(), None, Some(&cancel));
        let ctx = ToolContext::new(&world, "p", None).with_stop(stop);
        let run = wrap(
            |_: &ToolContext<'_>, _: serde_json::Value| -> Result<u64, ToolError> {
                panic!("a cancelled call ran")
            },
        );
        let error = run(&ctx, &serde_json::json!({})).unwrap_err();
        assert_eq!(error.kind, ToolErrorKind::Cancelled, "{error}");
    }

    #[test]
    fn a_call_within_its_deadline_answers_normally() {
        let world = World::new();
        let stop = Stop::new(Instant::now(), Some(Duration::from_secs(60)), None);
        let ctx = ToolContext::new(&world, "p", None).with_stop(stop);
        let run = wrap(|_: &ToolContext<'_>, _: serde_json::Value| Ok(7u64));
        assert_eq!(
            run(&ctx, &serde_json::json!({})).unwrap(),
            serde_json::json!(7)
        );
    }
}
