//! A running server follows `package.json` and `tsconfig` edits: the imports they govern are
//! resolved again without any source file changing.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{copy_dir, omnysys, workspace};

/// An `omnysys serve` child spoken to over stdio.
struct Server {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: u64,
}

impl Server {
    fn start(project: &Path) -> Server {
        let mut child = Command::new(omnysys())
            .args(["serve", "--project"])
            .arg(project)
            .env("OMNYSYS_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("omnysys serve starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = Server {
            child,
            stdin,
            lines,
            next_id: 1,
        };
        server.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}),
        );
        server.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        server
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .expect("an answer within 30 s");
            let message: Value = serde_json::from_str(&line).expect("JSON-RPC");
            if message["id"] == id {
                return message;
            }
        }
    }

    /// `(specifier, resolved)` of each import of `file`.
    fn imports(&mut self, file: &str) -> Vec<(String, Value)> {
        let answer = self.request(
            "tools/call",
            json!({"name": "get_molecule_summary", "arguments": {"filePath": file}}),
        );
        answer["result"]["structuredContent"]["imports"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|i| {
                        (
                            i["specifier"].as_str().unwrap_or("").to_owned(),
                            i["resolved"].clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Where `specifier` in `file` resolves, once it is `want` (within 10 s), else as last seen.
    fn wait_resolved(&mut self, file: &str, specifier: &str, want: &Value) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self
                .imports(file)
                .into_iter()
                .find(|(s, _)| s == specifier)
                .map_or(Value::Null, |(_, r)| r);
            if got == *want || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn edits_to_package_json_and_an_extended_tsconfig_relink_a_running_server() {
    let dir = std::env::temp_dir().join(format!("omnysys-resolution-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &workspace().join("tests/fixtures/projects/ts_workspace"),
        &dir,
    );
    let mut server = Server::start(&dir);
    // Indexed (the first answers may come before the file is), with the blocked subpath.
    let shapes = json!("packages/shapes/src/index.mjs");
    assert_eq!(
        server.wait_resolved("src/packages.ts", "@ws/shapes", &shapes),
        shapes
    );
    let secret = "@ws/shapes/internal/secret";
    assert_eq!(
        server.wait_resolved("src/packages.ts", secret, &Value::Null),
        Value::Null
    );

    // `./internal/*` exported instead of blocked; the `import` condition now the CommonJS file.
    let manifest = dir.join("packages/shapes/package.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text
        .replace(
            r#""./internal/*": null"#,
            r#""./internal/*": "./src/internal/*.js""#,
        )
        .replace(
            r#""import": "./src/index.mjs""#,
            r#""import": "./src/index.cjs""#,
        );
    std::fs::write(&manifest, text).unwrap();
    let unblocked = json!("packages/shapes/src/internal/secret.js");
    assert_eq!(
        server.wait_resolved("src/packages.ts", secret, &unblocked),
        unblocked
    );
    let cjs = json!("packages/shapes/src/index.cjs");
    assert_eq!(
        server.wait_resolved("src/packages.ts", "@ws/shapes", &cjs),
        cjs
    );

    // tsconfig.base.json is only read because tsconfig.json extends it.
    let base = dir.join("tsconfig.base.json");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("src/config/index.ts", "lib/strings.ts")).unwrap();
    let strings = json!("lib/strings.ts");
    assert_eq!(
        server.wait_resolved("src/aliases.ts", "@config", &strings),
        strings
    );

    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
