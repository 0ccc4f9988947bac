//! A tool's reply as an MCP result: structured content plus a text copy, or `isError`.

use rmcp::model::{CallToolResult, ContentBlock};

use crate::plugin::ToolReply;

/// Converts a reply. Non-object results are wrapped as `{"result": value}` so that the
/// structured content is always an object, as legacy clients require.
pub fn to_result(reply: ToolReply) -> CallToolResult {
    match reply {
        Ok(value @ serde_json::Value::Object(_)) => CallToolResult::structured(value),
        Ok(value) => CallToolResult::success(vec![ContentBlock::text(value.to_string())]),
        Err(error) => CallToolResult::error(vec![ContentBlock::text(error.to_string())]),
    }
}
