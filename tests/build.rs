//! Build on save, with a fake cargo (a bash script through `BuildSettings`, the test's
//! `OMNYSYS_CARGO`) driven by files in its directory, under the loop `serve` runs
//! (`EngineThread::spawn(engine, Some(period))` and the watcher with a builder).
//!
//! The fake workspace has two plugin crates, `fixture` and `other`, both depending on the
//! shared crate `shared`; the tool set serves `fixture` (fixture_v1's library) and
//! `status_tools` (as crate `other`'s library), so the tests can call `get_server_status` and
//! `get_recent_errors`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use omnysys_engine::build::BuildSettings;
use omnysys_engine::engine::{BuildNotice, EngineEvent, NoticeLevel};
use omnysys_engine::handle::{EngineHandle, EngineThread};
use omnysys_engine::startup::{StartOptions, start_engine};
use omnysys_engine::watch::{Watcher, spawn_watcher_with};
use serde_json::{Value, json};

use crate::util::{workspace, workspace_skeleton, write};

/// The fake cargo. `mode` says what it does: `ok` writes the new libraries (`fixture` first,
/// `other` a second later, as cargo finishes one crate after the other), `slow` starts a child
/// and waits for it, `fail` prints a compiler error, `lock` says it waits for the build
/// directory's lock until the file `unlock` exists, then builds as `ok`.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
d="$(cd "$(dirname "$0")" && pwd)"
n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$d/count"
echo "$*" >> "$d/invocations"
echo $$ > "$d/pid.$n"
ok() {
  cp "$d/fixture.next" "$d/libfixture.so.tmp" && mv "$d/libfixture.so.tmp" "$d/libfixture.so"
  sleep 1
  cp "$d/other.next" "$d/libother.so.tmp" && mv "$d/libother.so.tmp" "$d/libother.so"
  echo '{"reason":"build-finished","success":true}'
}
case "$(cat "$d/mode")" in
  ok) ok ;;
  slow) sleep 60 >/dev/null 2>&1 & echo $! > "$d/child.$n"; wait ;;
  lock)
    echo "    Blocking waiting for file lock on build directory" >&2
    while [ ! -e "$d/unlock" ]; do sleep 0.05; done
    ok ;;
  fail)
    echo '{"reason":"compiler-artifact","target":{"name":"shared"}}'
    echo '{"reason":"compiler-message","target":{"name":"fixture"},"message":{"level":"error","message":"cannot find value `x` in this scope","code":{"code":"E0425"},"spans":[{"file_name":"systems/fixture/src/lib.rs","line_start":3,"column_start":5,"is_primary":true}]}}'
    echo '{"reason":"build-finished","success":false}'
    echo "error: could not compile \`fixture\`" >&2
    exit 101 ;;
esac
"#;

/// A fake workspace, project, libraries and cargo in a fresh directory.
struct Fixture {
    dir: PathBuf,
    thread: Option<EngineThread>,
    handle: EngineHandle,
    watcher: Option<Watcher>,
    /// The next engine event received, if any.
    events: Box<dyn FnMut() -> Option<EngineEvent>>,
}

impl Fixture {
    /// Serves the fake tool set with build on save (requests wait `debounce`), cargo in `mode`.
    fn start(name: &str, mode: &str, debounce: Duration) -> Self {
        let dir = prepare(name, mode);
        let cargo = dir.join("cargo.sh");
        let options = StartOptions {
            project: dir.join("project"),
            toolset: Some(dir.join("t.toolset.ron")),
        };
        let mut engine = start_engine(&options).expect("the fixture tool set loads");
        let mut rx = engine.subscribe();
        let events = Box::new(move || rx.try_recv().ok());
        let thread = EngineThread::spawn(engine, Some(Duration::from_millis(50)));
        let handle = thread.handle();
        let mut settings = BuildSettings::for_workspace(&dir.join("ws"));
        settings.command.program = cargo.into_os_string();
        settings.debounce = debounce;
        let watcher = spawn_watcher_with(handle.clone(), Duration::from_millis(50), Some(settings))
            .expect("the watcher starts");
        // inotify watches are in place when spawn returns; give the thread its first round.
        std::thread::sleep(Duration::from_millis(300));
        Fixture {
            dir,
            thread: Some(thread),
            handle,
            watcher: Some(watcher),
            events,
        }
    }

    /// Edits a source file of crate `krate` of the fake workspace.
    fn edit(&self, krate: &str, file: &str) {
        let path = self
            .dir
            .join("ws/systems")
            .join(krate)
            .join("src")
            .join(file);
        let stamp = format!("// edited {:?}\n", Instant::now());
        write(&path, &stamp);
    }

