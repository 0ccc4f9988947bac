//! What a workspace already has that a new tool must not collide with: plugin crates by name
//! and directory, and tool names registered in their sources.

use std::path::{Path, PathBuf};

use crate::toolset::crate_dirs_in;

/// A tool name already registered: where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The source file.
    pub file: PathBuf,
    /// 1-based line of the name.
    pub line: usize,
}

/// The directory of plugin crate `krate` in the workspace at `root`.
pub fn crate_dir(root: &Path, krate: &str) -> Option<PathBuf> {
    crate_dirs_in(root)
        .into_iter()
        .find(|(_, name)| name == krate)
        .map(|(dir, _)| dir)
}

/// Where a plugin crate of the workspace registers a tool named `tool`: a
/// `ToolSpec::query(` whose first argument is the string `"tool"` (the form every plugin of
/// this workspace and the template use).
pub fn registered_tool(root: &Path, tool: &str) -> Option<Registered> {
    let quoted = format!("\"{tool}\"");
    crate_dirs_in(root)
        .into_iter()
        .flat_map(|(dir, _)| rust_files(&dir.join("src")))
        .find_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            let line = registration_line(&text, &quoted)?;
            Some(Registered { file, line })
        })
}

/// The line of `ToolSpec::query(` followed (after whitespace) by `quoted`.
fn registration_line(text: &str, quoted: &str) -> Option<usize> {
    const CALL: &str = "ToolSpec::query(";
    text.match_indices(CALL).find_map(|(at, _)| {
        let rest = &text[at + CALL.len()..];
        let name_at = at + CALL.len() + (rest.len() - rest.trim_start().len());
        text[name_at..]
            .starts_with(quoted)
            .then(|| text[..name_at].matches('\n').count() + 1)
    })
}

/// Every `.rs` file under `dir`, recursively (unreadable directories skipped).
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_is_found_on_its_line_in_either_layout() {
        let text = "fn build(r: &mut Registrar) {\n    r.add_tool(\n        ToolSpec::query(\n            \"get_x\",\n            \"X.\",\n        ),\n        x,\n    );\n    r.add_tool(ToolSpec::query(\"get_y\", \"Y.\"), y);\n}\n";
        assert_eq!(registration_line(text, "\"get_x\""), Some(4));
        assert_eq!(registration_line(text, "\"get_y\""), Some(9));
        assert_eq!(registration_line(text, "\"X.\""), None);
    }

    #[test]
    fn the_workspace_tools_are_found() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let found = registered_tool(root, "get_server_status").unwrap();
        assert!(
            found.file.ends_with("systems/status_tools/src/lib.rs"),
            "{found:?}"
        );
        assert!(registered_tool(root, "no_such_tool_here").is_none());
        assert!(crate_dir(root, "graph_tools").is_some());
    }
}
