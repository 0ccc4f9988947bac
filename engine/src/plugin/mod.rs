//! Plugins: loading libraries, verifying them, and the generations they become.

pub mod error;
pub mod generation;
pub mod host_api;
pub mod library;
pub mod prepare;
pub mod registry;
pub mod thread;
pub mod verify;

pub use error::LoadError;
pub use generation::{
    EventSender, ExtractJob, ExtractResult, ExtractSystemId, Generation, GenerationSystems,
    LoadedExtractor, LoadedSystem, LoadedTool, ToolAnswer, ToolInvocation, ToolReply, ToolSystemId,
};
pub use registry::{PluginSlot, Plugins};
