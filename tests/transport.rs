//! The MCP transports against hostile or careless clients: idle sockets, too many sessions,
//! remote Host headers, empty tokens, oversized stdio lines, malformed params. Every server
//! listens on loopback; every wait is bounded.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{omnysys, workspace};

const PROTOCOL: &str = "2025-11-25";

/// An empty project directory, removed on drop.
pub(crate) struct Project(pub(crate) PathBuf);

impl Project {
    pub(crate) fn new(name: &str) -> Project {
        let dir =
            std::env::temp_dir().join(format!("omnysys-transport-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Project(dir)
    }

    /// A copy of the fixture project `tests/fixtures/projects/FIXTURE`.
    pub(crate) fn copy_of(name: &str, fixture: &str) -> Project {
        let project = Project::new(name);
        crate::util::copy_dir(
            &workspace().join("tests/fixtures/projects").join(fixture),
            &project.0,
        );
        project
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The smallest useful tool set: the JavaScript extractor and `get_impact_map`.
fn minimal_toolset() -> PathBuf {
    workspace().join("assets/toolsets/minimal.toolset.ron")
}

/// Every tool and extractor of the workspace.
pub(crate) fn default_toolset() -> PathBuf {
    workspace().join("assets/toolsets/default.toolset.ron")
}

/// The arguments of `omnysys serve` on `project` with `toolset`.
fn serve_args(project: &Project, toolset: &Path) -> Vec<String> {
    vec![
        "serve".into(),
        "--project".into(),
        project.0.display().to_string(),
        "--toolset".into(),
        toolset.display().to_string(),
    ]
}

/// A running `omnysys serve` (killed on drop) and the lines of its stderr.
pub(crate) struct Process {
    pub(crate) child: Child,
    stderr: Receiver<String>,
    seen: Vec<String>,
}

impl Process {
    pub(crate) fn spawn(mut command: Command) -> Process {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("omnysys starts");
        let (tx, stderr) = channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Process {
            child,
            stderr,
            seen: Vec::new(),
        }
    }

    /// Waits (30 s at most) for a stderr line containing `needle`.
    pub(crate) fn wait_for_log(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no {needle:?} on stderr within 30 s:\n{}", self.log());
    }

    pub(crate) fn log(&mut self) -> String {
        self.seen.extend(self.stderr.try_iter());
        self.seen.join("\n")
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP server: its process and the port it listens on.
struct HttpServer {
    process: Process,
    port: u16,
    _project: Project,
}

/// Starts `omnysys serve --http ADDR` (port 0) with the minimal tool set, `extra` arguments and
/// `env`; with `nofile`, under `ulimit -n nofile`.
fn start_http(
    name: &str,
    ip: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    nofile: Option<u32>,
) -> HttpServer {
    start_http_with(
        Project::new(name),
        &minimal_toolset(),
        ip,
        extra,
        env,
        nofile,
    )
}

/// [`start_http`] on `project` with `toolset`.
fn start_http_with(
    project: Project,
    toolset: &Path,
    ip: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    nofile: Option<u32>,
) -> HttpServer {
    let mut args = serve_args(&project, toolset);
    args.extend(["--http".into(), format!("{ip}:0")]);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let mut command = match nofile {
        Some(n) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                .arg(omnysys())
                .args(&args);
            c
        }
        None => {
            let mut c = Command::new(omnysys());
            c.args(&args);
            c
        }
    };
    command.env("OMNYSYS_LOG", "info").stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut process = Process::spawn(command);
    let line = process.wait_for_log("serving MCP over Streamable HTTP");
    let url = &line[line.find("http://").expect("a URL in the log")..];
    let port = url["http://".len()..]
        .split('/')
        .next()
        .and_then(|a| a.parse::<SocketAddr>().ok())
        .expect("ADDR:PORT in the URL")
        .port();
    HttpServer {
        process,
        port,
        _project: project,
    }
}

/// An HTTP answer.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON-RPC messages of the body: a JSON body, or the `data:` lines of an SSE stream.
    fn messages(&self) -> Vec<Value> {
        if let Ok(v) = serde_json::from_str::<Value>(&self.body) {
            return vec![v];
        }
        self.body
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect()
    }
}

/// One HTTP/1.1 request on a fresh connection to `connect`, with `Host: host`.
fn http(connect: &str, host: &str, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(connect).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = format!(
        "{method} /mcp HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("an answer within 20 s");
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").expect("a complete HTTP head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

const MCP_HEADERS: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("Accept", "application/json, text/event-stream"),
];

fn initialize_body() -> String {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "transport-test", "version": "0"}}})
    .to_string()
}

/// `initialize` with `extra` headers; the reply.
fn initialize(connect: &str, host: &str, extra: &[(&str, &str)]) -> Reply {
    let headers: Vec<(&str, &str)> = MCP_HEADERS.iter().chain(extra).copied().collect();
    http(connect, host, "POST", &headers, &initialize_body())
}

/// A legacy HTTP session on loopback: `initialize` and `notifications/initialized` done.
struct Session {
    connect: String,
    id: String,
}

impl Session {
    fn open(port: u16) -> Session {
        let connect = format!("127.0.0.1:{port}");
        let init = initialize(&connect, &connect, &[]);
        assert_eq!(init.status, 200, "initialize: {}", init.body);
        let id = init
            .header("mcp-session-id")
            .expect("a session id")
            .to_owned();
        let session = Session { connect, id };
        let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string();
        let ack = session.post(&note);
        assert_eq!(ack.status, 202, "initialized: {}", ack.body);
        session
    }

