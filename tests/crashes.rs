//! Crash attribution in the engine child: a plugin call that segfaults or aborts ends the
//! process with that signal, and the crash record names the plugin generation and the tool; the
//! generation ledger has the library's hash for the front's quarantine.

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{omnysys, workspace};

/// A project, a tool set serving the `misbehaving` fixture, and a crash directory.
fn setup(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("omnysys-crash-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("project")).unwrap();
    std::fs::create_dir_all(dir.join("crash")).unwrap();
    let lib = workspace().join("target/release/libfixture_misbehaving.so");
    let toolset = format!("ToolSet(plugins: [(path: \"{}\")])", lib.display());
    std::fs::write(dir.join("t.toolset.ron"), toolset).unwrap();
    dir
}

/// Runs `serve --engine-child`, calls `tool` over its stdin, and waits (bounded) for its end;
/// its stderr goes to `dir/stderr`.
fn crash_child(dir: &Path, tool: &str) -> std::process::ExitStatus {
    let mut child = Command::new(omnysys())
        .args(["serve", "--engine-child", "--project"])
        .arg(dir.join("project"))
        .arg("--toolset")
        .arg(dir.join("t.toolset.ron"))
        .env("OMNYSYS_LOG", "warn")
        .env("OMNYSYS_CRASH_DIR", dir.join("crash"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    let call = format!(
        r#"{{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{"name":"{tool}","arguments":{{}}}}}}"#
    );
    let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    writeln!(stdin, "{init}\n{initialized}\n{call}").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the engine child did not end within 30 s of calling `{tool}`");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn check_crash(tool: &str, signal: i32) {
    let dir = setup(tool);
    let status = crash_child(&dir, tool);
    let record = std::fs::read_to_string(dir.join("crash/crash")).unwrap_or_default();
    let ledger = std::fs::read_to_string(dir.join("crash/generations.jsonl")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        status.signal(),
        Some(signal),
        "{status:?}; record {record:?}"
    );
    let first = record.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("{signal} misbehaving.g1 {tool}"),
        "{record:?}"
    );
    assert!(
        ledger.contains(r#""plugin":"misbehaving","generation":1,"contentHash":"#),
        "{ledger:?}"
    );
}

#[test]
fn a_plugin_call_that_segfaults_ends_the_engine_child_with_sigsegv_and_names_the_generation_and_tool()
 {
    check_crash("test_segv", 11);
}

#[test]
fn a_plugin_call_that_aborts_ends_the_engine_child_with_sigabrt_and_names_the_generation_and_tool()
{
    check_crash("test_abort", 6);
}

#[test]
fn a_plugin_stack_overflow_is_still_reported_by_rust_and_attributed_to_the_generation_and_tool() {
    let dir = setup("test_overflow");
    let status = crash_child(&dir, "test_overflow");
    let record = std::fs::read_to_string(dir.join("crash/crash")).unwrap_or_default();
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    // Rust's handler ran after ours (chained): it names the overflow, then aborts.
    assert!(stderr.contains("has overflowed its stack"), "{stderr}");
    assert_eq!(status.signal(), Some(6), "{status:?}");
    let first = record.lines().next().unwrap_or_default();
    assert_eq!(first, "11 misbehaving.g1 test_overflow", "{record:?}");
}
