"""Engine upgrades that keep the client: a new engine binary on disk is handed the session.

The server runs from a copy of the release binary. Mid-session, a different build (the same
bytes padded, so another file) is renamed over the copy, while a slow call (`test_busy`, 1.5 s)
is in flight: the slow call finishes on the old engine, the front starts a child of the new
binary from the snapshot the old one wrote as it stopped, and the session goes on: the same
files are known, calls keep being answered, and no call is lost. The pause calls saw is printed.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import anyio
import pytest
from mcp import StdioServerParameters

import conftest
from conftest import PLUGIN_DIR, ROOT, Server, _require, connect, plugin_bytes, running, text_of
from test_deadlines import server_pid as engine_pid
from test_deadlines import status

pytestmark = pytest.mark.anyio

TEST_TIMEOUT = 120.0


class CopiedServer(Server):
    binary: Path = Path()

    def target(self) -> str | StdioServerParameters:
        if self.transport == "http":
            return super().target()
        return StdioServerParameters(command=str(self.binary), args=self.args(), env={"OMNYSYS_LOG": "warn"})


@pytest.fixture
def upgrade_server(transport: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    binary = tmp_path / "bin" / "omnysys"
    binary.parent.mkdir()
    shutil.copy2(conftest.BIN, binary)
    monkeypatch.setattr(conftest, "BIN", binary)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "js_basic", project)
    libs = ", ".join(
        f'(path: "{_require(PLUGIN_DIR / f"lib{c}.so", c)}")'
        for c in ["status_tools", "graph_tools", "extract_javascript", "fixture_misbehaving"]
    )
    toolset = tmp_path / "upgrade.toolset.ron"
    toolset.write_text(f"ToolSet(plugins: [{libs}])\n")
    v1 = plugin_bytes("fixture_v1")
    srv = CopiedServer(transport, tmp_path, tmp_path / "unused.so", toolset, project, v1, v1)
    srv.binary = binary
    with running(srv) as started:
        yield started


async def test_a_new_engine_binary_takes_over_the_session_and_calls_in_flight_finish(
    upgrade_server: CopiedServer, mode: str
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(upgrade_server, mode) as (client, _):
            before = await status(client)
            old_pid = engine_pid(upgrade_server)
            slow: dict = {}

            async def run_slow() -> None:
                slow["result"] = await client.call_tool("test_busy", {"ms": 1500})

            latencies: list[float] = []
            async with anyio.create_task_group() as tg:
                tg.start_soon(run_slow)
                await anyio.sleep(0.2)
                new = upgrade_server.binary.with_name("omnysys.new")
                new.write_bytes(upgrade_server.binary.read_bytes() + b"\0" * 4096)
                new.chmod(0o755)
                os.replace(new, upgrade_server.binary)
                started = time.monotonic()
                while time.monotonic() - started < 60:
                    t = time.monotonic()
                    after = await status(client)
                    latencies.append(time.monotonic() - t)
                    try:
                        pid = engine_pid(upgrade_server)
                    except AssertionError:
                        pid = old_pid  # between the two children
                    if pid != old_pid and "result" in slow:
                        break
                    await anyio.sleep(0.02)
                else:
                    raise AssertionError("the new engine binary never took over")
            assert not slow["result"].is_error, text_of(slow["result"])
            for key in ["files", "facts", "staleEntries"]:
                assert after[key] == before[key], (key, before[key], after[key])
            ok = await client.call_tool("test_ok", {})
            assert "42" in text_of(ok), text_of(ok)
            print(
                f"\n{upgrade_server.transport}/{mode}: upgrade handed over; slowest status call during it"
                f" {max(latencies) * 1000:.0f} ms over {len(latencies)} calls"
            )
