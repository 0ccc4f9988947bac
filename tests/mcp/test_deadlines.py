"""Deadlines and side-by-side calls, as `omnysys serve` runs them, driven by the Python `mcp`
client over stdio and Streamable HTTP.

A slow read-only call runs on a reader thread beside the others: `get_server_status` over the same
connection keeps being answered while it runs, and the slow call's work stops at its deadline
(its loop checks the call's stop), so the server's CPU goes back to idle. A tool that never checks
is answered for anyway a moment after its deadline and counted as stuck.

The tool set serves status_tools, graph_tools, extract_javascript and the `misbehaving` fixture
(`test_spin` computes until stopped; `test_busy` computes for as long as asked, never checking),
with `--call-timeout 3`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import anyio
import pytest

from conftest import (
    js_basic_server,
    Server,
    connect,
    plugin_bytes,
    running,
    text_of,
)

pytestmark = pytest.mark.anyio

CALL_LIMIT = 3  # seconds, the server's --call-timeout
TEST_TIMEOUT = 90.0
STATUS_CALLS = 20


class DeadlineServer(Server):
    def args(self) -> list[str]:
        return [*super().args(), "--call-timeout", str(CALL_LIMIT)]


@pytest.fixture
def slow_server(transport: str, tmp_path: Path):
    v1 = plugin_bytes("fixture_v1")
    crates = ["status_tools", "graph_tools", "extract_javascript", "fixture_misbehaving"]
    srv = js_basic_server(transport, tmp_path, v1, v1, crates, DeadlineServer)
    with running(srv) as srv:
        yield srv


def server_pid(srv: Server) -> int:
    """The engine process: the child of the front (`serve --engine-child`), which is spawned
    here (HTTP) or by the client (stdio, a child of this one)."""
    front = srv.process.pid if srv.process is not None else omnysys_child_of(os.getpid())
    return omnysys_child_of(front)


def omnysys_child_of(me: int) -> int:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == me and comm == "omnysys":
            return int(entry.name)
    raise AssertionError(f"no omnysys process is a child of {me}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")



async def status(client) -> dict:
    result = await client.call_tool("get_server_status", {})
    assert not result.is_error, text_of(result)
    return json.loads(text_of(result))


async def test_status_is_answered_while_a_slow_call_runs_and_the_slow_call_stops_at_its_deadline(
    slow_server: Server, mode: str
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(slow_server, mode) as (client, _):
            pid = server_pid(slow_server)
            slow: dict = {}

            async def run_slow() -> None:
                started = time.monotonic()
                slow["result"] = await client.call_tool("test_spin", {})
                slow["seconds"] = time.monotonic() - started

            latencies = []
            async with anyio.create_task_group() as tg:
                tg.start_soon(run_slow)
                await anyio.sleep(0.3)  # the slow call is on its reader thread by now
                for _ in range(STATUS_CALLS):
                    started = time.monotonic()
                    await status(client)
                    latencies.append(time.monotonic() - started)
                    assert "result" not in slow, f"the slow call ended before the status calls: {latencies}"
                    await anyio.sleep(0.05)
            result = slow["result"]
            assert result.is_error, text_of(result)
            assert f"time limit of {CALL_LIMIT}s" in text_of(result), text_of(result)
            assert slow["seconds"] < CALL_LIMIT + 1.0, slow
            # The work stopped: over the next second the server is idle (a spinning reader
            # thread would burn a whole second of CPU).
            await anyio.sleep(0.5)
            before = cpu_seconds(pid)
            await anyio.sleep(1.0)
            used = cpu_seconds(pid) - before
            assert used < 0.3, f"the server used {used:.2f}s of CPU in the second after the deadline"
            latencies.sort()
            print(
                f"\nstatus beside a slow call ({mode}): p50 {latencies[len(latencies) // 2] * 1000:.1f} ms,"
                f" max {latencies[-1] * 1000:.1f} ms over {STATUS_CALLS}; slow call stopped after"
                f" {slow['seconds']:.2f}s (limit {CALL_LIMIT}s); CPU after it {used:.3f}s/s"
            )
            after = await status(client)
            assert after["stuckCalls"] == 0, after


async def test_a_tool_that_ignores_its_deadline_is_answered_for_and_counted_as_stuck(
    slow_server: Server, mode: str
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(slow_server, mode) as (client, _):
            busy = (CALL_LIMIT + 3) * 1000
            started = time.monotonic()
            result = await client.call_tool("test_busy", {"ms": busy})
            waited = time.monotonic() - started
            assert result.is_error, text_of(result)
            assert "did not answer within 3s" in text_of(result), text_of(result)
            assert waited < busy / 1000, f"answered after {waited:.1f}s, when the tool returned"
            # Meanwhile other calls are served; once the tool returns it is counted as stuck.
            answer = await client.call_tool("test_ok", {})
            assert text_of(answer) == "42", text_of(answer)
            with anyio.fail_after(busy / 1000 + 10):
                while (await status(client))["stuckCalls"] != 1:
                    await anyio.sleep(0.2)