    fn post(&self, body: &str) -> Reply {
        let headers: Vec<(&str, &str)> = MCP_HEADERS
            .iter()
            .copied()
            .chain([
                ("Mcp-Session-Id", self.id.as_str()),
                ("MCP-Protocol-Version", PROTOCOL),
            ])
            .collect();
        http(&self.connect, &self.connect, "POST", &headers, body)
    }

    /// The answer to request `id` of `method` with `params`.
    fn request(&self, id: u64, method: &str, params: &Value) -> Value {
        let body =
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        let reply = self.post(&body);
        assert_eq!(reply.status, 200, "{method}: {}", reply.body);
        reply
            .messages()
            .into_iter()
            .find(|m| m["id"] == id)
            .unwrap_or_else(|| panic!("no answer to {method} in {:?}", reply.body))
    }
}

/// A legacy session: `initialize`, `notifications/initialized`, `tools/list`; the tool names.
fn session_lists_tools(port: u16) -> Vec<String> {
    let answer = Session::open(port).request(2, "tools/list", &json!({}));
    answer["result"]["tools"]
        .as_array()
        .expect("a tool list")
        .iter()
        .map(|t| t["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Whether the server closed `stream` (EOF or reset) within `within`.
fn closed_by_server(mut stream: &TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut byte = [0u8; 1024];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => return true,
            Ok(_) => {} // an error page (408) before the close
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn idle_sockets_beyond_the_connection_cap_neither_starve_a_real_client_nor_stay_open() {
    // 300 idle sockets against a server allowed 256 descriptors: without a cap it runs out of
    // descriptors and never accepts the real client; without a header timeout nothing frees.
    let mut server = start_http(
        "idle",
        "127.0.0.1",
        &[],
        &[
            ("OMNYSYS_HTTP_HEADER_TIMEOUT_MS", "1000"),
            ("OMNYSYS_HTTP_MAX_CONNECTIONS", "64"),
        ],
        Some(256),
    );
    let connect = format!("127.0.0.1:{}", server.port);
    let idle: Vec<TcpStream> = (0..300)
        .map(|i| {
            let mut s = TcpStream::connect(&connect).expect("an idle connection");
            if i % 2 == 0 {
                s.write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .unwrap();
            }
            s
        })
        .collect();
    let started = Instant::now();
    let (tx, done) = channel();
    let port = server.port;
    std::thread::spawn(move || {
        let _ = tx.send(session_lists_tools(port));
    });
    let tools = done.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| {
        panic!(
            "initialize + tools/list did not complete within 20 s with 300 idle sockets open:\n{}",
            server.process.log()
        )
    });
    assert!(tools.contains(&"get_impact_map".to_owned()), "{tools:?}");
    eprintln!("real client served after {:?}", started.elapsed());
    let deadline = Instant::now() + Duration::from_secs(10);
    let still_open = idle
        .iter()
        .filter(|s| {
            let left = deadline.saturating_duration_since(Instant::now());
            !closed_by_server(s, left.max(Duration::from_millis(1)))
        })
        .count();
    assert_eq!(still_open, 0, "idle sockets the server never closed");
}

#[test]
fn an_initialize_beyond_the_session_cap_is_answered_503_until_a_session_ends() {
    let server = start_http(
        "sessions",
        "127.0.0.1",
        &[],
        &[("OMNYSYS_HTTP_MAX_SESSIONS", "2")],
        None,
    );
    let connect = format!("127.0.0.1:{}", server.port);
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let init = initialize(&connect, &connect, &[]);
        assert_eq!(init.status, 200, "{}", init.body);
        sessions.push(init.header("mcp-session-id").unwrap().to_owned());
    }
    let refused = initialize(&connect, &connect, &[]);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(
        refused.body.contains("too many MCP sessions"),
        "{}",
        refused.body
    );
    let ended = http(
        &connect,
        &connect,
        "DELETE",
        &[
            ("Mcp-Session-Id", &sessions[0]),
            ("MCP-Protocol-Version", PROTOCOL),
        ],
        "",
    );
    assert!(
        ended.status < 300,
        "DELETE: {} {}",
        ended.status,
        ended.body
    );
    let again = initialize(&connect, &connect, &[]);
    assert_eq!(again.status, 200, "{}", again.body);
}

#[test]
fn a_token_server_on_all_interfaces_accepts_its_own_host_names_and_refuses_foreign_ones() {
    let token = format!("t-{}", std::process::id());
    let server = start_http(
        "remote",
        "0.0.0.0",
        &["--token", &token],
        &[("OMNYSYS_ALLOW_HOSTS", "mcp.example.org,other.example.org:1")],
        None,
    );
    let port = server.port;
    let bearer = format!("Bearer {token}");
    let auth = [("Authorization", bearer.as_str())];
    let loopback = format!("127.0.0.1:{port}");
    let alias = format!("127.0.0.2:{port}"); // a loopback address that is not a loopback name
    let cases = [
        (&loopback, format!("127.0.0.1:{port}"), 200),
        (&loopback, format!("localhost:{port}"), 200),
        (&loopback, format!("0.0.0.0:{port}"), 200),
        (&alias, format!("127.0.0.2:{port}"), 200),
        (&loopback, "mcp.example.org".to_owned(), 200),
        (&loopback, format!("evil.example:{port}"), 403),
        (&loopback, "evil.example".to_owned(), 403),
        (&loopback, format!("127.0.0.2:{port}"), 403),
        (&alias, format!("127.0.0.2:{}", port.wrapping_add(1)), 403),
    ];
    for (connect, host, want) in cases {
        let reply = initialize(connect, &host, &auth);
        assert_eq!(
            reply.status, want,
            "Host {host} via {connect}: {}",
            reply.body
        );
    }
    let without_token = initialize(&loopback, &loopback, &[]);
    assert_eq!(without_token.status, 401);
}

#[test]
fn an_empty_token_is_refused_at_start_up_naming_the_flag_and_the_variable() {
    let project = Project::new("empty-token");
    for (flag, env) in [(true, None), (false, Some(""))] {
        let mut command = Command::new(omnysys());
        command
            .args(serve_args(&project, &minimal_toolset()))
            .args(["--http", "127.0.0.1:0"])
            .env("OMNYSYS_LOG", "warn")
            .env_remove("OMNYSYS_TOKEN")
            .stdin(Stdio::null());
        if flag {
            command.args(["--token", ""]);
        }
        if let Some(value) = env {
            command.env("OMNYSYS_TOKEN", value);
        }
        let mut process = Process::spawn(command);
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = process.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "still serving 15 s after start with an empty token (flag: {flag}):\n{}",
                process.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        std::thread::sleep(Duration::from_millis(100));
        let log = process.log();
        assert!(!status.success(), "{log}");
        assert!(
            log.contains("--token") && log.contains("OMNYSYS_TOKEN"),
            "{log}"
        );
    }
}

/// `omnysys serve` over stdio, spoken to line by line.
pub(crate) struct StdioServer {
    pub(crate) process: Process,
    stdin: ChildStdin,
    lines: Receiver<String>,
    _project: Project,
}

impl StdioServer {
    /// The minimal tool set on an empty project.
    fn start(name: &str) -> StdioServer {
        StdioServer::serve(Project::new(name), &minimal_toolset())
    }

    /// `omnysys serve` on `project` with `toolset`, initialized.
    pub(crate) fn serve(project: Project, toolset: &Path) -> StdioServer {
        let mut command = Command::new(omnysys());
        command.args(serve_args(&project, toolset));
        StdioServer::spawn(command, project)
    }

    /// Starts `command` (an `omnysys serve` over stdio) and initializes the session.
    pub(crate) fn spawn(mut command: Command, project: Project) -> StdioServer {
        command.env("OMNYSYS_LOG", "warn").stdin(Stdio::piped());
        let mut process = Process::spawn(command);
        let stdin = process.child.stdin.take().unwrap();
        let stdout = process.child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = StdioServer {
            process,
            stdin,
            lines,
            _project: project,
        };
        server.send(&initialize_body());
        let init = server.next_message(Duration::from_secs(30));
        assert_eq!(init["id"], 1, "{init}");
        server.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string());
        server
    }

    /// Writes `bytes` and a newline, whatever they hold.
    pub(crate) fn send_bytes(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to the server");
        self.send("");
    }

    pub(crate) fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("write to the server");
        self.stdin.flush().unwrap();
    }

    pub(crate) fn next_message(&mut self, within: Duration) -> Value {
        let line = self
            .lines
            .recv_timeout(within)
            .unwrap_or_else(|_| panic!("no message within {within:?}:\n{}", self.process.log()));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line}"))
    }

