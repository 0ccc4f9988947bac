//! The tool list clients see, rebuilt on the engine thread whenever the catalog changes.

use std::collections::HashMap;
use std::sync::Arc;

use bevy_ecs::world::World;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};

use crate::tools::{CatalogEntry, ToolCatalog};

/// An immutable snapshot of the served tools, in name order.
#[derive(Debug, Default)]
pub struct ToolSnapshot {
    /// The catalog revision it was built from.
    pub revision: u64,
    /// Tools sorted by name.
    pub tools: Vec<Tool>,
    by_name: HashMap<String, usize>,
}

impl ToolSnapshot {
    /// Builds the snapshot of `world`'s catalog.
    pub fn of(world: &World) -> Self {
        let catalog = world.resource::<ToolCatalog>();
        let tools: Vec<Tool> = catalog
            .tools
            .iter()
            .map(|(name, e)| to_tool(name, e))
            .collect();
        let by_name = tools
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.to_string(), i))
            .collect();
        ToolSnapshot {
            revision: catalog.revision,
            tools,
            by_name,
        }
    }

    /// A tool by name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.by_name.get(name).map(|i| &self.tools[*i])
    }
}

fn to_tool(name: &str, entry: &CatalogEntry) -> Tool {
    let a = &entry.annotations;
    let mut annotations = ToolAnnotations::new()
        .read_only(a.read_only)
        .destructive(a.destructive)
        .idempotent(a.idempotent)
        .open_world(a.open_world);
    annotations.title = a.title.clone();
    let tool = Tool::new(
        name.to_owned(),
        entry.description.clone(),
        Arc::new(object(&entry.input_schema)),
    )
    .with_annotations(annotations);
    // MCP output schemas describe an object; tools that return a bare value answer in text.
    if entry.output_schema.get("type").and_then(|t| t.as_str()) == Some("object") {
        tool.with_raw_output_schema(Arc::new(object(&entry.output_schema)))
    } else {
        tool
    }
}

fn object(schema: &serde_json::Value) -> JsonObject {
    match schema {
        serde_json::Value::Object(map) => map.clone(),
        _ => JsonObject::new(),
    }
}
