//! Serving plugin tools and extractors as systems of the engine's `World`.

mod catalog;
mod extract;
mod paths;
mod system;

pub use catalog::{CatalogEntry, ExtractorCatalog, ExtractorEntry, ToolCatalog};
pub use extract::{ExtractJob, ExtractResult, ExtractSystemId, extractor_system};
pub use paths::path_arguments;
pub use system::{CallError, tool_system};
