//! The tool and extractor catalogs: what is being served, by which generation.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy_ecs::resource::Resource;
use omnysys_api::tool::ToolAnnotations;

use crate::plugin::{ExtractSystemId, LoadedTool, ToolSystemId};

/// One served tool.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    /// Serving plugin.
    pub plugin: String,
    /// Serving generation.
    pub generation: u64,
    /// The system that runs it alone (with `&mut World`).
    pub system: ToolSystemId,
    /// The tool itself, for calls that run beside others on a shared `&World` (read-only
    /// tools; see [`run_tool`](super::run_tool)).
    pub tool: Arc<LoadedTool>,
    /// One-sentence description.
    pub description: String,
    /// JSON schema of its arguments.
    pub input_schema: serde_json::Value,
    /// JSON schema of its result.
    pub output_schema: serde_json::Value,
    /// Client hints.
    pub annotations: ToolAnnotations,
}

impl CatalogEntry {
    /// The part of the entry clients see: a change here is a change of the tool surface.
    pub fn surface(
        &self,
    ) -> (
        &str,
        &serde_json::Value,
        &serde_json::Value,
        &ToolAnnotations,
    ) {
        (
            &self.description,
            &self.input_schema,
            &self.output_schema,
            &self.annotations,
        )
    }
}

/// Every served tool by name, and a revision that changes whenever the surface changes.
#[derive(Resource, Default, Debug)]
pub struct ToolCatalog {
    /// Tools by name (sorted: the order clients see).
    pub tools: BTreeMap<String, CatalogEntry>,
    /// Incremented each time a name, description, schema or annotation changes.
    pub revision: u64,
}

/// One served extractor.
#[derive(Clone, Debug)]
pub struct ExtractorEntry {
    /// Extractor name.
    pub name: String,
    /// Extractor version.
    pub version: String,
    /// File extensions it handles.
    pub extensions: Vec<String>,
    /// Serving plugin.
    pub plugin: String,
    /// Serving generation.
    pub generation: u64,
    /// The system that runs it over a batch of files.
    pub system: ExtractSystemId,
}

/// Served extractors.
#[derive(Resource, Default, Debug)]
pub struct ExtractorCatalog {
    /// Extractors by name.
    pub extractors: BTreeMap<String, ExtractorEntry>,
}

impl ExtractorCatalog {
    /// The extractor for a file extension.
    pub fn for_extension(&self, ext: &str) -> Option<&ExtractorEntry> {
        self.extractors
            .values()
            .find(|e| e.extensions.iter().any(|x| x == ext))
    }
}
