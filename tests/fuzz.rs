//! Bounded fuzzing of the engine's parsers of untrusted text: the RON tool-set parser, the
//! scenario parser and the snapshot reader (with the checksum recomputed, so the JSON reader and
//! the restore behind it see the mutations too), every tool's arguments in process, and raw
//! JSON-RPC lines into `omnysys serve` over stdio. Mutations of the real inputs; no panic,
//! bounded time. `OMNYSYS_FUZZ_ITERATIONS` makes longer runs.

use std::path::Path;
use std::time::Duration;

use extract_support::testing::{fuzz, fuzz_iterations, seed_files};

use serde_json::json;

use crate::transport::{Project, StdioServer, default_toolset};
use crate::util::workspace;

#[test]
fn arbitrary_edits_of_the_tool_sets_are_errors_with_a_place_never_panics() {
    let seeds = seed_files(&workspace().join("assets/toolsets"), &["ron"]);
    assert!(!seeds.is_empty());
    let file = Path::new("fuzz.toolset.ron");
    fuzz(
        &seeds,
        fuzz_iterations(2000),
        Duration::from_millis(200),
        |bytes| {
            let text = String::from_utf8_lossy(bytes);
            if let Err(e) = omnysys_engine::toolset::parse_toolset(file, &text) {
                assert!(!e.to_string().is_empty());
            }
        },
    );
}

#[test]
fn arbitrary_edits_of_the_scenarios_parse_or_fail_without_a_panic() {
    let seeds = seed_files(&workspace().join("assets/scenarios"), &["ron"]);
    assert!(seeds.len() > 10);
    fuzz(
        &seeds,
        fuzz_iterations(1000),
        Duration::from_millis(500),
        |bytes| {
            let text = String::from_utf8_lossy(bytes);
            let _ = ron::from_str::<omnysys_harness::scenario::Scenario>(&text);
        },
    );
}

