//! `omnysys new tool` in a minimal workspace made for each test (never the checkout): a new
//! plugin crate, a tool added to an existing crate, the tool-set edit, and every refusal. A
//! fake cargo (`OMNYSYS_CARGO`) records how it was run and writes the libraries a build would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use omnysys_engine::toolset::{PluginSource, crates_in, parse_toolset_with};

use crate::util::{copy_dir, omnysys, text, workspace, workspace_skeleton, write};

/// Records its arguments, directory and whether the tool set already served `hello_tools` when
/// it ran; in mode `fail` (a file `fail` beside it) fails like a compile error; else writes
/// `target/release/lib<crate>.so` for every crate under `systems/`.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
d="$(cd "$(dirname "$0")" && pwd)"
echo "$PWD: $*" >> "$d/invocations"
grep -c hello_tools assets/toolsets/default.toolset.ron >> "$d/served_while_building"
if [ -e "$d/fail" ]; then echo "error[E0425]: cannot find value" >&2; exit 101; fi
mkdir -p target/release
for m in systems/*/Cargo.toml; do
  name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$m" | head -1)
  : > "target/release/lib$name.so"
done
echo "    Finished release" >&2
"#;

const TOOLSET: &str = "// The minimal workspace's tool set.\nToolSet(\n    plugins: [\n        (crate: \"status_tools\"), // the status\n    ],\n    watch: (debounce_ms: 50),\n)\n";

/// A fresh directory holding a minimal workspace (`ws`: the real `status_tools` crate and a
/// tool set serving it) and the fake cargo.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("omnysys-new-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ws = dir.join("ws");
        workspace_skeleton(&ws);
        copy_dir(
            &workspace().join("systems/status_tools"),
            &ws.join("systems/status_tools"),
        );
        write(&ws.join("assets/toolsets/default.toolset.ron"), TOOLSET);
        let cargo = dir.join("cargo.sh");
        write(&cargo, FAKE_CARGO);
        std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        Scratch { dir }
    }

    fn ws(&self) -> PathBuf {
        self.dir.join("ws")
    }

    /// Runs `omnysys new tool ARGS --workspace ws` with the fake cargo.
    fn new_tool(&self, args: &[&str]) -> Output {
        Command::new(omnysys())
            .arg("new")
            .arg("tool")
            .args(args)
            .arg("--workspace")
            .arg(self.ws())
            .current_dir(&self.dir)
            .env("OMNYSYS_CARGO", self.dir.join("cargo.sh"))
            .env("OMNYSYS_LOG", "warn")
            .env_remove("OMNYSYS_WORKSPACE")
            .output()
            .expect("the omnysys binary runs")
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.ws().join(relative))
            .unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    fn lines(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(name))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Every file under the workspace with its contents.
    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        collect(&self.ws(), &mut files);
        files.sort();
        files
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn collect(dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_new_tool_is_a_new_plugin_crate_built_before_the_tool_set_names_it() {
    let s = Scratch::new("crate");
    let out = s.new_tool(&["hello"]);
    assert!(out.status.success(), "{}", text(&out));
    let manifest = s.read("systems/hello_tools/Cargo.toml");
    assert!(manifest.contains("name = \"hello_tools\""), "{manifest}");
    assert!(
        manifest.contains("crate-type = [\"cdylib\", \"rlib\"]"),
        "{manifest}"
    );
    let lib = s.read("systems/hello_tools/src/lib.rs");
    assert!(
        lib.contains("declare_plugin!(name: \"hello_tools\", build: build)"),
        "{lib}"
    );
    assert!(
        lib.contains("r.add_tool(hello::spec(), hello::hello);"),
        "{lib}"
    );
    let tool = s.read("systems/hello_tools/src/hello.rs");
    assert!(
        tool.contains("ToolSpec::query(\n        \"hello\","),
        "{tool}"
    );
    assert!(tool.contains("#[test]"), "{tool}");
    // Built once, the README's way, in the workspace, before the tool set named the crate.
    let ws = s.ws();
    assert_eq!(
        s.lines("invocations"),
        [format!("{}: build --workspace --release", ws.display())]
    );
    assert_eq!(s.lines("served_while_building"), ["0"]);
    // The plugin appended in the list's layout; the comments kept; the result parses.
    let toolset = s.read("assets/toolsets/default.toolset.ron");
    assert_eq!(
        toolset,
        TOOLSET.replace(
            "// the status\n",
            "// the status\n        (crate: \"hello_tools\"),\n"
        )
    );
    let file = ws.join("assets/toolsets/default.toolset.ron");
    let parsed = parse_toolset_with(&file, &toolset, &crates_in(&ws)).unwrap();
    assert_eq!(
        parsed.plugins[1].source,
        PluginSource::Crate("hello_tools".into())
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("added (crate: \"hello_tools\")"),
        "{}",
        text(&out)
    );
    assert!(stderr(&out).contains("building: "), "{}", text(&out));
    // Nothing left in the staging directory.
    let staging = ws.join("target/omnysys-new");
    assert_eq!(std::fs::read_dir(staging).unwrap().count(), 0);
}

#[test]
fn a_tool_added_to_an_existing_crate_is_declared_and_registered_in_its_lib_rs() {
    let s = Scratch::new("plugin");
    let before = s.read("systems/status_tools/src/lib.rs");
    let out = s.new_tool(&["count_things", "--plugin", "status_tools"]);
    assert!(out.status.success(), "{}", text(&out));
    let lib = s.read("systems/status_tools/src/lib.rs");
    assert!(lib.contains("mod count_things;\nmod errors;"), "{lib}");
    assert!(
        lib.contains("fn build(r: &mut Registrar) {\n    r.add_tool(count_things::spec(), count_things::count_things);\n"),
        "{lib}"
    );
    assert_eq!(lib.lines().count(), before.lines().count() + 2);
    let tool = s.read("systems/status_tools/src/count_things.rs");
    assert!(tool.contains("pub fn count_things(ctx"), "{tool}");
    // The tool set serves every tool of status_tools already: unchanged.
    assert_eq!(s.read("assets/toolsets/default.toolset.ron"), TOOLSET);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("already serves every tool"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_tool_set_listing_the_crate_s_tools_gets_the_new_tool_in_that_list() {
    let s = Scratch::new("tools-list");
    let listed = "ToolSet(\n    plugins: [\n        (crate: \"status_tools\", tools: [\"get_server_status\"]),\n    ],\n)\n";
    write(&s.ws().join("assets/toolsets/listed.toolset.ron"), listed);
    let file = s.ws().join("assets/toolsets/listed.toolset.ron");
    let out = s.new_tool(&[
        "count_things",
        "--plugin",
        "status_tools",
        "--toolset",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let edited = std::fs::read_to_string(&file).unwrap();
    assert!(
        edited.contains("tools: [\"get_server_status\", \"count_things\"]),"),
        "{edited}"
    );
    // The default tool set was not touched.
    assert_eq!(s.read("assets/toolsets/default.toolset.ron"), TOOLSET);
}

#[test]
fn invalid_names_are_refused_saying_why_and_nothing_is_written() {
    let s = Scratch::new("names");
    let before = s.snapshot();
    for (name, why) in [
        ("Hello", "lowercase"),
        ("hello-world", "snake_case"),
        ("fn", "keyword"),
        ("lib", "already uses"),
    ] {
        let out = s.new_tool(&[name]);
        assert!(!out.status.success(), "{name}: {}", text(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("invalid tool name `{name}`")),
            "{err}"
        );
        assert!(err.contains(why), "{name}: {err}");
    }
    assert_eq!(s.snapshot(), before);
    assert!(s.lines("invocations").is_empty());
}

#[test]
fn existing_crates_tools_and_files_are_never_overwritten() {
    let s = Scratch::new("exists");
    write(
        &s.ws().join("systems/dup_tools/Cargo.toml"),
        "[package]\nname = \"dup_tools\"\n",
    );
    write(
        &s.ws().join("systems/status_tools/src/extra.rs"),
        "// mine\n",
    );
    let before = s.snapshot();
    let crate_exists = stderr(&s.new_tool(&["dup"]));
    assert!(
        crate_exists.contains("a plugin crate `dup_tools` already exists:")
            && crate_exists.contains("systems/dup_tools"),
        "{crate_exists}"
    );
    let tool_exists = stderr(&s.new_tool(&["get_server_status"]));
    assert!(
        tool_exists.contains("a tool `get_server_status` already exists:")
            && tool_exists.contains("systems/status_tools/src/lib.rs:"),
        "{tool_exists}"
    );
    let file_exists = stderr(&s.new_tool(&["extra", "--plugin", "status_tools"]));
    assert!(
        file_exists.contains("systems/status_tools/src/extra.rs` already exists"),
        "{file_exists}"
    );
    assert_eq!(s.snapshot(), before);
}

#[test]
fn a_missing_workspace_an_unknown_plugin_and_a_bad_registration_point_are_named() {
    let s = Scratch::new("where");
    let out = Command::new(omnysys())
        .args(["new", "tool", "hello", "--workspace"])
        .arg(s.dir.join("nowhere"))
        .env_remove("OMNYSYS_WORKSPACE")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("workspace not found:") && err.contains("nowhere"),
        "{err}"
    );
    let unknown = stderr(&s.new_tool(&["hello", "--plugin", "nope"]));
    assert!(
        unknown.contains("no plugin crate `nope`") && unknown.contains("status_tools"),
        "{unknown}"
    );
    let lib = s.ws().join("systems/status_tools/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        text.replace("build: build", "build: registry::register"),
    )
    .unwrap();
    let before = s.snapshot();
    let refused = stderr(&s.new_tool(&["hello", "--plugin", "status_tools"]));
    assert!(
        refused.contains("cannot register the tool in `")
            && refused.contains("status_tools/src/lib.rs")
            && refused.contains("registry::register"),
        "{refused}"
    );
    assert_eq!(s.snapshot(), before);
}

#[test]
fn an_unparseable_tool_set_is_refused_with_its_location_before_anything_is_written() {
    let s = Scratch::new("bad-toolset");
    let file = s.ws().join("assets/toolsets/default.toolset.ron");
    std::fs::write(
        &file,
        "ToolSet(\n    plugins: [\n        (crate: 5),\n    ],\n)\n",
    )
    .unwrap();
    let before = s.snapshot();
    let out = s.new_tool(&["hello"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("tool set unusable:"), "{err}");
    assert!(err.contains("default.toolset.ron:3:"), "{err}");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn a_failed_build_leaves_the_tool_set_alone_and_says_what_to_do() {
    let s = Scratch::new("fails");
    std::fs::write(s.dir.join("fail"), "").unwrap();
    let out = s.new_tool(&["hello"]);
    assert!(!out.status.success(), "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("build --workspace --release` in `"), "{err}");
    assert!(err.contains("was not changed"), "{err}");
    assert!(err.contains("(crate: \"hello_tools\"),"), "{err}");
    assert_eq!(s.read("assets/toolsets/default.toolset.ron"), TOOLSET);
    assert!(s.ws().join("systems/hello_tools/src/hello.rs").is_file());
}

#[test]
fn no_build_skips_cargo_and_the_edited_tool_set_loads() {
    let s = Scratch::new("no-build");
    let out = s.new_tool(&["hello", "--no-build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(s.lines("invocations").is_empty());
    assert!(stderr(&out).contains("--no-build"), "{}", text(&out));
    let file = s.ws().join("assets/toolsets/default.toolset.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(parse_toolset_with(&file, &text, &crates_in(&s.ws())).is_ok());
}