    pub(crate) fn request(&mut self, id: u64, method: &str, params: &Value) -> Value {
        self.request_within(id, method, params, Duration::from_secs(30))
    }

    /// The answer to request `id`, which must come within `within` of sending it.
    pub(crate) fn request_within(
        &mut self,
        id: u64,
        method: &str,
        params: &Value,
        within: Duration,
    ) -> Value {
        self.send(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
        );
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.next_message(left);
            if message["id"] == id {
                return message;
            }
        }
    }

    /// The result of `tools/call` `tool` with `arguments` (request id `id`), within `within`.
    pub(crate) fn call(
        &mut self,
        id: u64,
        tool: &str,
        arguments: Value,
        within: Duration,
    ) -> Value {
        let params = json!({"name": tool, "arguments": arguments});
        let answer = self.request_within(id, "tools/call", &params, within);
        answer
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("{tool}: not a result: {answer}"))
    }

    /// Polls `get_server_status` (ids from 1000, at most 60 s) until indexing is ready.
    pub(crate) fn wait_until_ready(&mut self) {
        for id in 1000..2200 {
            let status = self.call(id, "get_server_status", json!({}), Duration::from_secs(30));
            if status["structuredContent"]["indexing"]["phase"] == "ready" {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("not ready within 60 s:\n{}", self.process.log());
    }

    /// The peak resident memory of the server, in KiB.
    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.pid()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

#[test]
fn a_50_mb_line_on_stdio_is_answered_with_an_error_and_the_next_request_is_served() {
    let mut server = StdioServer::start("big-line");
    let before = server.peak_kib();
    let started = Instant::now();
    let pad = "x".repeat(1 << 20);
    write!(
        server.stdin,
        "{{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":{{\"pad\":\""
    )
    .unwrap();
    for _ in 0..50 {
        server.stdin.write_all(pad.as_bytes()).unwrap();
    }
    writeln!(server.stdin, "\"}}}}").unwrap();
    server.send(&json!({"jsonrpc": "2.0", "id": 8, "method": "ping"}).to_string());
    let error = server.next_message(Duration::from_secs(60));
    assert_eq!(error["id"], Value::Null, "{error}");
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("too large"),
        "{error}"
    );
    let pong = server.next_message(Duration::from_secs(30));
    assert_eq!(pong["id"], 8, "{pong}");
    assert!(pong.get("result").is_some(), "{pong}");
    assert!(started.elapsed() < Duration::from_secs(60));
    let grown_mib = server.peak_kib().saturating_sub(before) / 1024;
    assert!(
        grown_mib < 32,
        "peak memory grew by {grown_mib} MiB for a discarded line"
    );
}

#[test]
fn a_tools_call_whose_name_is_a_number_is_answered_invalid_params_not_method_not_found() {
    let mut server = StdioServer::start("bad-params");
    let answer = server.request(2, "tools/call", &json!({"name": 42, "arguments": {}}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    let answer = server.request(3, "tools/call", &json!({"arguments": {}}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    let answer = server.request(4, "no/such/method", &json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    // Not a request of this protocol at all: still answered with its id.
    server.send(r#"{"jsonrpc":"2.0","id":6,"method":7}"#);
    let answer = server.next_message(Duration::from_secs(30));
    assert_eq!(answer["id"], 6, "{answer}");
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    let answer = server.request(5, "tools/list", &json!({}));
    assert!(answer["result"]["tools"].is_array(), "{answer}");
}

#[test]
fn a_glob_of_twenty_thousand_stars_over_http_is_refused_and_every_client_keeps_being_served() {
    // Before: a stack overflow in the recursive glob matcher aborted the process, taking every
    // session down with it.
    let project = Project::copy_of("stars", "js_basic");
    let mut server = start_http_with(project, &default_toolset(), "127.0.0.1", &[], &[], None);
    let (attacker, bystander) = (Session::open(server.port), Session::open(server.port));
    let search = |session: &Session, id: u64, pattern: &str| {
        let params = json!({"name": "search_files", "arguments": {"pattern": pattern}});
        session.request(id, "tools/call", &params)
    };
    let started = Instant::now();
    let refused = search(&attacker, 2, &"*".repeat(20_000));
    let text = refused["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or("");
    assert_eq!(refused["result"]["isError"], true, "{refused}");
    assert!(text.len() < 1_000, "the error quoted {} bytes", text.len());
    assert!(started.elapsed() < Duration::from_secs(5));
    // Within the bound, a thousand stars are matched (no recursion, linear time).
    let matched = search(&attacker, 3, &format!("{}.js", "*".repeat(1_000)));
    assert_ne!(matched["result"]["isError"], true, "{matched}");
    let status = bystander.request(
        2,
        "tools/call",
        &json!({"name": "get_server_status", "arguments": {}}),
    );
    assert!(
        status["result"]["structuredContent"].is_object(),
        "{status}"
    );
    assert!(
        server.process.child.try_wait().unwrap().is_none(),
        "the server exited:\n{}",
        server.process.log()
    );
}

#[test]
fn two_thousand_requests_in_flight_on_stdio_are_each_answered_once() {
    let mut server = StdioServer::serve(
        Project::copy_of("in-flight", "js_basic"),
        &default_toolset(),
    );
    let n = 2_000u64;
    for id in 100..100 + n {
        let params = json!({"name": "get_impact_map", "arguments": {"filePath": "src/util.js"}});
        server.send(
            &json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})
                .to_string(),
        );
    }
    let mut answered = std::collections::BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while (answered.len() as u64) < n {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = server.next_message(left);
        let Some(id) = message["id"].as_u64() else {
            continue; // a notification
        };
        assert!(message["result"]["content"].is_array(), "{message}");
        assert!(answered.insert(id), "request {id} answered twice");
    }
    assert_eq!(answered.first(), Some(&100));
    assert_eq!(answered.last(), Some(&(100 + n - 1)));
}

#[test]
fn regular_expressions_built_to_backtrack_or_to_explode_are_answered_within_seconds() {
    let project = Project::new("regex-bomb");
    omnysys_harness::synthetic::write_javascript_project(&project.0, 500).unwrap();
    let mut server = StdioServer::serve(project, &default_toolset());
    server.wait_until_ready();
    let cases = [
        // Exponential for a backtracking engine on a path that almost matches.
        (r"^(f|f?)+(\d|\d?)+(\d|\d?)+\.jsx$", false),
        (r"^(.+)+\.tsx$", false),
        // Compiles past the size limit: refused at once, quoting a short start.
        (r"(x{1000}){1000}", true),
    ];
    for (id, (pattern, refused)) in (2..).zip(cases) {
        let started = Instant::now();
        let result = server.call(
            id,
            "search_files",
            json!({"pattern": pattern}),
            Duration::from_secs(20),
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{pattern}");
        assert_eq!(result["isError"] == true, refused, "{pattern}: {result}");
        if !refused {
            assert_eq!(result["structuredContent"]["total"], 0, "{pattern}");
        }
    }
}

#[test]
fn an_oversized_body_and_a_foreign_origin_are_refused_over_http() {
    let server = start_http("limits", "127.0.0.1", &[], &[], None);
    let connect = format!("127.0.0.1:{}", server.port);
    // A body announced past the 4 MiB limit: refused before it is read.
    let mut stream = TcpStream::connect(&connect).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {connect}\r\nConnection: close\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\n\r\n",
        5 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(&[b' '; 1024]);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let reply = parse_reply(&raw);
    assert_eq!(reply.status, 413, "{}", reply.body);
    let foreign = initialize(&connect, &connect, &[("Origin", "http://evil.example.com")]);
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    let own = initialize(
        &connect,
        &connect,
        &[("Origin", &format!("http://{connect}"))],
    );
    assert_eq!(own.status, 200, "{}", own.body);
}
