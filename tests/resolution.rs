//! A running server follows `package.json` and `tsconfig` edits: the imports they govern are
//! resolved again without any source file changing; and an edit to one source file re-links the
//! type facts other, unedited files rely on, re-extracting the edited file only.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
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

    /// A server of a fresh copy of the fixture project `fixture`, in a temporary directory
    /// named after `name`.
    fn on_copy_of(fixture: &str, name: &str) -> (PathBuf, Server) {
        let dir = std::env::temp_dir().join(format!("omnysys-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(
            &workspace().join("tests/fixtures/projects").join(fixture),
            &dir,
        );
        let server = Server::start(&dir);
        (dir, server)
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

    /// The structured answer of `tool` to `arguments`.
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let answer = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        answer["result"]["structuredContent"].clone()
    }

    /// The call `callee` of `function` in `file` as `get_function_details` lists it, once
    /// `done(call)` holds (within 10 s), else as last seen.
    fn wait_call(
        &mut self,
        file: &str,
        function: &str,
        callee: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let details = self.call(
                "get_function_details",
                json!({"filePath": file, "functionName": function}),
            );
            let got = details["calls"]
                .as_array()
                .and_then(|calls| calls.iter().find(|c| c["callee"] == callee))
                .cloned()
                .unwrap_or(Value::Null);
            if done(&got) || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The indexing counters of `get_server_status` once the last pass is over (within 10 s).
    fn settled_indexing(&mut self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = self.call("get_server_status", json!({}));
            let indexing = status["indexing"].clone();
            if indexing["isIndexing"] == false || Instant::now() > deadline {
                return indexing;
            }
            std::thread::sleep(Duration::from_millis(100));
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
    let (dir, mut server) = Server::on_copy_of("ts_workspace", "resolution");
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

/// How many `.js` files `dir` holds (the first pass extracts them all).
fn sources_in(dir: &std::path::Path) -> u64 {
    let entries = std::fs::read_dir(dir).expect("the fixture's lib/ exists");
    let js = entries.filter(|e| {
        e.as_ref()
            .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "js"))
    });
    js.count() as u64
}

/// An edit of one file of a served copy of `js_receivers` and the call it changes in the
/// unedited lib/Module.js (`Module.build`).
struct Relink<'a> {
    /// The edited file.
    file: &'a str,
    /// The text replaced, and by what.
    replace: (&'a str, &'a str),
    /// The callee of the call in `Module.build`.
    callee: &'a str,
    /// The call as `get_function_details` lists it before the edit and after it.
    before: Value,
    after: Value,
}

impl Relink<'_> {
    /// Serves a copy of `js_receivers`: the call is `before`; after the edit it is `after`
    /// with one file extracted in the last pass, and `edited` runs; the edit reverted, it is
    /// `before` again, again with one file extracted.
    fn check(&self, name: &str, edited: impl FnOnce(&mut Server)) {
        let (dir, mut server) = Server::on_copy_of("js_receivers", name);
        self.expect(&mut server, &self.before, sources_in(&dir.join("lib")));

        let file = dir.join(self.file);
        let original = std::fs::read_to_string(&file).unwrap();
        let changed = original.replace(self.replace.0, self.replace.1);
        assert_ne!(changed, original, "the edit changes {}", self.file);
        std::fs::write(&file, changed).unwrap();
        self.expect(&mut server, &self.after, 1);
        edited(&mut server);

        std::fs::write(&file, &original).unwrap();
        self.expect(&mut server, &self.before, 1);

        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The call becomes `want` (within 10 s), and the last indexing pass extracted `files`.
    fn expect(&self, server: &mut Server, want: &Value, files: u64) {
        let got = server.wait_call("lib/Module.js", "build", self.callee, |c| c == want);
        assert_eq!(got, *want);
        let indexing = server.settled_indexing();
        assert_eq!(
            (&indexing["done"], &indexing["total"]),
            (&json!(files), &json!(files)),
            "files extracted in the last pass: {indexing}"
        );
    }
}

