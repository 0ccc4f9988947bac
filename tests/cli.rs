//! `omnysys call` and the scenario runner's reporting.

use crate::util::{copy_dir, run, text};

#[test]
fn call_prints_the_structured_result_of_a_tool() {
    let out = run(&[
        "call",
        "--project",
        "tests/fixtures/projects/js_basic",
        "get_impact_map",
        r#"{"filePath": "src/app.js"}"#,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        value["directDependents"],
        serde_json::json!(["src/index.js", "src/router/index.js"])
    );
    assert_eq!(value["totalAffected"], 2);
}

#[test]
fn call_reports_a_tool_error_on_stderr_with_status_2() {
    let out = run(&[
        "call",
        "--project",
        "tests/fixtures/projects/js_basic",
        "get_impact_map",
        r#"{"filePath": "../x.js"}"#,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("outside the project"),
        "{}",
        text(&out)
    );
    assert!(out.stdout.is_empty(), "{}", text(&out));
}

#[test]
fn a_failing_scenario_names_the_file_the_step_and_expected_versus_actual() {
    let dir = std::env::temp_dir().join(format!("omnysys-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrong.scenario.ron");
    std::fs::write(
        &file,
        r#"Scenario(description: "wrong on purpose", steps: [
            Load(library: Crate("fixture_v1")),
            Call(tool: "fixture_echo", args: {"text": "a"}, expect: Ok({"text": "b", "version": 1})),
        ])"#,
    )
    .unwrap();
    let out = run(&["scenario", file.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("wrong.scenario.ron: step 2 (Call"),
        "{}",
        text(&out)
    );
    assert!(
        stdout.contains(r#"expected Ok(Object {"text": String("b")"#),
        "{}",
        text(&out)
    );
    assert!(
        stdout.contains(r#"got Ok({"text":"a","version":1})"#),
        "{}",
        text(&out)
    );
}

#[test]
fn every_tool_set_in_assets_is_valid() {
    for entry in std::fs::read_dir(crate::util::workspace().join("assets/toolsets")).unwrap() {
        let path = entry.unwrap().path();
        let out = run(&[
            "call",
            "--toolset",
            path.to_str().unwrap(),
            "--project",
            "tests/fixtures/projects/js_basic",
            "get_impact_map",
            r#"{"filePath": "src/util.js"}"#,
        ]);
        assert!(out.status.success(), "{}: {}", path.display(), text(&out));
    }
}

#[test]
fn an_invalid_tool_set_stops_start_up_with_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("omnysys-badset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toolset.ron");
    std::fs::write(&file, "ToolSet(\n  plugins: [\n    (crate: \"graph_tools\", tools: [\"get_impact_mop\"]),\n  ],\n)").unwrap();
    let out = run(&[
        "call",
        "--toolset",
        file.to_str().unwrap(),
        "get_impact_map",
        "{}",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "bad.toolset.ron:3:36: graph_tools: plugin `graph_tools` has no tool `get_impact_mop`"
        ),
        "{}",
        text(&out)
    );
}

/// Every tool of the default tool set, with arguments that make sense on js_basic.
const EVERY_TOOL: &[(&str, &str)] = &[
    ("get_impact_map", r#"{"filePath": "src/util.js"}"#),
    (
        "analyze_change",
        r#"{"filePath": "src/util.js", "symbolName": "helper"}"#,
    ),
    (
        "explain_connection",
        r#"{"fileA": "src/index.js", "fileB": "src/util.js"}"#,
    ),
    ("get_risk_assessment", "{}"),
    ("validate_imports", "{}"),
    ("repo_map", r#"{"tokenBudget": 400}"#),
    ("search_files", r#"{"pattern": "src/*.js"}"#),
    (
        "get_function_details",
        r#"{"filePath": "src/app.js", "functionName": "createApp"}"#,
    ),
    ("get_molecule_summary", r#"{"filePath": "src/app.js"}"#),
    ("get_atomic_functions", r#"{"filePath": "src/app.js"}"#),
    (
        "get_call_graph",
        r#"{"filePath": "src/app.js", "symbolName": "createApp"}"#,
    ),
    ("find_references", r#"{"symbolName": "helper"}"#),
    ("search_symbols", r#"{"query": "createapp"}"#),
    (
        "analyze_signature_change",
        r#"{"filePath": "src/util.js", "symbolName": "helper", "newSignature": "(a)"}"#,
    ),
    (
        "explain_value_flow",
        r#"{"filePath": "src/app.js", "symbolName": "createApp"}"#,
    ),
    ("get_server_status", "{}"),
    ("get_recent_errors", "{}"),
    ("get_tunnel_vision_stats", "{}"),
    ("impact_of_diff", "{}"),
    ("restart_server", "{}"),
];

#[test]
fn every_tool_answers_through_omnysys_call() {
    for (tool, args) in EVERY_TOOL {
        let out = run(&[
            "call",
            "--project",
            "tests/fixtures/projects/js_basic",
            tool,
            args,
        ]);
        assert!(out.status.success(), "{tool}: {}", text(&out));
        let value: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{tool}: {e}: {}", text(&out)));
        assert!(value.is_object(), "{tool}: {value}");
    }
}

/// A project holding every kind of bad input the indexer must survive.
fn bad_input_project() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omnysys-bad-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("secret")).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(src.join(name), bytes).unwrap();
    write(
        "ok.js",
        b"import { helper } from './binary.js';\nexport function ok() {\n  return helper();\n}\n",
    );
    write("binary.js", b"export const a = 1;\0\x01\x02");
    write(
        "latin1.js",
        b"export function latin() {\n  return '\xe9t\xe9';\n}\n",
    );
    write(
        "broken.js",
        b"export function good() {\n  return 1;\n}\nfunction bad( {\n",
    );
    write("big.js", &vec![b' '; 1024 * 1024 + 1]);
    write("secret/hidden.js", b"export function hidden() {}\n");
    let undecodable = std::os::unix::ffi::OsStrExt::from_bytes(b"bad\xff.js");
    std::fs::write(
        src.join::<&std::ffi::OsStr>(undecodable),
        b"export const z = 1;\n",
    )
    .unwrap();
    let link =
        |target: &str, name: &str| std::os::unix::fs::symlink(target, src.join(name)).unwrap();
    link(".", "loop");
    link("b_loop.js", "a_loop.js");
    link("a_loop.js", "b_loop.js");
    link("/etc/hostname", "leak.js");
    let fifo = std::process::Command::new("mkfifo")
        .arg(src.join("pipe.js"))
        .status()
        .unwrap();
    assert!(fifo.success());
    dir
}

#[test]
fn bad_input_is_recorded_and_skipped_without_a_crash_or_a_hang() {
    let dir = bad_input_project();
    let project = dir.to_str().unwrap();
    let out = run(&["index", "--project", project]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Found: ok, binary, latin1, broken, big, secret/hidden. Links (a loop of directories, a loop
    // of files, one leading out of the project) and the pipe are not followed or read.
    assert!(stdout.contains("files 6, extracted 4,"), "{stdout}");
    assert!(
        stdout.contains("not analysed: src/binary.js: binary file (contains NUL bytes)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not analysed: src/big.js: 1048577 bytes is over the 1048576-byte limit"),
        "{stdout}"
    );
    let call = |tool: &str, args: &str| -> serde_json::Value {
        let out = run(&["call", "--project", project, tool, args]);
        assert!(out.status.success(), "{tool}: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let broken = call("get_atomic_functions", r#"{"filePath": "src/broken.js"}"#);
    assert_eq!(broken["functions"][0]["name"], "good", "{broken}");
    let latin = call("get_atomic_functions", r#"{"filePath": "src/latin1.js"}"#);
    assert_eq!(latin["functions"][0]["name"], "latin", "{latin}");
    let files = call("search_files", r#"{"pattern": "**"}"#);
    let paths: Vec<&str> = files["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("leak") || p.contains("loop") || p.contains("pipe")),
        "{paths:?}"
    );
    let errors = call("get_recent_errors", "{}");
    let subjects: Vec<&str> = errors["extraction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&"src/binary.js") && subjects.contains(&"src/big.js"),
        "{errors}"
    );
    // A name that is not UTF-8 cannot be named in answers: recorded, not skipped in silence.
    assert!(subjects.contains(&"src/bad\u{FFFD}.js"), "{errors}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of a fixture project committed to a fresh git repository, removed on drop.
struct GitCopy(std::path::PathBuf);

impl GitCopy {
    /// Copies `tests/fixtures/projects/NAME` and commits every file.
    fn of(name: &str) -> GitCopy {
        let dir = std::env::temp_dir().join(format!(
            "omnysys-diff-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        copy_dir(
            &crate::util::workspace()
                .join("tests/fixtures/projects")
                .join(name),
            &dir,
        );
        let copy = GitCopy(dir);
        copy.git(&["init", "-q"]);
        copy.git(&["add", "."]);
        copy.git(&["commit", "-q", "-m", "fixture"]);
        copy
    }

    /// Runs git in the copy, panicking on failure.
    fn git(&self, args: &[&str]) {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
    }

    /// Replaces `from` with `to` in one file of the copy.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.0.join(file);
        let before = std::fs::read_to_string(&path).unwrap();
        assert!(before.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, before.replacen(from, to, 1)).unwrap();
    }

    /// `impact_of_diff` against HEAD, as JSON.
    fn impact_of_diff(&self) -> serde_json::Value {
        let out = run(&[
            "call",
            "--project",
            self.0.to_str().unwrap(),
            "impact_of_diff",
            "{}",
        ]);
        assert!(out.status.success(), "{}", text(&out));
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }
}

impl Drop for GitCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn impact_of_diff_on_the_python_fixture_matches_the_hand_worked_answer() {
    let repo = GitCopy::of("py_basic");
    // Line 5 is inside `helper` (4-5): its users are app.py (`pkg.util.helper()`),
    // pkg/__init__.py and pkg/core.py (`from .util import helper`) and pkg/sub/tools.py
    // (`from .. import util`, then `util.helper()`). The README is not indexed.
    repo.edit("pkg/util.py", "\"base\"", "\"root\"");
    repo.edit("README.md", "# py_basic", "# py_basic (edited)");
    assert_eq!(
        repo.impact_of_diff(),
        serde_json::json!({
            "base": "HEAD",
            "changedFiles": 2,
            "changedSymbols": 1,
            "symbols": [{
                "file": "pkg/util.py", "symbol": "helper", "kind": "function",
                "changedLines": [{"start": 5, "end": 5}],
                "directUsers": 4, "affectedFiles": 4, "riskLevel": "medium",
            }],
            "affectedFiles": ["app.py", "pkg/__init__.py", "pkg/core.py", "pkg/sub/tools.py"],
            "totalAffected": 4,
            "riskLevel": "medium",
            "notIndexed": [{"path": "README.md", "status": "modified"}],
            "truncated": false,
        })
    );
}

#[test]
fn impact_of_diff_on_the_rust_fixture_matches_the_hand_worked_answer() {
    let repo = GitCopy::of("rs_basic");
    // Line 25 is inside `impl Step for Counter`'s `step` (24-27): the method travels with
    // `Counter`, imported by src/b/mod.rs and src/lib.rs. Line 1 of lib.rs is outside every
    // symbol: a module-level change, and nothing imports lib.rs.
    repo.edit("src/b/c.rs", "self.total += 1;", "self.total += 2;");
    repo.edit("src/lib.rs", "//! A small crate", "//! A very small crate");
    assert_eq!(
        repo.impact_of_diff(),
        serde_json::json!({
            "base": "HEAD",
            "changedFiles": 2,
            "changedSymbols": 2,
            "symbols": [
                {
                    "file": "src/b/c.rs", "symbol": "Counter.step", "kind": "method",
                    "changedLines": [{"start": 25, "end": 25}],
                    "directUsers": 2, "affectedFiles": 2, "riskLevel": "low",
                },
                {
                    "file": "src/lib.rs", "symbol": null, "kind": null,
                    "changedLines": [{"start": 1, "end": 1}],
                    "directUsers": 0, "affectedFiles": 0, "riskLevel": "low",
                },
            ],
            "affectedFiles": ["src/b/mod.rs", "src/lib.rs"],
            "totalAffected": 2,
            "riskLevel": "low",
            "notIndexed": [],
            "truncated": false,
        })
    );
}

#[test]
fn a_binary_copied_out_of_its_workspace_reads_and_builds_nothing_there() {
    let dir = std::env::temp_dir().join(format!("omnysys-copied-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("omnysys");
    std::fs::copy(crate::util::omnysys(), &bin).unwrap();
    let project = dir.join("project");
    copy_dir(
        &crate::util::workspace().join("tests/fixtures/projects/js_basic"),
        &project,
    );
    let call = |extra: &[&str]| {
        std::process::Command::new(&bin)
            .args(["call", "--project", project.to_str().unwrap()])
            .args(extra)
            .env("OMNYSYS_LOG", "warn")
            .env_remove("OMNYSYS_WORKSPACE")
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let out = call(&["search_files", r#"{"pattern": "**"}"#]);
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not inside an omnysys workspace") && stderr.contains("--toolset"),
        "{}",
        text(&out)
    );
    // With a tool set naming libraries by path it serves.
    let libs = crate::util::omnysys().parent().unwrap().to_path_buf();
    let toolset = dir.join("copied.toolset.ron");
    let plugins: Vec<String> = ["graph_tools", "extract_javascript"]
        .iter()
        .map(|c| format!("(path: \"{}\")", libs.join(format!("lib{c}.so")).display()))
        .collect();
    std::fs::write(
        &toolset,
        format!("ToolSet(plugins: [{}])\n", plugins.join(", ")),
    )
    .unwrap();
    let toolset = toolset.to_str().unwrap();
    let out = call(&[
        "--toolset",
        toolset,
        "search_files",
        r#"{"pattern": "src/*.js"}"#,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("src/util.js"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn impact_of_diff_runs_no_program_the_repository_config_names() {
    // Before: git read the repository's config and ran its core.fsmonitor command.
    let repo = GitCopy::of("js_basic");
    repo.edit("src/util.js", "export", "export /* edited */");
    let script = |name: &str| {
        let marker = repo.0.join(format!("{name}.ran"));
        let path = repo.0.join(".git").join(format!("{name}.sh"));
        std::fs::write(
            &path,
            format!("#!/bin/sh\ntouch '{}'\ncat\n", marker.display()),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        (path.display().to_string(), marker)
    };
    let (fsmonitor, fsmonitor_ran) = script("fsmonitor");
    let (filter, filter_ran) = script("filter");
    let (external, external_ran) = script("external");
    repo.git(&["config", "core.fsmonitor", &fsmonitor]);
    repo.git(&["config", "filter.evil.clean", &filter]);
    repo.git(&["config", "diff.external", &external]);
    std::fs::write(repo.0.join(".gitattributes"), "*.js filter=evil\n").unwrap();
    let answer = repo.impact_of_diff();
    assert!(answer["changedFiles"].as_u64() >= Some(1), "{answer}");
    for (what, marker) in [
        ("core.fsmonitor", fsmonitor_ran),
        ("a clean filter", filter_ran),
        ("diff.external", external_ran),
    ] {
        assert!(!marker.exists(), "{what} ran inside omnysys");
    }
}