    fn call(&self, tool: &str, args: Value) -> Value {
        let tool = tool.to_owned();
        self.handle
            .run(move |e| {
                e.call_tool(&tool, args)
                    .map(|a| a.value)
                    .map_err(|e| e.to_string())
            })
            .unwrap()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn status(&self) -> Value {
        self.call("get_server_status", json!({}))
    }

    fn build_status(&self) -> Value {
        self.status()["build"].clone()
    }

    fn generation(&self, plugin: &str) -> u64 {
        let status = self.status();
        let plugins = status["plugins"].as_array().unwrap();
        let p = plugins.iter().find(|p| p["name"] == plugin).unwrap();
        p["generation"].as_u64().unwrap()
    }

    fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.join(name))
            .ok()
            .map(|s| s.trim().to_owned())
    }

    fn invocations(&self) -> Vec<String> {
        self.file("invocations")
            .map_or_else(Vec::new, |s| s.lines().map(str::to_owned).collect())
    }

    /// Waits (at most 30 s) until `cond` holds; panics naming `what` otherwise.
    fn wait_for(&self, what: &str, mut cond: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !cond(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; build: {}",
                self.build_status()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The events received so far.
    fn drain_events(&mut self) -> Vec<EngineEvent> {
        let mut out = Vec::new();
        while let Some(e) = (self.events)() {
            out.push(e);
        }
        out
    }

    /// Stops the watcher (and with it the builder) and the engine.
    fn stop(&mut self) {
        drop(self.watcher.take());
        if let Some(t) = self.thread.take() {
            t.shutdown();
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh directory with the fake workspace (`ws`), libraries, tool set, project and cargo
/// (in `mode`).
fn prepare(name: &str, mode: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("omnysys-build-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_workspace(&dir.join("ws"));
    write_libraries(&dir);
    write(&dir.join("mode"), mode);
    let cargo = dir.join("cargo.sh");
    write(&cargo, FAKE_CARGO);
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(dir.join("project")).unwrap();
    dir
}

/// `shared` (an rlib) and the plugins `fixture` and `other` that use it.
fn write_workspace(ws: &Path) {
    workspace_skeleton(ws);
    // Engine sources and the lock file, edited by the engine-source test.
    write(
        &ws.join("engine/src/lib.rs"),
        "
",
    );
    write(
        &ws.join("engine/api/src/lib.rs"),
        "
",
    );
    write(
        &ws.join("Cargo.lock"),
        "
",
    );
    write(
        &ws.join("systems/shared/Cargo.toml"),
        "[package]\nname = \"shared\"\n",
    );
    write(&ws.join("systems/shared/src/lib.rs"), "\n");
    for plugin in ["fixture", "other"] {
        let manifest = format!(
            "[package]\nname = \"{plugin}\"\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nshared = {{ path = \"../shared\" }}\n"
        );
        write(
            &ws.join("systems").join(plugin).join("Cargo.toml"),
            &manifest,
        );
        write(&ws.join("systems").join(plugin).join("src/lib.rs"), "\n");
    }
}

/// The served libraries (fixture_v1, status_tools) and what the fake cargo writes over them
/// (fixture_v2, status_tools with a byte appended: a distinct build of the same code).
fn write_libraries(dir: &Path) {
    let lib = |name: &str| {
        std::fs::read(workspace().join(format!("target/release/lib{name}.so"))).unwrap()
    };
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("libfixture.so"), lib("fixture_v1")).unwrap();
    std::fs::write(dir.join("fixture.next"), lib("fixture_v2")).unwrap();
    let status = lib("status_tools");
    std::fs::write(dir.join("libother.so"), &status).unwrap();
    std::fs::write(dir.join("other.next"), [status.as_slice(), &[0u8]].concat()).unwrap();
    write(
        &dir.join("t.toolset.ron"),
        "ToolSet(plugins: [(path: \"libfixture.so\"), (path: \"libother.so\")])",
    );
}

/// Whether process `pid` runs (a zombie does not).
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

fn notices(events: &[EngineEvent]) -> Vec<&BuildNotice> {
    events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Build(n) => Some(n),
            _ => None,
        })
        .collect()
}

#[test]
fn a_plugin_source_edit_is_built_with_the_workspace_command_and_the_new_library_serves() {
    let f = Fixture::start("edit", "ok", Duration::from_millis(200));
    assert_eq!(f.call("fixture_echo", json!({"text": "a"}))["version"], 1);
    f.edit("fixture", "lib.rs");
    f.wait_for("generation 2 of fixture", |f| f.generation("fixture") == 2);
    assert_eq!(f.call("fixture_echo", json!({"text": "a"}))["version"], 2);
    let invocations = f.invocations();
    assert_eq!(invocations.len(), 1, "{invocations:?}");
    for arg in ["build", "--workspace", "--release", "--message-format=json"] {
        assert!(
            invocations[0].split(' ').any(|a| a == arg),
            "{arg} missing: {invocations:?}"
        );
    }
    f.wait_for("state idle", |f| f.build_status()["state"] == "idle");
    let build = f.build_status();
    assert_eq!(build["enabled"], true);
    assert_eq!(build["builds"], 1);
    assert_eq!(build["crates"], json!(["fixture"]));
}

#[test]
fn a_shared_crate_edit_rebuilds_every_dependent_in_one_command_and_reloads_them_in_one_batch() {
    let mut f = Fixture::start("shared", "ok", Duration::from_millis(200));
    f.drain_events();
    f.edit("shared", "lib.rs");
    f.wait_for("both plugins reloaded", |f| {
        f.generation("fixture") == 2 && f.generation("status_tools") == 2
    });
    assert_eq!(f.invocations().len(), 1, "{:?}", f.invocations());
    assert_eq!(f.build_status()["crates"], json!(["fixture", "other"]));
    let reloads: Vec<Vec<String>> = f
        .drain_events()
        .into_iter()
        .filter_map(|e| match e {
            EngineEvent::Reloaded(records) => Some(records.into_iter().map(|r| r.plugin).collect()),
            _ => None,
        })
        .collect();
    // cargo wrote the two libraries a second apart, more than the watcher's 50 ms debounce:
    // without holding them they would have been two transactions.
    assert_eq!(
        reloads,
        vec![vec!["fixture".to_owned(), "status_tools".to_owned()]]
    );
}

#[test]
fn edits_in_a_burst_coalesce_into_one_build() {
    let f = Fixture::start("burst", "ok", Duration::from_secs(1));
    for file in ["a.rs", "b.rs", "c.rs", "d.rs", "e.rs"] {
        f.edit("fixture", file);
        std::thread::sleep(Duration::from_millis(40));
    }
    f.edit("other", "lib.rs");
    f.wait_for("both plugins reloaded", |f| {
        f.generation("fixture") == 2 && f.generation("status_tools") == 2
    });
    assert_eq!(f.invocations().len(), 1, "{:?}", f.invocations());
    let build = f.build_status();
    assert_eq!(build["cancelled"], 0);
    assert_eq!(build["crates"], json!(["fixture", "other"]));
}

#[test]
fn a_build_made_obsolete_by_a_newer_edit_is_killed_with_its_children_and_a_new_one_starts() {
    let mut f = Fixture::start("cancel", "slow", Duration::from_millis(200));
    f.edit("fixture", "lib.rs");
    f.wait_for("the first build's child", |f| f.file("child.1").is_some());
    let (cargo1, child1) = (f.file("pid.1").unwrap(), f.file("child.1").unwrap());
    assert!(alive(&cargo1) && alive(&child1));
    f.edit("fixture", "lib.rs");
    f.wait_for("the second build", |f| f.file("child.2").is_some());
    assert!(!alive(&cargo1), "the obsolete cargo {cargo1} still runs");
    assert!(!alive(&child1), "its child {child1} still runs");
    let build = f.build_status();
    assert_eq!(build["cancelled"], 1);
    assert_eq!(build["builds"], 2);
    assert_eq!(build["state"], "building");
    assert_eq!(f.generation("fixture"), 1, "nothing was built");
    let (cargo2, child2) = (f.file("pid.2").unwrap(), f.file("child.2").unwrap());
    f.stop();
    assert!(
        !alive(&cargo2) && !alive(&child2),
        "stopping the server kills its build"
    );
}

#[test]
fn a_failed_build_is_reported_with_file_line_column_and_the_old_generation_keeps_serving() {
    let mut f = Fixture::start("fail", "fail", Duration::from_millis(200));
    f.drain_events();
    let digest = f.handle.run(|e| e.digest()).unwrap();
    f.edit("fixture", "lib.rs");
    f.wait_for("state failed", |f| f.build_status()["state"] == "failed");
    let located =
        "systems/fixture/src/lib.rs:3:5: error[E0425]: cannot find value `x` in this scope";
    let build = f.build_status();
    let last = build["lastError"].as_str().unwrap();
    assert!(last.contains(located), "{last}");
    let errors = f.call("get_recent_errors", json!({}));
    let recorded = errors["build"].as_array().unwrap();
    assert_eq!(recorded.len(), 1, "{errors}");
    assert!(
        recorded[0]["message"].as_str().unwrap().contains(located),
        "{errors}"
    );
    assert_eq!(recorded[0]["subject"], "fixture");
    let events = f.drain_events();
    let failed: Vec<_> = notices(&events)
        .into_iter()
        .filter(|n| n.level == NoticeLevel::Error)
        .collect();
    assert_eq!(failed.len(), 1, "{events:?}");
    assert!(failed[0].message.contains(located));
    assert_eq!(f.generation("fixture"), 1);
    assert_eq!(f.call("fixture_echo", json!({"text": "a"}))["version"], 1);
    let after = f.handle.run(|e| e.digest()).unwrap();
    assert_eq!(
        digest, after,
        "build status and errors are not persistent state"
    );
}

#[test]
fn engine_source_and_lock_file_edits_are_built_with_the_one_workspace_command_and_a_failure_keeps_the_engine_serving()
 {
    let f = Fixture::start("engine-edit", "fail", Duration::from_millis(200));
    let edits = [
        ("engine/src/lib.rs", "engine"),
        ("engine/api/src/lib.rs", "engine/api"),
        ("Cargo.lock", "workspace"),
    ];
    for (n, (file, krate)) in edits.into_iter().enumerate() {
        write(
            &f.dir.join("ws").join(file),
            &format!("// edited {:?}\n", Instant::now()),
        );
        f.wait_for("the build of an engine edit failed", |f| {
            let build = f.build_status();
            build["builds"] == n + 1 && build["state"] == "failed"
        });
        assert_eq!(f.build_status()["crates"], json!([krate]), "{file}");
        let invocations = f.invocations();
        assert_eq!(invocations.len(), n + 1, "{invocations:?}");
        let args: Vec<&str> = invocations[n].split(' ').collect();
        assert!(args.contains(&"--workspace"), "{invocations:?}");
        assert!(!args.contains(&"-p"), "never one package: {invocations:?}");
    }
    let errors = f.call("get_recent_errors", json!({}));
    assert_eq!(errors["build"].as_array().unwrap().len(), 3, "{errors}");
    assert_eq!(f.generation("fixture"), 1);
    assert_eq!(f.call("fixture_echo", json!({"text": "a"}))["version"], 1);
}

#[test]
fn cargo_waiting_for_the_build_directory_lock_is_reported_and_the_build_goes_on_after_it() {
    let mut f = Fixture::start("lock", "lock", Duration::from_millis(200));
    f.drain_events();
    f.edit("fixture", "lib.rs");
    f.wait_for("the lock wait in the status", |f| {
        f.build_status()["waitingForLock"] == true
    });
    assert_eq!(f.build_status()["state"], "building");
    let events = f.drain_events();
    let waits: Vec<_> = notices(&events)
        .into_iter()
        .filter(|n| n.state == "waiting_for_lock")
        .collect();
    assert_eq!(waits.len(), 1, "{events:?}");
    assert_eq!(waits[0].level, NoticeLevel::Warning);
    write(&f.dir.join("unlock"), "");
    f.wait_for("generation 2 of fixture", |f| f.generation("fixture") == 2);
    f.wait_for("state idle", |f| f.build_status()["state"] == "idle");
    assert_eq!(f.build_status()["waitingForLock"], false);
}

/// A JSON-RPC line to the server's stdin.
fn send(stdin: &mut impl std::io::Write, message: &Value) {
    writeln!(stdin, "{message}").unwrap();
    stdin.flush().unwrap();
}

/// The next stdout message satisfying `wanted`, within 30 s.
fn receive(lines: &std::sync::mpsc::Receiver<Value>, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = lines
            .recv_timeout(left)
            .expect("the awaited message within 30 s");
        if wanted(&message) {
            return message;
        }
    }
}

/// `omnysys serve` on the fake tool set with the fake workspace and cargo, `extra` arguments,
/// initialized (legacy protocol, log level info); its stdin and its stdout messages.
struct Served {
    server: std::process::Child,
    stdin: std::process::ChildStdin,
    lines: std::sync::mpsc::Receiver<Value>,
}

impl Served {
    fn start(dir: &Path, toolset: &str, extra: &[&str]) -> Self {
        use std::io::BufRead as _;
        use std::process::{Command, Stdio};
        let mut server = Command::new(crate::util::omnysys())
            .args(["serve", "--project"])
            .arg(dir.join("project"))
            .arg("--toolset")
            .arg(dir.join(toolset))
            .args(extra)
            .env("OMNYSYS_WORKSPACE", dir.join("ws"))
            .env("OMNYSYS_CARGO", dir.join("cargo.sh"))
            .env("OMNYSYS_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = server.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(server.stdout.take().unwrap());
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(serde_json::from_str::<Value>(&line).unwrap_or(Value::Null));
            }
        });
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "build-test", "version": "0"}}}),
        );
        receive(&lines, |m| m["id"] == 1);
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        );
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "id": 2, "method": "logging/setLevel",
            "params": {"level": "info"}}),
        );
        receive(&lines, |m| m["id"] == 2);
        // The watcher's first round.
        std::thread::sleep(Duration::from_millis(300));
        Served {
            server,
            stdin,
            lines,
        }
    }

    /// The structured result of calling `tool` (request id `id`).
    fn call(&mut self, id: u64, tool: &str) -> Value {
        send(
            &mut self.stdin,
            &json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": tool, "arguments": {}}}),
        );
        receive(&self.lines, |m| m["id"] == id)["result"]["structuredContent"].clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

#[test]
fn under_serve_a_failed_build_reaches_the_client_as_an_error_log_message_with_file_line_column() {
    let dir = prepare("serve", "fail");
    let served = Served::start(&dir, "t.toolset.ron", &[]);
    write(&dir.join("ws/systems/fixture/src/lib.rs"), "// edited\n");
    let log = receive(&served.lines, |m| {
        m["method"] == "notifications/message"
            && m["params"]["data"]["event"] == "build"
            && m["params"]["level"] == "error"
    });
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
    let data = &log["params"]["data"];
    assert_eq!(data["state"], "failed", "{log}");
    assert_eq!(data["crates"], json!(["fixture"]), "{log}");
    let message = data["message"].as_str().unwrap();
    assert!(
        message.contains("systems/fixture/src/lib.rs:3:5: error[E0425]"),
        "{log}"
    );
}

#[test]
fn the_no_build_flag_and_the_tool_set_setting_turn_build_on_save_off() {
    let dir = prepare("off", "ok");
    write(
        &dir.join("off.toolset.ron"),
        "ToolSet(plugins: [(path: \"libfixture.so\"), (path: \"libother.so\")], \
         watch: (build_on_save: false))",
    );
    for (toolset, extra) in [
        ("t.toolset.ron", &["--no-build"][..]),
        ("off.toolset.ron", &[][..]),
    ] {
        let mut served = Served::start(&dir, toolset, extra);
        write(&dir.join("ws/systems/fixture/src/lib.rs"), "// edited\n");
        // A build would have started within 150 ms (it does in the other tests).
        std::thread::sleep(Duration::from_secs(2));
        let build = served.call(3, "get_server_status")["build"].clone();
        assert_eq!(build["enabled"], false, "{toolset} {extra:?}: {build}");
        assert_eq!(build["state"], "idle", "{build}");
        assert_eq!(build["builds"], 0, "{build}");
    }
    let invoked = dir.join("invocations").exists();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!invoked, "cargo ran");
}

#[test]
fn a_crate_made_while_serving_is_watched_and_built_on_save() {
    let f = Fixture::start("new-crate", "ok", Duration::from_millis(100));
    // Made elsewhere and moved in whole, as `omnysys new tool` does.
    let staged = f.dir.join("staged");
    write(
        &staged.join("Cargo.toml"),
        "[package]\nname = \"fresh\"\n\n[lib]\ncrate-type = [\"cdylib\"]\n",
    );
    write(&staged.join("src/lib.rs"), "\n");
    std::fs::rename(&staged, f.dir.join("ws/systems/fresh")).unwrap();
    // The watcher reads the crate directories again every round (at most 200 ms apart): an edit
    // soon after the crate appeared is built. Edits are repeated until one is seen, so the test
    // does not depend on how soon the watch is in place, only that it comes.
    let deadline = Instant::now() + Duration::from_secs(10);
    while f.invocations().is_empty() {
        assert!(
            Instant::now() < deadline,
            "no build after editing the new crate"
        );
        f.edit("fresh", "lib.rs");
        std::thread::sleep(Duration::from_millis(400));
    }
    f.wait_for("the build of fresh", |f| {
        f.build_status()["crates"] == json!(["fresh"])
    });
}
