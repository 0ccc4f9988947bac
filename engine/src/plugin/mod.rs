//! Plugins: loading libraries, verifying them, and the generations they become.

pub mod call;
pub mod crash_signal;
pub mod error;
pub mod generation;
pub mod host_api;
pub mod library;
pub mod prepare;
pub mod quarantine;
pub mod registry;
pub mod thread;
pub mod verify;

pub use call::{
    CallError, CallLimits, EventSender, ToolAnswer, ToolInvocation, ToolReply, ToolSystemId,
};
pub use error::LoadError;
pub use generation::{
    ExtractJob, ExtractResult, ExtractSystemId, Generation, GenerationSystems, LoadedExtractor,
    LoadedSystem, LoadedTool,
};
pub use registry::{PluginSlot, Plugins};