#[test]
fn arbitrary_edits_of_a_snapshot_are_refused_or_restored_without_a_panic() {
    let dir = std::env::temp_dir().join(format!("omnysys-fuzz-snap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state_dir = dir.join(".omnysys");
    std::fs::create_dir_all(&state_dir).unwrap();
    let seed = synthetic_snapshot(&state_dir);
    let snapshot = state_dir.join(omnysys_engine::snapshot::FILE_NAME);
    fuzz(
        &[seed],
        fuzz_iterations(500),
        Duration::from_millis(500),
        |body| {
            std::fs::write(&snapshot, with_header(body)).unwrap();
            if let Ok(state) = omnysys_engine::snapshot::read_snapshot(&state_dir) {
                let mut world = bevy_ecs::world::World::new();
                omnysys_engine::schema::register_schema(&mut world);
                omnysys_engine::index::init_resources(&mut world);
                omnysys_engine::snapshot::restore(&mut world, state);
            }
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The JSON body of a snapshot of a few synthetic files (the seed).
fn synthetic_snapshot(state_dir: &Path) -> Vec<u8> {
    let mut world = bevy_ecs::world::World::new();
    omnysys_engine::schema::register_schema(&mut world);
    omnysys_engine::index::init_resources(&mut world);
    omnysys_harness::synthetic::spawn_synthetic_files(&mut world, 8);
    let path = omnysys_engine::snapshot::write_snapshot(&world, state_dir).unwrap();
    let bytes = std::fs::read(path).unwrap();
    let newline = bytes.iter().position(|b| *b == b'\n').unwrap();
    bytes[newline + 1..].to_vec()
}

/// `body` with a valid header, as the writer makes it.
fn with_header(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "omnysys-snapshot {} {:032x}\n",
        omnysys_engine::snapshot::FORMAT_VERSION,
        xxh3_128(body)
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn xxh3_128(bytes: &[u8]) -> u128 {
    omnysys_engine::snapshot::checksum(bytes)
}

#[test]
fn arbitrary_arguments_to_every_tool_are_answered_or_refused_without_a_panic() {
    let project = std::env::temp_dir().join(format!("omnysys-fuzz-args-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&project);
    crate::util::copy_dir(
        &workspace().join("tests/fixtures/projects/js_basic"),
        &project,
    );
    let options = omnysys_engine::startup::StartOptions {
        project: project.clone(),
        toolset: None,
    };
    let (mut engine, _) = omnysys_engine::startup::start_indexed(&options, |_, _| {}).unwrap();
    let digest = engine.digest();
    let tools: Vec<String> = engine
        .world()
        .resource::<omnysys_engine::tools::ToolCatalog>()
        .tools
        .keys()
        .cloned()
        .collect();
    let seeds: Vec<Vec<u8>> = [
        r#"{"filePath": "src/util.js"}"#,
        r#"{"filePath": "src/util.js", "symbolName": "helper"}"#,
        r#"{"functionName": "createApp", "filePath": "src/app.js"}"#,
        r#"{"fileA": "src/app.js", "fileB": "src/util.js"}"#,
        r#"{"pattern": "**/*.js", "limit": 5, "cursor": "x"}"#,
        r#"{"query": "help", "focusFiles": ["src/app.js"], "tokenBudget": 100}"#,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let mut calls = 0;
    fuzz(
        &seeds,
        fuzz_iterations(300),
        Duration::from_secs(2),
        |bytes| {
            let Ok(args) = serde_json::from_slice::<serde_json::Value>(bytes) else {
                return;
            };
            for tool in tools.iter().filter(|t| *t != "restart_server") {
                calls += 1;
                match engine.call_tool(tool, args.clone()) {
                    Err(omnysys_engine::plugin::CallError::Tool(e))
                        if e.kind == omnysys_api::tool::ToolErrorKind::Panicked =>
                    {
                        panic!("{tool} {args} panicked (contained): {e}")
                    }
                    Ok(_) | Err(omnysys_engine::plugin::CallError::Tool(_)) => {}
                    Err(other) => panic!("{tool} {args}: {other}"),
                }
            }
        },
    );
    eprintln!("{calls} tool calls");
    assert!(calls > 100, "too few inputs parsed as JSON: {calls} calls");
    assert_eq!(
        engine.digest(),
        digest,
        "{calls} fuzzed calls changed the state"
    );
    drop(engine);
    let _ = std::fs::remove_dir_all(&project);
}

#[test]
fn arbitrary_json_rpc_lines_on_stdio_never_stop_the_server_from_answering() {
    // The real binary, every tool, the js_basic project: after each mutated line a `ping` with a
    // fresh id must be answered, a line that is one request with an id must get an answer with
    // that id (valid or not), and everything the server writes must be JSON-RPC.
    let project = Project::copy_of("fuzz-jsonrpc", "js_basic");
    let mut server = StdioServer::serve(project, &default_toolset());
    let seeds: Vec<Vec<u8>> = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
               "params": {"name": "get_server_status", "arguments": {}}}),
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
               "params": {"name": "search_files", "arguments": {"pattern": "src/**/*.js", "limit": 2}}}),
        json!({"jsonrpc": "2.0", "id": "five", "method": "tools/call",
               "params": {"name": "get_impact_map", "arguments": {"filePath": "src/util.js"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 4}}),
        json!([{"jsonrpc": "2.0", "id": 6, "method": "ping"}]),
    ]
    .iter()
    .map(|v| v.to_string().into_bytes())
    .collect();
    let (mut lines, mut answered, mut requests) = (0usize, 0usize, 0usize);
    fuzz(
        &seeds,
        fuzz_iterations(200),
        Duration::from_secs(10),
        |bytes| {
            lines += 1;
            let mut expected = request_id(bytes);
            requests += usize::from(expected.is_some());
            server.send_bytes(bytes);
            let sentinel = json!(format!("sentinel-{lines}"));
            server.send(&json!({"jsonrpc": "2.0", "id": sentinel, "method": "ping"}).to_string());
            let mut pinged = false;
            while !pinged || expected.is_some() {
                let message = server.next_message(Duration::from_secs(10));
                assert_eq!(message["jsonrpc"], "2.0", "{message}");
                if message["id"] == sentinel {
                    assert!(message.get("result").is_some(), "{message}");
                    pinged = true;
                    continue;
                }
                if expected.as_ref() == message.get("id") {
                    expected = None;
                }
                answered += 1;
            }
        },
    );
    eprintln!("{lines} lines, {requests} of them requests with an id, {answered} other answers");
    assert!(
        server.process.child.try_wait().unwrap().is_none(),
        "the server exited:\n{}",
        server.process.log()
    );
}

/// The id a client waits on after sending `line`: one JSON object with a `method` and a number
/// or string `id` on one line.
fn request_id(line: &[u8]) -> Option<serde_json::Value> {
    if line.contains(&b'\n') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(line).ok()?;
    value.get("method")?;
    let id = value.get("id")?;
    (id.is_string() || id.is_i64()).then(|| id.clone())
}
