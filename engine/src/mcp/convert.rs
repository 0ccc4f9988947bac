//! A tool's answer as an MCP result: structured content plus a text copy.

use omnysys_api::tool::ContentItem;
use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};

use crate::plugin::ToolAnswer;

/// Converts an answer. An object value becomes structured content with a text copy; content
/// blocks the tool added come first; a bare (non-object) value is sent as text only.
pub fn to_result(answer: ToolAnswer) -> CallToolResult {
    let ToolAnswer { value, content } = answer;
    if content.is_empty() {
        return match value {
            value @ serde_json::Value::Object(_) => CallToolResult::structured(value),
            value => CallToolResult::success(vec![ContentBlock::text(value.to_string())]),
        };
    }
    let blocks = content.into_iter().map(block).collect();
    let mut result = CallToolResult::success(blocks);
    if value.is_object() {
        result.structured_content = Some(value);
    }
    result
}

fn block(item: ContentItem) -> ContentBlock {
    match item {
        ContentItem::Text(text) => ContentBlock::text(text),
        ContentItem::Image { data, mime_type } => ContentBlock::image(data, mime_type),
        ContentItem::Audio { data, mime_type } => ContentBlock::audio(data, mime_type),
        ContentItem::Resource {
            uri,
            mime_type,
            text,
        } => ContentBlock::resource(ResourceContents::TextResourceContents {
            uri,
            mime_type,
            text,
            meta: None,
        }),
    }
}
