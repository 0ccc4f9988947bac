//! The MCP server: stdio and Streamable HTTP through rmcp, with a tool list that follows the
//! loaded plugins.
//!
//! The transport never touches the `World`. Each request becomes a job on the engine thread
//! ([`EngineHandle`](crate::handle::EngineHandle)); a call that arrives during a reload waits
//! behind it and is served by the new generation. After a reload that changes the tool surface,
//! `notifications/tools/list_changed` goes to every legacy peer and every 2026-07-28
//! `subscriptions/listen` stream.

mod catalog;
mod convert;
mod events;
pub mod http;
mod http_guard;
mod lines;
pub(crate) mod peers;
mod pipe;
pub(crate) mod progress;
pub(crate) mod server;
pub mod stdio;

pub use catalog::ToolSnapshot;
pub use server::{McpOptions, McpServer};
