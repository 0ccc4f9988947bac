"""Crashes that keep the client, as `omnysys serve` runs them (a front process holding the
session, the engine in a child), driven by the Python `mcp` client over stdio and Streamable HTTP.

The tool set serves status_tools and the `misbehaving` fixture from a watched path. One session
is held open across an abort and a segfault: the crashing call is answered with an error naming
the signal, the plugin and its generation and the tool; a successor engine serves the other tools
afterwards; the crashed library is quarantined (in `get_server_status`, the reload history and
`get_recent_errors`) until a different build of it appears, which loads and lifts the
quarantine. A second test makes every engine child die at start: the session stays up, the crash
loop backs off and says so, and a call is answered with the cause.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from test_deadlines import status
from conftest import (
    js_basic_server,
    BIN,
    CONNECT_TIMEOUT,
    PLUGIN_DIR,
    Server,
    _require,
    connect,
    plugin_bytes,
    running,
    text_of,
)

pytestmark = pytest.mark.anyio

TEST_TIMEOUT = 120.0
RESTART_TIMEOUT = 30.0  # a crash to the successor serving (goal: about a second)


@pytest.fixture
def crash_server(transport: str, tmp_path: Path):
    misbehaving = plugin_bytes("fixture_misbehaving")
    grown = misbehaving + b"\0" * 64
    srv = js_basic_server(
        transport, tmp_path, misbehaving, grown, ["status_tools"], watched_name="misbehaving.so"
    )
    with running(srv) as started:
        yield started


async def tool_names(client) -> set[str]:
    return {t.name for t in (await client.list_tools(cache_mode="refresh")).tools}


async def wait_until(check, what: str, timeout: float = RESTART_TIMEOUT) -> float:
    """Polls `check()` (async, truthy when done) every 50 ms; returns the seconds it took."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        try:
            last = await check()
            if last:
                return time.monotonic() - started
        except Exception as e:  # a call during the restart may fail; keep polling
            last = e
        await anyio.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout}s (last: {last!r})")


async def crash_with(client, tool: str, signal: str) -> str:
    started = time.monotonic()
    result = await client.call_tool(tool, {})
    text = text_of(result)
    assert result.is_error, text
    pattern = rf"the engine crashed \({signal}\) in plugin `misbehaving` generation \d+ while serving `{tool}`"
    assert re.search(pattern, text), text
    assert "quarantined" in text, text
    return f"{tool}: answered after {time.monotonic() - started:.2f}s"


async def quarantined(client, signal: str) -> bool:
    s = await status(client)
    names = {p["name"] for p in s["plugins"]}
    entries = [q for q in s.get("quarantined", []) if q["name"] == "misbehaving"]
    return "misbehaving" not in names and any(signal in q["reason"] for q in entries)


async def check_quarantine_is_reported(client, signal: str) -> None:
    s = await status(client)
    assert any(
        r["outcome"] == "quarantined" and r["plugin"] == "misbehaving" for r in s["lastReloads"]
    ), s["lastReloads"]
    errors = await client.call_tool("get_recent_errors", {})
    assert not errors.is_error, text_of(errors)
    assert "quarantined" in text_of(errors).lower() and signal in text_of(errors), text_of(errors)
    assert "test_ok" not in await tool_names(client)


async def test_a_session_survives_an_abort_and_a_segfault_and_the_crashed_plugin_is_quarantined(
    crash_server: Server, mode: str
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(crash_server, mode) as (client, changes):
            ok = await client.call_tool("test_ok", {})
            assert not ok.is_error and "42" in text_of(ok), text_of(ok)
            notes = [await crash_with(client, "test_abort", "SIGABRT")]
            restart = await wait_until(lambda: quarantined(client, "SIGABRT"), "quarantined after the abort")
            notes.append(f"serving again {restart:.2f}s after the abort's answer")
            await check_quarantine_is_reported(client, "SIGABRT")
            await changes.wait_for(1)
            # A different build of the plugin lifts the quarantine.
            crash_server.swap(crash_server.v2)
            await wait_until(lambda: _answers_ok(client), "the new build loaded")
            assert not (await status(client)).get("quarantined"), "the new build did not lift the quarantine"
            notes.append(await crash_with(client, "test_segv", "SIGSEGV"))
            await wait_until(lambda: quarantined(client, "SIGSEGV"), "quarantined after the segfault")
            await check_quarantine_is_reported(client, "SIGSEGV")
            if mode == "legacy":
                ended = [m for m in changes.logs if isinstance(m, dict) and m.get("event") == "engine-ended"]
                assert len(ended) >= 2 and "SIGSEGV" in ended[-1]["message"], changes.logs
            print(f"\n{crash_server.transport}/{mode}: " + "; ".join(notes))


async def _answers_ok(client) -> bool:
    result = await client.call_tool("test_ok", {})
    return not result.is_error and "42" in text_of(result)


class LoopingServer(Server):
    """Every engine child SIGKILLs itself at start (`OMNYSYS_TEST_KILL_AT=engine-child-start`)."""

    def args(self) -> list[str]:
        return [*super().args(), "--call-timeout", "3"]

    def target(self) -> str | StdioServerParameters:
        if self.transport == "http":
            return super().target()
        return StdioServerParameters(
            command=str(BIN),
            args=self.args(),
            env={"OMNYSYS_LOG": "warn", "OMNYSYS_TEST_KILL_AT": "engine-child-start"},
        )


@pytest.fixture
def looping_server(transport: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OMNYSYS_TEST_KILL_AT", "engine-child-start")
    project = tmp_path / "project"
    project.mkdir()
    status_tools = _require(PLUGIN_DIR / "libstatus_tools.so", "status_tools")
    toolset = tmp_path / "loop.toolset.ron"
    toolset.write_text(f'ToolSet(plugins: [(path: "{status_tools}")])\n')
    srv = LoopingServer(transport, tmp_path, toolset, toolset, project, b"", b"")
    with running(srv) as started:
        yield started


async def test_a_crash_loop_backs_off_says_so_and_calls_are_answered_with_the_cause(
    looping_server: Server,
) -> None:
    logs: list[object] = []

    async def on_log(params) -> None:
        logs.append(params.data)

    with anyio.fail_after(TEST_TIMEOUT):
        client = Client(
            looping_server.target(),
            mode="legacy",
            logging_callback=on_log,
            read_timeout_seconds=CONNECT_TIMEOUT,
        )
        async with client:
            await client.set_logging_level("info")
            started = time.monotonic()
            while time.monotonic() - started < 20 and not any("crash loop" in str(m) for m in logs):
                await anyio.sleep(0.05)
            loop = [str(m) for m in logs if "crash loop" in str(m)]
            assert loop, logs
            assert re.search(r"backing off \d+ ms", loop[-1]), loop
            result = await client.call_tool("get_server_status", {})
            assert result.is_error, text_of(result)
            assert "no engine is serving yet" in text_of(result), text_of(result)
            assert "SIGKILL" in text_of(result), text_of(result)
            # Delays grow (the call waited 3 s for an engine, long enough for several ends): the
            # later messages name longer backoffs than the first.
            loop = [str(m) for m in logs if "crash loop" in str(m)]
            delays = [int(d) for m in loop for d in re.findall(r"backing off (\d+) ms", m)]
            assert delays == sorted(delays) and delays[-1] > delays[0], delays
            await client.send_ping()