#[test]
fn an_edit_to_a_base_class_changes_how_an_unedited_file_resolves_and_re_extracts_only_the_edited_file()
 {
    // lib/Module.js line 14: `this.addDependency("a")` inside `Module extends Block`; the method
    // is defined on Block (lib/Block.js), so the call is inherited. Renamed there (same lines),
    // the call in the unedited Module.js reaches nothing.
    let relink = Relink {
        file: "lib/Block.js",
        replace: ("addDependency(dep)", "addBlock(dep)"),
        callee: "this.addDependency",
        before: json!({
            "callee": "this.addDependency",
            "line": 14,
            "resolved": true,
            "via": "inherited",
            "target": {"file": "lib/Block.js", "symbol": "Block.addDependency"},
        }),
        after: json!({
            "callee": "this.addDependency",
            "line": 14,
            "resolved": false,
            "via": "unknown",
            "target": null,
        }),
    };
    relink.check("relink-base", |server| {
        let details = server.call(
            "get_function_details",
            json!({"filePath": "lib/Block.js", "functionName": "addBlock"}),
        );
        assert_eq!(details["callers"], json!([]), "{details}");
    });
}

#[test]
fn a_changed_declared_return_type_re_links_a_call_in_an_unedited_file_and_re_extracts_only_the_edited_file()
 {
    // lib/Module.js line 18: `other.getModuleId("d")`, where `other = compilation.getGraph()`
    // and lib/Compilation.js declares `@returns {Graph}`: Graph.getModuleId, inferred. Only the
    // declared type changed (`{Compilation}`, same lines, same symbols): a Compilation has no
    // getModuleId, so the call reaches nothing, while `compilation.getGraph()` still resolves.
    let relink = Relink {
        file: "lib/Compilation.js",
        replace: (
            "@returns {Graph} the graph",
            "@returns {Compilation} the graph",
        ),
        callee: "other.getModuleId",
        before: json!({
            "callee": "other.getModuleId",
            "line": 18,
            "resolved": true,
            "via": "receiver",
            "confidence": "inferred",
            "target": {"file": "lib/Graph.js", "symbol": "Graph.getModuleId"},
        }),
        after: json!({
            "callee": "other.getModuleId",
            "line": 18,
            "resolved": false,
            "via": "unknown",
            "target": null,
        }),
    };
    relink.check("relink-returns", |server| {
        let get_graph =
            server.wait_call("lib/Module.js", "build", "compilation.getGraph", |_| true);
        assert_eq!(
            get_graph["target"],
            json!({"file": "lib/Compilation.js", "symbol": "Compilation.getGraph"})
        );
        let details = server.call(
            "get_function_details",
            json!({"filePath": "lib/Graph.js", "functionName": "getModuleId"}),
        );
        let lines: Vec<&Value> = details["callers"]
            .as_array()
            .map(|c| c.iter().map(|c| &c["line"]).collect())
            .unwrap_or_default();
        assert_eq!(lines, [&json!(15), &json!(16)], "{details}");
    });
}

/// A Python module with `@overload` signatures of a function and of a method.
const OVERLOADS: &str = "\
from typing import overload
import typing

class Text:
    @overload
    def split(self, sep: str) -> list: ...
    @typing.overload
    def split(self, sep: None) -> list: ...
    def split(self, sep=None):
        return []

@overload
def auto(cls: int) -> int: ...
def auto(cls=None):
    return cls

def use(t: Text):
    return t.split(\",\"), auto(1)
";

#[test]
fn overload_signatures_are_references_of_the_function_or_method_they_declare() {
    let dir = std::env::temp_dir().join(format!("omnysys-overloads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("pkg/__init__.py"), "").unwrap();
    std::fs::write(dir.join("pkg/text.py"), OVERLOADS).unwrap();
    let mut server = Server::start(&dir);

    let method = references_once_indexed(&mut server, "pkg/text.py", "Text.split");
    assert_eq!(
        method,
        [
            (6, "value".into()),
            (8, "value".into()),
            (18, "call".into())
        ]
    );
    let function = references_once_indexed(&mut server, "pkg/text.py", "auto");
    assert_eq!(function, [(13, "value".into()), (18, "call".into())]);

    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `(line, kind)` of each reference `find_references` lists for `symbol` of `file`, once the
/// file is indexed (within 10 s).
fn references_once_indexed(server: &mut Server, file: &str, symbol: &str) -> Vec<(u64, String)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = server.call(
            "find_references",
            json!({"filePath": file, "symbolName": symbol}),
        );
        let found: Vec<(u64, String)> = answer["references"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["line"].as_u64().unwrap_or(0),
                    r["kind"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        if !found.is_empty() || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
