//! The hostile-input suite's tests of files, projects, libraries and oversized requests: links in
//! a project's `.omnysys/` that would redirect a write out of the project, FIFOs and devices
//! that would hang or exhaust a read, a forged snapshot, pathological source files, megabyte
//! arguments, refused or world-writable libraries and one whose constructor would run before it
//! is refused.
//!
//! The whole suite — one row per item of issue 12's review, each naming its tests here, in
//! `transport.rs` (hostile clients), `cli.rs`, `fuzz.rs`, `snapshot.rs`, `tests/mcp/` and the
//! unit tests, and whether each fails on the build the review was made against — is the table
//! in the README, section "Reliability". A new hostile input gets a row there.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::transport::{Project, StdioServer, default_toolset};
use crate::util::{copy_dir, omnysys, plugin_library, workspace};

/// A fresh copy of the `js_basic` fixture project under `<tmp>/omnysys-hostile-<name>-<pid>/`,
/// with a file `outside` next to it; returns (the temporary root, the project).
fn project(name: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("omnysys-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("project");
    copy_dir(
        &workspace().join("tests/fixtures/projects/js_basic"),
        &project,
    );
    std::fs::write(root.join("outside"), b"precious\n").unwrap();
    (root, project)
}

/// The output of a finished command, read from the files its streams went to.
struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `omnysys ARGS` with its streams in files (a full pipe cannot stall it), killing it after
/// `timeout`; `None` when it had to be killed.
fn run_bounded(root: &Path, args: &[&str], timeout: Duration) -> Option<Finished> {
    let (out, err) = (root.join("stdout.txt"), root.join("stderr.txt"));
    let mut child = Command::new(omnysys())
        .args(args)
        .current_dir(workspace())
        .env("OMNYSYS_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let status = wait_bounded(&mut child, timeout)?;
    Some(Finished {
        success: status.success(),
        stdout: std::fs::read_to_string(out).unwrap_or_default(),
        stderr: std::fs::read_to_string(err).unwrap_or_default(),
    })
}

/// Waits at most `timeout` for `child`; kills it and answers `None` past that.
fn wait_bounded(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn index(root: &Path, project: &Path) -> Finished {
    let project = project.to_str().unwrap();
    run_bounded(
        root,
        &["index", "--project", project],
        Duration::from_secs(60),
    )
    .expect("omnysys index finished within 60 s")
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn omnysys_index_never_writes_through_a_link_in_the_state_directory() {
    let (root, project) = project("links");
    let state = project.join(".omnysys");
    std::fs::create_dir_all(&state).unwrap();
    std::os::unix::fs::symlink(root.join("outside"), state.join("snapshot.json.tmp")).unwrap();
    let out = index(&root, &project);
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read(root.join("outside")).unwrap(), b"precious\n");
    assert!(out.stdout.contains("snapshot "), "{}", out.stdout);
    // The state directory itself a link to another directory: refused, nothing written there.
    std::fs::remove_dir_all(&state).unwrap();
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &state).unwrap();
    let out = index(&root, &project);
    assert!(
        out.stdout.contains("no snapshot:") && out.stdout.contains("symbolic link"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_fifo_as_the_snapshot_does_not_hang_omnysys_index() {
    let (root, project) = project("fifo");
    std::fs::create_dir_all(project.join(".omnysys")).unwrap();
    mkfifo(&project.join(".omnysys/snapshot.json"));
    let args = ["index", "--project", project.to_str().unwrap()];
    let out = run_bounded(&root, &args, Duration::from_secs(20))
        .expect("omnysys index hung on a FIFO at .omnysys/snapshot.json");
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("a FIFO"), "{}", out.stderr);
    assert!(out.stdout.contains("facts digest"), "{}", out.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_link_to_dev_zero_as_the_snapshot_is_refused_instead_of_read() {
    let (root, project) = project("zero");
    std::fs::create_dir_all(project.join(".omnysys")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", project.join(".omnysys/snapshot.json")).unwrap();
    let args = ["index", "--project", project.to_str().unwrap()];
    let out = run_bounded(&root, &args, Duration::from_secs(20))
        .expect("omnysys index kept reading /dev/zero");
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_forged_snapshot_cannot_put_paths_outside_the_project_into_answers() {
    let (root, project) = project("forged");
    assert!(index(&root, &project).success);
    let state_dir = project.join(".omnysys");
    let mut state = omnysys_engine::snapshot::read_snapshot(&state_dir).unwrap();
    for path in ["/etc/passwd", "../../x"] {
        let mut file = state.files[0].clone();
        file.file.path = path.to_owned();
        state.files.push(file);
    }
    // Written as `write_state` writes: header with the body's checksum, then the JSON body.
    omnysys_engine::snapshot::write_state(&state, &state_dir).unwrap();
    let args = [
        "call",
        "--project",
        project.to_str().unwrap(),
        "search_files",
        r#"{"pattern":"**"}"#,
    ];
    let out = run_bounded(&root, &args, Duration::from_secs(60)).expect("omnysys call finished");
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("src/app.js"), "{}", out.stdout);
    assert!(!out.stdout.contains("/etc/passwd"), "{}", out.stdout);
    assert!(!out.stdout.contains("../../x"), "{}", out.stdout);
    assert!(out.stderr.contains("dropped"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

/// `omnysys serve` (stdio) on `project` with one `path:` plugin, `libfixture.so` in `root`.
fn serve_fixture(root: &Path, project: &Path) -> Child {
    let lib = plugin_library("fixture_v1");
    std::fs::copy(lib, root.join("libfixture.so")).unwrap();
    let toolset = root.join("t.toolset.ron");
    std::fs::write(
        &toolset,
        "ToolSet(plugins: [(path: \"libfixture.so\")], watch: (debounce_ms: 50))",
    )
    .unwrap();
    Command::new(omnysys())
        .args(["serve", "--project"])
        .arg(project)
        .arg("--toolset")
        .arg(&toolset)
        .env("OMNYSYS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(root.join("serve.stderr")).unwrap())
        .spawn()
        .unwrap()
}

/// Waits (at most 20 s) until `path` is a regular file (not a link); true if it became one.
fn becomes_regular_file(path: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Rebuilds the served library (v2 bytes) so that the watcher reloads it.
fn rebuild_library(root: &Path) {
    let v2 = plugin_library("fixture_v2");
    std::fs::write(root.join("libfixture.so"), std::fs::read(v2).unwrap()).unwrap();
}

fn wait_for_control_dir(project: &Path) -> PathBuf {
    let control = project.join(".omnysys/control");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !control.is_dir() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    control
}

/// Makes `result` a link to `target`, replacing an answer an earlier reload batch wrote.
fn link_answer(result: &Path, target: &Path) {
    for _ in 0..50 {
        let _ = std::fs::remove_file(result);
        if std::os::unix::fs::symlink(target, result).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("cannot make {} a link", result.display());
}

#[test]
fn a_reload_replaces_a_linked_rollback_answer_instead_of_writing_through_it() {
    let (root, project) = project("answer");
    let mut server = serve_fixture(&root, &project);
    let control = wait_for_control_dir(&project);
    let result = control.join("rollback.result");
    link_answer(&result, &root.join("outside"));
    rebuild_library(&root);
    let answered = becomes_regular_file(&result);
    drop(server.stdin.take());
    let _ = wait_bounded(&mut server, Duration::from_secs(10));
    let log = std::fs::read_to_string(root.join("serve.stderr")).unwrap_or_default();
    assert_eq!(
        std::fs::read(root.join("outside")).unwrap(),
        b"precious\n",
        "{log}"
    );
    assert!(answered, "no reload answer was written: {log}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_fifo_as_the_rollback_request_stops_neither_reloads_nor_shutdown_on_stdin_eof() {
    let (root, project) = project("ctlfifo");
    let mut server = serve_fixture(&root, &project);
    let control = wait_for_control_dir(&project);
    mkfifo(&control.join("rollback"));
    std::thread::sleep(Duration::from_millis(500));
    // A link as the answer: it becomes a regular file only when a reload after this answers.
    link_answer(&control.join("rollback.result"), &root.join("outside"));
    rebuild_library(&root);
    let reloaded = becomes_regular_file(&control.join("rollback.result"));
    drop(server.stdin.take());
    let exited = wait_bounded(&mut server, Duration::from_secs(15));
    let log = std::fs::read_to_string(root.join("serve.stderr")).unwrap_or_default();
    assert!(
        reloaded,
        "the library was not reloaded after the FIFO appeared: {log}"
    );
    assert!(
        exited.is_some(),
        "the server did not exit on stdin EOF: {log}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_non_plugin_library_is_refused_before_its_constructor_runs() {
    let root = std::env::temp_dir().join(format!("omnysys-hostile-ctor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("project")).unwrap();
    let marker = root.join("constructor-ran");
    let source = format!(
        "#include <stdio.h>\n__attribute__((constructor)) static void ran(void) {{\n  FILE *f = fopen(\"{}\", \"w\");\n  if (f) fclose(f);\n}}\n",
        marker.display()
    );
    std::fs::write(root.join("evil.c"), source).unwrap();
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(root.join("libevil.so"))
        .arg(root.join("evil.c"))
        .status()
        .expect("a C compiler (cc) to build a non-plugin shared object");
    assert!(built.success());
    std::fs::write(
        root.join("t.toolset.ron"),
        "ToolSet(plugins: [(path: \"libevil.so\")])",
    )
    .unwrap();
    let project = root.join("project");
    let toolset = root.join("t.toolset.ron");
    let args = [
        "index",
        "--project",
        project.to_str().unwrap(),
        "--toolset",
        toolset.to_str().unwrap(),
    ];
    let out = run_bounded(&root, &args, Duration::from_secs(60)).expect("omnysys index finished");
    assert!(!out.success, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("has no `OMNYSYS_PLUGIN_ENTRY` symbol"),
        "{}",
        out.stderr
    );
    assert!(
        !marker.exists(),
        "the library's constructor ran inside omnysys"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// A project of `files` generated JavaScript files (imports and calls between them), served
/// over stdio with every tool, indexed.
fn served_synthetic_project(name: &str, files: usize) -> StdioServer {
    let project = Project::new(name);
    omnysys_harness::synthetic::write_javascript_project(&project.0, files).unwrap();
    let mut server = StdioServer::serve(project, &default_toolset());
    server.wait_until_ready();
    server
}

/// The text of a tool result's first content block.
fn result_text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or("")
}

#[test]
fn a_megabyte_symbol_name_or_file_path_is_refused_within_seconds_quoting_only_its_start() {
    // Before: an edit distance against every name and path of the project, on the engine thread
    // (~168 s for the name, ~33 s for the path); the error echoed the whole megabyte.
    let mut server = served_synthetic_project("megabyte", 2_000);
    let huge = "q".repeat(1 << 20);
    let calls = [
        ("find_references", json!({"symbolName": huge})),
        ("get_impact_map", json!({"filePath": huge})),
        ("get_molecule_summary", json!({"filePath": huge})),
    ];
    for (id, (tool, arguments)) in (2..).zip(calls) {
        let started = Instant::now();
        let result = server.call(id, tool, arguments, Duration::from_secs(20));
        let took = started.elapsed();
        assert_eq!(result["isError"], true, "{tool}: {}", result_text(&result));
        let text = result_text(&result);
        assert!(
            text.len() < 1_000,
            "{tool} quoted {} bytes back",
            text.len()
        );
        assert!(took < Duration::from_secs(5), "{tool} took {took:?}");
    }
    let status = server.call(9, "get_server_status", json!({}), Duration::from_secs(5));
    assert_eq!(status["structuredContent"]["indexing"]["phase"], "ready");
}

#[test]
fn files_of_ten_thousand_nested_classes_and_twenty_thousand_open_functions_index_in_seconds() {
    // Before: 68 s for the classes (N = 10 000, 170 KB) and 58 s for the functions, each on the
    // engine thread.
    let (root, project) = project("nesting");
    let n = 10_000;
    let classes = format!("{}{}", "class A{m(){".repeat(n), "}}".repeat(n));
    std::fs::write(project.join("src/classes.js"), classes).unwrap();
    std::fs::write(
        project.join("src/functions.js"),
        "function g(){".repeat(20_000),
    )
    .unwrap();
    let args = ["index", "--project", project.to_str().unwrap()];
    let started = Instant::now();
    let out = run_bounded(&root, &args, Duration::from_secs(30))
        .expect("omnysys index did not finish within 30 s");
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("facts digest"), "{}", out.stdout);
    eprintln!("indexed in {:?}", started.elapsed());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_summary_of_eighty_classes_of_four_hundred_methods_comes_at_once_and_capped() {
    // Before: 32 s (classes × methods × symbols) and a 7.8 MB answer.
    let (root, project) = project("summary");
    let mut code = String::new();
    for c in 0..80 {
        code.push_str(&format!("export class C{c} {{\n"));
        for m in 0..400 {
            code.push_str(&format!("  m{m}() {{}}\n"));
        }
        code.push_str("}\n");
    }
    std::fs::write(project.join("src/big.js"), code).unwrap();
    let args = [
        "call",
        "--project",
        project.to_str().unwrap(),
        "get_molecule_summary",
        r#"{"filePath": "src/big.js"}"#,
    ];
    let out = run_bounded(&root, &args, Duration::from_secs(30))
        .expect("get_molecule_summary did not answer within 30 s");
    assert!(out.success, "{}", out.stderr);
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(summary["truncated"], true, "the method lists are capped");
    let classes = summary["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 80);
    assert!(
        classes
            .iter()
            .all(|c| c["methods"].as_array().unwrap().len() <= 200)
    );
    assert!(
        out.stdout.len() < 512 * 1024,
        "a {}-byte answer",
        out.stdout.len()
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_fifo_as_the_snapshot_does_not_keep_serve_from_answering_initialize() {
    let project = Project::copy_of("serve-fifo", "js_basic");
    std::fs::create_dir_all(project.0.join(".omnysys")).unwrap();
    mkfifo(&project.0.join(".omnysys/snapshot.json"));
    // `serve` reads the snapshot before it answers: initialize must come within 30 s.
    let mut server = StdioServer::serve(project, &default_toolset());
    server.wait_until_ready();
}

/// `omnysys serve` (stdio) with the `path:` plugin `libfixture.so` in `root` and status_tools.
fn serve_fixture_with_status(root: &Path, project: Project) -> StdioServer {
    std::fs::copy(plugin_library("fixture_v1"), root.join("libfixture.so")).unwrap();
    let toolset = root.join("status.toolset.ron");
    std::fs::write(
        &toolset,
        "ToolSet(plugins: [(path: \"libfixture.so\"), (crate: \"status_tools\")], watch: (debounce_ms: 50))",
    )
    .unwrap();
    StdioServer::serve(project, &toolset)
}

#[test]
fn a_refused_garbage_truncated_or_deleted_library_is_listed_by_get_recent_errors() {
    // Before: a library refused by the loader (here: no plugin entry symbol) was on stderr and
    // in the reload history only, never in get_recent_errors.
    let (root, _) = project("badlib");
    let mut server = serve_fixture_with_status(&root, Project::new("badlib-project"));
    let lib = root.join("libfixture.so");
    let good = std::fs::read(&lib).unwrap();
    let no_entry = std::fs::read(plugin_library("fixture_no_entry")).unwrap();
    // (fault, new bytes or deleted, the lists that may record it): a complete library is
    // refused by the loader (`reload`); one that never becomes complete is given up by the
    // watcher after 10 s (`watcher`).
    let faults: [LibraryFault; 4] = [
        ("no entry symbol", Some(no_entry), &["reload"]),
        (
            "garbage",
            Some(b"garbage, not a library".to_vec()),
            &["reload", "watcher"],
        ),
        (
            "truncated",
            Some(good[..good.len() / 3].to_vec()),
            &["reload", "watcher"],
        ),
        ("deleted", None, &["reload", "watcher"]),
    ];
    let mut id = 10;
    for (fault, bytes, kinds) in faults {
        let before = recent_errors(&mut server, &mut id, kinds).len();
        match bytes {
            Some(bytes) => std::fs::write(&lib, bytes).unwrap(),
            None => std::fs::remove_file(&lib).unwrap(),
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let errors = loop {
            let errors = recent_errors(&mut server, &mut id, kinds);
            if errors.len() > before || Instant::now() > deadline {
                break errors;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(
            errors.len() > before
                && errors
                    .iter()
                    .all(|e| e["subject"].as_str().unwrap_or("").contains("fixture")),
            "{fault}: no new error naming the library in {kinds:?}: {errors:?}\n{}",
            server.process.log()
        );
        // The generation that was serving keeps serving.
        id += 1;
        let echo = server.call(
            id,
            "fixture_echo",
            json!({"text": "x"}),
            Duration::from_secs(10),
        );
        assert_ne!(echo["isError"], true, "{fault}: {echo}");
    }
}

/// What is done to a served library: a name, the bytes written over it (`None`: deleted), and
/// the lists of `get_recent_errors` that may record it.
type LibraryFault = (&'static str, Option<Vec<u8>>, &'static [&'static str]);

/// The lists `kinds` of `get_recent_errors`, concatenated.
fn recent_errors(server: &mut StdioServer, id: &mut u64, kinds: &[&str]) -> Vec<Value> {
    *id += 1;
    let errors = server.call(*id, "get_recent_errors", json!({}), Duration::from_secs(10));
    kinds
        .iter()
        .filter_map(|kind| errors["structuredContent"][kind].as_array())
        .flatten()
        .cloned()
        .collect()
}

/// A scratch omnysys workspace under `root`: the markers the engine looks for, a copy of the
/// binary in `target/release`, and there the crate library `fixture_v1` (version 1).
fn scratch_workspace(root: &Path) -> PathBuf {
    let ws = root.join("ws");
    let release = ws.join("target/release");
    std::fs::create_dir_all(&release).unwrap();
    std::fs::create_dir_all(ws.join("engine/api")).unwrap();
    std::fs::write(ws.join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::write(
        ws.join("engine/api/Cargo.toml"),
        "[package]\nname = \"omnysys_api\"\n",
    )
    .unwrap();
    let krate = ws.join("tests/fixtures/plugins/fixture_v1");
    std::fs::create_dir_all(&krate).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"fixture_v1\"\n",
    )
    .unwrap();
    std::fs::copy(omnysys(), release.join("omnysys")).unwrap();
    std::fs::copy(
        plugin_library("fixture_v1"),
        release.join("libfixture_v1.so"),
    )
    .unwrap();
    ws
}

/// Writes `bytes` with `mode` over `path` the way a linker's output lands: a new file renamed.
fn replace_with_mode(path: &Path, bytes: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let temporary = path.with_extension("new");
    std::fs::write(&temporary, bytes).unwrap();
    std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(mode)).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

#[test]
fn a_world_writable_crate_library_is_refused_by_the_watcher_as_a_path_library_is() {
    // Before: the owner/mode rule applied to `path:` libraries only; a crate library rebuilt at
    // mode 0666 was loaded through the watcher.
    let (root, _) = project("crate-mode");
    let ws = scratch_workspace(&root);
    let toolset = root.join("crate.toolset.ron");
    std::fs::write(
        &toolset,
        "ToolSet(plugins: [(crate: \"fixture_v1\")], watch: (debounce_ms: 50))",
    )
    .unwrap();
    let project = Project::new("crate-mode-project");
    let mut command = Command::new(ws.join("target/release/omnysys"));
    command
        .args(["serve", "--project"])
        .arg(&project.0)
        .arg("--toolset")
        .arg(&toolset)
        .env("OMNYSYS_WORKSPACE", &ws);
    let mut server = StdioServer::spawn(command, project);
    let version = |server: &mut StdioServer, id| {
        let echo = server.call(
            id,
            "fixture_echo",
            json!({"text": "x"}),
            Duration::from_secs(10),
        );
        echo["structuredContent"]["version"].clone()
    };
    assert_eq!(version(&mut server, 2), 1);
    let library = ws.join("target/release/libfixture_v1.so");
    let v2 = std::fs::read(plugin_library("fixture_v2")).unwrap();
    replace_with_mode(&library, &v2, 0o666);
    let refusal = server.process.wait_for_log("world-writable");
    assert!(refusal.contains("libfixture_v1.so"), "{refusal}");
    assert_eq!(version(&mut server, 3), 1, "the 0666 library was loaded");
    // The same bytes at mode 0644 load: the refusal was the mode's.
    replace_with_mode(&library, &v2, 0o644);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut id = 4;
    while version(&mut server, id) != 2 {
        assert!(
            Instant::now() < deadline,
            "v2 at 0644 was not loaded:\n{}",
            server.process.log()
        );
        std::thread::sleep(Duration::from_millis(100));
        id += 1;
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}
