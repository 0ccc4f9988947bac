"""The engine's loop as `omnysys serve` runs it, driven by the Python `mcp` client over stdio and
Streamable HTTP: `restart_server` really reloads and rolls back (its admin requests are applied
by the loop's admin set before the next call), and every set of the loop runs under `serve`,
the plugin loop system (graph_tools' keep_rank) included.

The tool set serves the `fixture` plugin from a watched path (v1 answers `version: 1`, v2
`version: 2`), status_tools, graph_tools and extract_javascript, on a copy of js_basic.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from conftest import (
    js_basic_server,
    CALL_TIMEOUT,
    Server,
    connect,
    plugin_bytes,
    running,
    text_of,
)

pytestmark = pytest.mark.anyio

TEST_TIMEOUT = 120.0
SETS = ["admin", "index", "link", "status", "snapshot"]


@pytest.fixture
def loop_server(transport: str, tmp_path: Path):
    v1, v2 = plugin_bytes("fixture_v1"), plugin_bytes("fixture_v2")
    crates = ["status_tools", "graph_tools", "extract_javascript"]
    with running(js_basic_server(transport, tmp_path, v1, v2, crates)) as srv:
        yield srv



async def call(client, name: str, args: dict | None = None):
    with anyio.fail_after(CALL_TIMEOUT):
        return await client.call_tool(name, args or {})


async def ok(client, name: str, args: dict | None = None) -> dict:
    result = await call(client, name, args)
    assert not result.is_error, f"{name}: {text_of(result)}"
    return result.structured_content


async def status(client) -> dict:
    return await ok(client, "get_server_status")


async def generations(client) -> dict[str, int]:
    return {p["name"]: p["generation"] for p in (await status(client))["plugins"]}


async def until(client, predicate, what: str, timeout: float = 15.0) -> dict:
    """Polls get_server_status until `predicate(status)` holds (bounded)."""
    last = None
    try:
        with anyio.fail_after(timeout):
            while True:
                last = await status(client)
                if predicate(last):
                    return last
                await anyio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"{what}: not within {timeout}s; last status {last}") from None


async def echo_version(client) -> int:
    return (await ok(client, "fixture_echo", {"text": "probe"}))["version"]


async def test_restart_server_reloads_every_plugin_and_rolls_back_for_real(
    loop_server: Server,
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(loop_server, "legacy") as (client, _):
            start = await generations(client)
            assert set(start) == {"fixture", "status_tools", "graph_tools", "extract_javascript"}
            assert all(g == 1 for g in start.values()), start

            # Nothing to roll back to yet: an error naming why, never "scheduled".
            refused = await call(client, "restart_server", {"rollback": "graph_tools"})
            assert refused.is_error, text_of(refused)
            assert "no previous good library" in text_of(refused), text_of(refused)
            unknown = await call(client, "restart_server", {"rollback": "nope"})
            assert unknown.is_error and "no plugin `nope` is loaded" in text_of(unknown)
            assert await generations(client) == start

            # restart_server {}: every plugin advances by one, before the next call.
            await ok(client, "restart_server")
            after = await generations(client)
            assert after == {name: g + 1 for name, g in start.items()}, after

            # A swap of `fixture` to v2, then a rollback: the previous library answers again.
            loop_server.swap(loop_server.v2)
            await until(
                client,
                lambda s: any(p["name"] == "fixture" and p["generation"] == 3 for p in s["plugins"]),
                "the swapped fixture serving",
            )
            assert await echo_version(client) == 2
            answer = await ok(client, "restart_server", {"rollback": "fixture"})
            assert answer["scheduled"][0] == "rollback of `fixture` to its previous good library"
            assert await echo_version(client) == 1
            final = await generations(client)
            assert final["fixture"] == 4, final
            reloads = (await status(client))["lastReloads"]
            assert reloads[-1]["plugin"] == "fixture" and reloads[-1]["outcome"] == "rolled_back"


async def test_serve_runs_every_set_of_the_engine_loop_with_the_plugin_systems(
    loop_server: Server,
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(loop_server, "legacy") as (client, _):
            ready = await until(
                client, lambda s: s["indexing"]["phase"] == "ready", "the index ready"
            )
            # Ticks go on between calls: wait for a tick after the first status was taken.
            seen = await until(
                client,
                lambda s: s["engineLoop"]["ticks"] > ready["engineLoop"]["ticks"] + 1,
                "the loop ticking",
            )
            sets = seen["engineLoop"]["sets"]
            assert [s["name"] for s in sets] == SETS
            for s in sets:
                assert s["runs"] >= 1, f"set {s['name']} never ran under serve: {sets}"
            link = next(s for s in sets if s["name"] == "link")
            assert link["systems"] == ["link_batch", "graph_tools.g1:keep_rank"], link
            graph_tools = next(p for p in seen["plugins"] if p["name"] == "graph_tools")
            assert graph_tools["systems"] == ["link:keep_rank"], graph_tools
            # After a restart the new generation's system has replaced the old one.
            await ok(client, "restart_server")
            link = next(s for s in (await status(client))["engineLoop"]["sets"] if s["name"] == "link")
            assert link["systems"] == ["link_batch", "graph_tools.g2:keep_rank"], link
            ranked = await ok(client, "repo_map", {"tokenBudget": 100000})
            assert ranked["omittedFiles"] == 0 and ranked["files"], ranked
