"""`omnysys new tool` against a running server, with real cargo, in a copy of this workspace.

A client is connected (stdio) to `omnysys serve` running from the copy (so build on save is on
and the default tool set is the copy's); `omnysys new tool hello` scaffolds `systems/hello_tools`,
builds the workspace and adds the crate to the tool set; the client gets `list_changed`, sees
`hello` and calls it; then the tool's source is edited the way a client would, build on save
rebuilds it, and the next calls give the new answer — all in one session.

The copy is cheap (`workspace_copy`: sources with their mtimes, `target/release` hard-linked
where cargo never writes in place) and builds as a no-op (cargo's fingerprints of path packages
are relative to the workspace root), so only the new crate compiles; that no-op build runs
before the server starts. Timings are printed (run with -s).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import anyio
import pytest
from mcp import StdioServerParameters

import workspace_copy
from conftest import BIN, ROOT, SERVER_START_TIMEOUT, _free_port, _require, _stop, connect, text_of

pytestmark = pytest.mark.anyio

TEST_TIMEOUT = 600.0  # a cold compile of the new crate on a loaded 2-core machine included
BUILD_TIMEOUT = 300.0  # `new tool`: the workspace build
ANNOUNCE_TIMEOUT = 30.0  # tool-set edit -> list_changed
REBUILD_TIMEOUT = 240.0  # source edit -> build on save -> the new answer


def copy_workspace(to: Path) -> Path:
    """This checkout's sources and its release build at `to` ([`workspace_copy`]: hard links
    where cargo never writes in place), built once (a no-op)."""
    _require(BIN, "the release engine")
    workspace_copy.copy_workspace(ROOT, to)
    subprocess.run(
        ["cargo", "build", "--release", "--workspace"],
        cwd=to,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=BUILD_TIMEOUT,
    )
    return to


class WorkspaceServer:
    """`serve` from the copied workspace: over stdio (started by the client) or HTTP (started
    here on a free loopback port)."""

    def __init__(self, binary: Path, project: Path, transport: str) -> None:
        self.binary = binary
        self.project = project
        self.transport = transport
        self.url: str | None = None
        self.process: subprocess.Popen[bytes] | None = None

    def args(self) -> list[str]:
        return ["serve", "--project", str(self.project)]

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k in ("CARGO_HOME", "RUSTUP_HOME")}
        return {"OMNYSYS_LOG": os.environ.get("OMNYSYS_LOG", "warn"), **keep}

    def target(self) -> str | StdioServerParameters:
        if self.transport == "http":
            assert self.url is not None
            return self.url
        return StdioServerParameters(command=str(self.binary), args=self.args(), env=self.env())

    def start_http(self) -> None:
        port = _free_port()
        self.process = subprocess.Popen(
            [str(self.binary), *self.args(), "--http", f"127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env={**os.environ, **self.env()},
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    self.url = f"http://127.0.0.1:{port}/mcp"
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"the HTTP server did not open 127.0.0.1:{port}", pytrace=False)


async def answer(client, tool: str, who: str) -> str:
    result = await client.call_tool(tool, {"who": who})
    assert not result.is_error, text_of(result)
    return result.structured_content["greeting"]


async def new_tool(binary: Path, *args: str) -> str:
    """Runs `omnysys new tool ARGS`; its stdout and stderr."""
    with anyio.fail_after(BUILD_TIMEOUT):
        made = await anyio.run_process([str(binary), "new", "tool", *args], check=False)
    out = made.stdout.decode() + made.stderr.decode()
    assert made.returncode == 0, out
    return out


async def names(client) -> set[str]:
    return {t.name for t in (await client.list_tools(cache_mode="refresh")).tools}


async def test_a_new_tool_is_announced_callable_and_rebuilt_on_save_in_one_session(
    tmp_path: Path, transport: str
) -> None:
    started = time.monotonic()
    try:
        await served_in_a_copy(tmp_path, started, transport)
    finally:
        # Copied dep-info and fingerprints, links: not left for pytest's kept temporary directories.
        shutil.rmtree(tmp_path / "ws", ignore_errors=True)


async def served_in_a_copy(tmp_path: Path, started: float, transport: str) -> None:
    ws = copy_workspace(tmp_path / "ws")
    binary = ws / "target" / BIN.parent.name / "omnysys"
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "js_basic", project)
    timings: dict[str, float] = {"copy": time.monotonic() - started}
    server = WorkspaceServer(binary, project, transport)
    if transport == "http":
        server.start_http()
    try:
        with anyio.fail_after(TEST_TIMEOUT):
            await session(server, ws, timings)
    finally:
        if server.process is not None:
            _stop(server.process)
    for what, seconds in timings.items():
        print(f"{transport}: {what}: {seconds:.1f} s")


async def session(server: WorkspaceServer, ws: Path, timings: dict[str, float]) -> None:
    """One client session across `new tool hello`, an edit of hello, and `new tool wave
    --plugin hello_tools`."""
    binary = server.binary

    def lap(what: str, since: float) -> float:
        now = time.monotonic()
        timings[what] = now - since
        return now

    async with connect(server, "legacy") as (client, changes):
        before = await names(client)
        assert "hello" not in before
        t = time.monotonic()
        out = await new_tool(binary, "hello")
        assert 'added (crate: "hello_tools")' in out, out
        t = lap("new tool hello (scaffold + build + tool set)", t)
        await changes.wait_for(1, ANNOUNCE_TIMEOUT)
        t = lap("tool set written -> list_changed", t)
        assert await names(client) == before | {"hello"}
        assert await answer(client, "hello", "omnysys") == "Hello, omnysys!"

        # The client edits the tool: build on save, and the next calls answer anew.
        source = ws / "systems" / "hello_tools" / "src" / "hello.rs"
        text = source.read_text()
        assert 'format!("Hello, {}!", args.who)' in text
        t = time.monotonic()
        source.write_text(text.replace('"Hello, {}!"', '"Howdy, {}!"'))
        with anyio.fail_after(REBUILD_TIMEOUT):
            while (said := await answer(client, "hello", "omnysys")) != "Howdy, omnysys!":
                assert said == "Hello, omnysys!", said
                await anyio.sleep(0.2)
        t = lap("edit hello.rs -> new answer (build on save)", t)

        # A second tool in the same crate: the tool set serves all its tools already.
        out = await new_tool(binary, "wave", "--plugin", "hello_tools")
        assert "already serves every tool of hello_tools" in out, out
        t = lap("new tool wave --plugin hello_tools", t)
        await changes.wait_for(2, REBUILD_TIMEOUT)
        lap("... -> list_changed", t)
        assert await names(client) == before | {"hello", "wave"}
        assert await answer(client, "wave", "you") == "Hello, you!"
        assert await answer(client, "hello", "you") == "Howdy, you!"
