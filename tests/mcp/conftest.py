"""Fixtures for driving `omnysys serve` with the Python `mcp` client (PyPI `mcp`, not ours).

Each test gets its own server: a temporary directory holding a copy of the `fixture` plugin
library (`plugin.so`, the path the tool set names, which the server watches), the tool set, and
an empty project. The server runs over stdio (the client spawns it) or Streamable HTTP (spawned
here on a free loopback port), and the client connects in `legacy` (initialize) or `auto`
(2026-07-28 via `server/discover`) mode.

A swap is what a rebuild looks like on disk: the new bytes are written to a temporary file in
the same directory and renamed over the watched path.

Environment: OMNYSYS_BIN (default target/release/omnysys) and OMNYSYS_PLUGIN_DIR (default: the
binary's directory, where `cargo build --release --workspace` puts the plugin libraries).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Iterator

import anyio
import mcp_types
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.subscriptions import ToolsListChanged

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("OMNYSYS_BIN", ROOT / "target" / "release" / "omnysys"))
PLUGIN_DIR = Path(os.environ.get("OMNYSYS_PLUGIN_DIR", BIN.parent))

# Bounds for everything that waits. Generous for a loaded 2-core CI machine; a healthy run is
# far below them.
SERVER_START_TIMEOUT = 30.0  # HTTP server: process start to port open
CONNECT_TIMEOUT = 30.0  # client handshake (stdio includes process start and plugin load)
CALL_TIMEOUT = 15.0  # one request
NOTIFY_TIMEOUT = 10.0  # swap on disk -> list_changed at the client (contract: ~100 ms)
QUIET_PERIOD = 1.5  # how long "no notification" is watched for after a no-op swap

TRANSPORTS = ["stdio", "http"]
MODES = ["legacy", "auto"]
MODERN_VERSION = "2026-07-28"


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(
            f"{path} is missing ({what}): run `cargo build --release --workspace` "
            "(scripts/test.sh does); these tests never skip",
            pytrace=False,
        )
    return path


def text_of(result) -> str:
    """The text blocks of a tool result, joined."""
    return "\n".join(getattr(block, "text", "") for block in result.content)


def plugin_bytes(crate: str) -> bytes:
    return _require(PLUGIN_DIR / f"lib{crate}.so", f"plugin crate {crate}").read_bytes()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@dataclass
class Changes:
    """Counts `tools/list_changed` as the client saw it: the legacy notification through
    `message_handler`, or a `ToolsListChanged` event of a 2026-07-28 `subscriptions/listen`."""

    count: int = 0
    logs: list[object] = field(default_factory=list)

    async def wait_for(self, n: int, timeout: float = NOTIFY_TIMEOUT) -> None:
        try:
            with anyio.fail_after(timeout):
                while self.count < n:
                    await anyio.sleep(0.01)
        except TimeoutError:
            raise AssertionError(
                f"expected {n} tools/list_changed within {timeout}s of a swap, got {self.count}"
            ) from None


@dataclass
class Server:
    """One server under test and its watched plugin library."""

    transport: str
    workdir: Path
    watched: Path
    toolset: Path
    project: Path
    v1: bytes
    v2: bytes
    url: str | None = None
    process: subprocess.Popen[bytes] | None = None
    stderr_path: Path | None = None

    def args(self) -> list[str]:
        return ["serve", "--project", str(self.project), "--toolset", str(self.toolset)]

    def target(self) -> str | StdioServerParameters:
        if self.transport == "http":
            assert self.url is not None
            return self.url
        return StdioServerParameters(
            command=str(BIN), args=self.args(), env={"OMNYSYS_LOG": "warn"}
        )

    def swap(self, data: bytes) -> None:
        """Replaces the watched library the way a build does: write aside, rename over."""
        tmp = self.watched.with_name(f".{self.watched.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.watched)

    def stderr_tail(self) -> str:
        if self.stderr_path is None or not self.stderr_path.exists():
            return ""
        return self.stderr_path.read_text(errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_http(server: Server) -> None:
    """Starts the HTTP server on a free loopback port; a bounded wait for the port to open."""
    last_error = ""
    for _attempt in range(3):  # a port taken between probe and bind: try another
        port = _free_port()
        server.stderr_path = server.workdir / f"server-{port}.stderr"
        with open(server.stderr_path, "wb") as err:
            proc = subprocess.Popen(
                [str(BIN), *server.args(), "--http", f"127.0.0.1:{port}"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env={**os.environ, "OMNYSYS_LOG": os.environ.get("OMNYSYS_LOG", "warn")},
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    server.process = proc
                    server.url = f"http://127.0.0.1:{port}/mcp"
                    return
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
            pytest.fail(
                f"HTTP server did not open 127.0.0.1:{port} within {SERVER_START_TIMEOUT}s; "
                f"stderr:\n{server.stderr_tail()}",
                pytrace=False,
            )
        last_error = server.stderr_tail()
    pytest.fail(f"HTTP server exited at start three times; stderr:\n{last_error}", pytrace=False)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def js_basic_server(
    transport: str,
    tmp_path: Path,
    watched: bytes,
    swapped: bytes,
    crates: list[str],
    server_class: type[Server] = Server,
    watched_name: str = "plugin.so",
) -> Server:
    """A server (not started yet) on a copy of the js_basic project, serving `watched` from a
    watched path (a swap writes `swapped` there) and the release libraries of `crates`."""
    path = tmp_path / watched_name
    path.write_bytes(watched)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "js_basic", project)
    toolset = tmp_path / "test.toolset.ron"
    libraries = "".join(
        f', (path: "{_require(PLUGIN_DIR / f"lib{c}.so", c)}")' for c in crates
    )
    toolset.write_text(f'ToolSet(plugins: [(path: "{path}"){libraries}])\n')
    return server_class(transport, tmp_path, path, toolset, project, watched, swapped)


@pytest.fixture
def server(transport: str, tmp_path: Path):
    """A fresh server (HTTP: running; stdio: started by the client) serving `fixture` v1 from
    a watched path, and the `conformance` fixture plugin (progress and logging tools)."""
    _require(BIN, "the release engine")
    v1, v2 = plugin_bytes("fixture_v1"), plugin_bytes("fixture_v2")
    watched = tmp_path / "plugin.so"
    watched.write_bytes(v1)
    project = tmp_path / "project"
    project.mkdir()
    toolset = tmp_path / "test.toolset.ron"
    conformance = _require(
        PLUGIN_DIR / "libfixture_conformance.so", "plugin crate fixture_conformance"
    )
    toolset.write_text(f'ToolSet(plugins: [(path: "{watched}"), (path: "{conformance}")])\n')
    with running(Server(transport, tmp_path, watched, toolset, project, v1, v2)) as srv:
        yield srv


@contextmanager
def running(srv: Server) -> Iterator[Server]:
    """`srv` running for the test: an HTTP server is started here (a stdio one is started by its
    client); stopped afterwards, its stderr echoed."""
    if srv.transport == "http":
        _start_http(srv)
    try:
        yield srv
    finally:
        if srv.process is not None:
            _stop(srv.process)
            sys.stderr.write(srv.stderr_tail())


@asynccontextmanager
async def connect(server: Server, mode: str) -> AsyncIterator[tuple[Client, Changes]]:
    """A connected client and its list_changed counter. In a 2026-07-28 session the counter is
    fed by `client.listen(tools_list_changed=True)`, opened before this yields; in a legacy
    session by `message_handler`. Legacy sessions also set the log level to `info`, so that
    engine reload events arrive as log notifications (in `changes.logs`).

    Entering is bounded by the client's read timeout (handshake, listen acknowledgment): an
    anyio deadline cannot wrap the entry of a context that keeps task groups open. Tests wrap
    their whole body, this included, in `anyio.fail_after`."""
    changes = Changes()
    legacy = mode == "legacy"

    async def on_message(message: object) -> None:
        if legacy and isinstance(message, mcp_types.ToolListChangedNotification):
            changes.count += 1

    async def on_log(params: mcp_types.LoggingMessageNotificationParams) -> None:
        changes.logs.append(params.data)

    client = Client(
        server.target(),
        mode=mode,
        message_handler=on_message,
        logging_callback=on_log,
        read_timeout_seconds=CONNECT_TIMEOUT,
    )
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(client)
            if legacy:
                assert client.protocol_version != MODERN_VERSION, client.protocol_version
                await client.set_logging_level("info")
                await client.list_tools(cache_mode="refresh")
            else:
                assert client.protocol_version == MODERN_VERSION, (
                    f"auto mode negotiated {client.protocol_version}, not {MODERN_VERSION}"
                )
                subscription = await stack.enter_async_context(
                    client.listen(tools_list_changed=True)
                )

                async def pump() -> None:
                    async for event in subscription:
                        if isinstance(event, ToolsListChanged):
                            changes.count += 1

                tg = await stack.enter_async_context(anyio.create_task_group())
                tg.start_soon(pump)
                stack.callback(tg.cancel_scope.cancel)
            yield client, changes
    except BaseExceptionGroup as group:
        # The client's task groups wrap whatever the test raised: surface a lone cause as is.
        leaves = _leaves(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    out: list[BaseException] = []
    for e in group.exceptions:
        out.extend(_leaves(e) if isinstance(e, BaseExceptionGroup) else [e])
    return out
