//! Which plugin crates a change to a workspace crate rebuilds: the crate itself when it is a
//! plugin (`cdylib`), and every plugin that depends on it by path, directly or not (a change
//! to `tool_support` rebuilds `graph_tools` and `symbol_tools`).
//!
//! # Caveats
//!
//! Manifests are read line by line, not as TOML: a dependency counts when its line in a
//! `[dependencies]` table has `path = "…"` (`name = { path = "…" }`, the style of this
//! workspace). A dependency table spread over several lines (`[dependencies.name]`) is missed;
//! cargo still rebuilds the crate (every build is a whole-workspace build), only the status's
//! crate list would lack it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The directories holding plugin and shared crates.
pub const CRATE_DIRS: [&str; 2] = ["systems", "tests/fixtures/plugins"];

/// One crate of the workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CrateInfo {
    /// A `cdylib` (a plugin).
    plugin: bool,
    /// Crates it depends on by path.
    path_deps: BTreeSet<String>,
}

/// The plugin and shared crates of a workspace and their path dependencies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrateGraph {
    crates: BTreeMap<String, CrateInfo>,
}

impl CrateGraph {
    /// Reads every `Cargo.toml` under [`CRATE_DIRS`] of `workspace` (unreadable ones skipped).
    pub fn read(workspace: &Path) -> Self {
        let crates = CRATE_DIRS
            .iter()
            .filter_map(|d| std::fs::read_dir(workspace.join(d)).ok())
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("Cargo.toml")).ok())
            .filter_map(|text| parse_manifest(&text))
            .collect();
        CrateGraph { crates }
    }

    /// The plugins a change to `krate` rebuilds, sorted.
    pub fn plugins_affected_by(&self, krate: &str) -> BTreeSet<String> {
        let mut affected = BTreeSet::new();
        let mut todo = vec![krate.to_owned()];
        while let Some(name) = todo.pop() {
            if !affected.insert(name.clone()) {
                continue;
            }
            let users = self
                .crates
                .iter()
                .filter(|(_, c)| c.path_deps.contains(&name));
            todo.extend(users.map(|(n, _)| n.clone()));
        }
        affected.retain(|n| self.crates.get(n).is_some_and(|c| c.plugin));
        affected
    }
}

/// The name and facts of one manifest (`None` without a package name).
fn parse_manifest(text: &str) -> Option<(String, CrateInfo)> {
    let mut name = None;
    let mut info = CrateInfo::default();
    let mut table = "";
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            table = line;
        } else if table == "[package]" && line.starts_with("name") {
            name = line.split('"').nth(1).map(str::to_owned);
        } else if table == "[lib]" && line.starts_with("crate-type") {
            info.plugin = line.contains("\"cdylib\"");
        } else if table.ends_with("dependencies]") && line.contains("path") {
            let dep = line.split('=').next().unwrap_or_default().trim();
            info.path_deps.insert(dep.to_owned());
        }
    }
    Some((name?, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(manifests: &[&str]) -> CrateGraph {
        let crates = manifests.iter().filter_map(|m| parse_manifest(m)).collect();
        CrateGraph { crates }
    }

    #[test]
    fn a_shared_crate_change_rebuilds_every_plugin_using_it_directly_or_not() {
        let g = graph(&[
            "[package]\nname = \"base\"\n[dependencies]\nomnysys_api.workspace = true\n",
            "[package]\nname = \"mid\"\n[dependencies]\nbase = { path = \"../base\" }\n",
            "[package]\nname = \"a\"\n[lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\nmid = { path = \"../mid\" }\n",
            "[package]\nname = \"b\"\n[lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n[dependencies]\nbase = { path = \"../base\" }\n",
            "[package]\nname = \"c\"\n[lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\nserde.workspace = true\n",
        ]);
        let names = |s: BTreeSet<String>| s.into_iter().collect::<Vec<_>>();
        assert_eq!(names(g.plugins_affected_by("base")), ["a", "b"]);
        assert_eq!(names(g.plugins_affected_by("c")), ["c"]);
        assert!(g.plugins_affected_by("unknown").is_empty());
    }

    #[test]
    fn the_workspace_shared_crates_have_their_plugins_as_dependents() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let g = CrateGraph::read(root);
        let tools = g.plugins_affected_by("tool_support");
        for plugin in ["graph_tools", "symbol_tools"] {
            assert!(tools.contains(plugin), "{tools:?}");
        }
        assert!(!tools.contains("status_tools"), "{tools:?}");
        let extractors = g.plugins_affected_by("extract_support");
        for plugin in ["extract_javascript", "extract_python", "extract_rust"] {
            assert!(extractors.contains(plugin), "{extractors:?}");
        }
    }
}
