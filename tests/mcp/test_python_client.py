"""`omnysys serve` driven by the Python `mcp` client (PyPI `mcp` 2.3.0, written by others).

Every test runs over stdio and over Streamable HTTP, each in `legacy` (initialize) and `auto`
(2026-07-28) mode. The plugin under test is the `fixture` plugin: v1 has fixture_echo
{text} -> {text, version: 1} and fixture_count; v2 answers in upper case with version 2 and adds
fixture_added. Swaps rename new bytes over the library path the tool set names.
"""

from __future__ import annotations

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from conftest import CALL_TIMEOUT, QUIET_PERIOD, Server, connect, text_of

pytestmark = pytest.mark.anyio

TEST_TIMEOUT = 90.0  # the whole body of one test, connection included
SWAPS = 20
PROGRESS_CALLS = 10



async def call(client, name: str, args: dict | None = None):
    with anyio.fail_after(CALL_TIMEOUT):
        return await client.call_tool(name, args)


async def tool_names(client) -> list[str]:
    with anyio.fail_after(CALL_TIMEOUT):
        listing = await client.list_tools(cache_mode="refresh")
    return [t.name for t in listing.tools]


async def wait_for_version(client, version: int, timeout: float = 10.0) -> None:
    """Polls fixture_echo until the given plugin version answers (the swap has been served)."""
    seen = None
    try:
        with anyio.fail_after(timeout):
            while True:
                result = await client.call_tool("fixture_echo", {"text": "probe"})
                assert not result.is_error, text_of(result)
                seen = result.structured_content["version"]
                if seen == version:
                    return
                await anyio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(
            f"fixture v{version} did not answer within {timeout}s of the swap (still v{seen})"
        ) from None


async def test_list_tools(server: Server, mode: str) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, _):
            assert client.server_capabilities.tools is not None
            assert client.server_capabilities.tools.list_changed is True
            with anyio.fail_after(CALL_TIMEOUT):
                listing = await client.list_tools(cache_mode="refresh")
            tools = {t.name: t for t in listing.tools}
            fixture_tools = {n for n in tools if n.startswith("fixture_")}
            assert fixture_tools == {"fixture_count", "fixture_echo"}
            assert "test_tool_with_progress" in tools
            assert [t.name for t in listing.tools] == sorted(tools), "deterministic (name) order"
            echo = tools["fixture_echo"]
            assert echo.description
            assert echo.input_schema["type"] == "object"
            assert "text" in echo.input_schema["properties"]
            assert "text" in echo.input_schema.get("required", [])
            assert echo.output_schema is not None
            assert echo.output_schema["type"] == "object"
            assert echo.annotations is not None
            assert echo.annotations.read_only_hint is True
            assert echo.annotations.open_world_hint is False


async def test_call_tool(server: Server, mode: str) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, _):
            result = await call(client, "fixture_echo", {"text": "hello"})
            assert result.is_error is not True, text_of(result)
            assert result.structured_content == {"text": "hello", "version": 1}
            assert '"hello"' in text_of(result), "a text copy of the structured result"
            first = await call(client, "fixture_count", {})
            second = await call(client, "fixture_count", {})
            assert second.structured_content["count"] == first.structured_content["count"] + 1


async def test_missing_argument_is_an_error_result_naming_the_field(
    server: Server, mode: str
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, _):
            missing = await call(client, "fixture_echo", {})
            assert missing.is_error is True
            assert "text" in text_of(missing), text_of(missing)
            # The session keeps working.
            ok = await call(client, "fixture_echo", {"text": "still here"})
            assert ok.structured_content == {"text": "still here", "version": 1}


async def test_mistyped_argument_is_an_error_result_naming_the_field(
    server: Server, mode: str
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, _):
            wrong_type = await call(client, "fixture_echo", {"text": 5})
            assert wrong_type.is_error is True
            assert "text" in text_of(wrong_type), (
                f"the error should name the field `text`: {text_of(wrong_type)!r}"
            )
            ok = await call(client, "fixture_echo", {"text": "still here"})
            assert ok.structured_content == {"text": "still here", "version": 1}


async def test_unknown_tool_is_a_protocol_error(server: Server, mode: str) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, _):
            with pytest.raises(MCPError) as raised:
                await call(client, "no_such_tool", {})
            assert "no_such_tool" in str(raised.value) or "not found" in str(raised.value)
            ok = await call(client, "fixture_echo", {"text": "after"})
            assert ok.structured_content == {"text": "after", "version": 1}


async def test_list_changed_after_a_swap_that_adds_a_tool(server: Server, mode: str) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, changes):
            assert "fixture_added" not in await tool_names(client)
            assert changes.count == 0
            server.swap(server.v2)
            await changes.wait_for(1)
            assert "fixture_added" in await tool_names(client)
            result = await call(client, "fixture_echo", {"text": "new code"})
            assert result.structured_content == {"text": "NEW CODE", "version": 2}
            added = await call(client, "fixture_added", {})
            assert added.is_error is not True, text_of(added)


async def test_no_list_changed_after_a_swap_that_changes_nothing(
    server: Server, mode: str
) -> None:
    """Same code, distinct bytes: the plugin reloads, the surface is the same, nobody is told.
    A later swap that does change the surface is then notified (the watcher was listening)."""
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, changes):
            before = await tool_names(client)
            server.swap(server.v1 + b"\0")
            if mode == "legacy":
                # Legacy clients that set a log level hear about reloads: the no-op reload
                # really happened.
                with anyio.fail_after(10):
                    while not any(is_reload_of_fixture(m) for m in changes.logs):
                        await anyio.sleep(0.02)
            await anyio.sleep(QUIET_PERIOD)
            assert changes.count == 0, "list_changed after a reload that changed no tool"
            assert await tool_names(client) == before
            ok = await call(client, "fixture_echo", {"text": "same"})
            assert ok.structured_content == {"text": "same", "version": 1}

            server.swap(server.v2)
            await changes.wait_for(1)
            await wait_for_version(client, 2)
            await anyio.sleep(0.3)
            assert changes.count == 1, "one surface change, one notification"


async def test_progress_notifications_arrive_before_the_result(
    server: Server, mode: str
) -> None:
    """test_tool_with_progress reports 0, 50, 100 of 100: all three reach the caller before
    its result does (a client drops progress for a request it has an answer to)."""
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, _):
            for i in range(PROGRESS_CALLS):
                seen: list[tuple[float, float | None]] = []

                async def on_progress(
                    progress: float, total: float | None, message: str | None
                ) -> None:
                    seen.append((progress, total))

                with anyio.fail_after(CALL_TIMEOUT):
                    result = await client.call_tool(
                        "test_tool_with_progress", {}, progress_callback=on_progress
                    )
                assert result.is_error is not True, text_of(result)
                assert seen == [(0, 100), (50, 100), (100, 100)], (
                    f"call {i + 1}/{PROGRESS_CALLS}: progress seen before the result: {seen}"
                )


async def test_tool_log_notifications(server: Server, mode: str) -> None:
    """Legacy clients that set a level get a tool's log lines; 2026-07-28 clients that did not
    opt in (no `io.modelcontextprotocol/logLevel` in `_meta`) get none."""
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, changes):
            result = await call(client, "test_tool_with_logging", {})
            assert result.is_error is not True, text_of(result)
            expected = [
                "Tool execution started",
                "Tool processing data",
                "Tool execution completed",
            ]

            def tool_lines() -> list[object]:
                return [m for m in changes.logs if isinstance(m, str) and m.startswith("Tool ")]

            if mode == "legacy":
                with anyio.move_on_after(2):
                    while len(tool_lines()) < 3:
                        await anyio.sleep(0.01)
                assert tool_lines() == expected
            else:
                await anyio.sleep(0.3)
                assert tool_lines() == [], (
                    "log notifications to a 2026-07-28 client that did not opt in"
                )


def is_reload_of_fixture(data: object) -> bool:
    return (
        isinstance(data, dict) and data.get("event") == "reload" and data.get("plugin") == "fixture"
    )


async def test_one_session_survives_20_swaps_with_calls_in_flight(
    server: Server, mode: str
) -> None:
    """Two callers call all along while the library alternates v2, v1, v2, ... 20 times; each
    swap is waited for (the other version answers) before the next. Every call succeeds."""
    calls: list[int] = []
    failures: list[str] = []
    stop = anyio.Event()
    in_flight = 0
    swapped_under_calls = 0

    async def caller(client, tag: str) -> None:
        nonlocal in_flight
        i = 0
        while not stop.is_set():
            i += 1
            text = f"{tag}-{i}"
            in_flight += 1
            try:
                with anyio.fail_after(CALL_TIMEOUT):
                    result = await client.call_tool("fixture_echo", {"text": text})
            except Exception as e:  # noqa: BLE001 - every failure is recorded and asserted on
                failures.append(f"{text}: {type(e).__name__}: {e}")
                continue
            finally:
                in_flight -= 1
            if result.is_error:
                failures.append(f"{text}: isError: {text_of(result)}")
                continue
            value = result.structured_content or {}
            version = value.get("version")
            expected = {1: text, 2: text.upper()}.get(version)
            if value.get("text") != expected:
                failures.append(f"{text}: unexpected answer {value}")
            calls.append(version)

    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(server, mode) as (client, changes):
            async with anyio.create_task_group() as tg:
                tg.start_soon(caller, client, "a")
                tg.start_soon(caller, client, "b")
                try:
                    while len(calls) + len(failures) < 2 or in_flight == 0:  # callers are calling
                        await anyio.sleep(0.01)
                    for n in range(SWAPS):
                        version = 2 if n % 2 == 0 else 1
                        if in_flight > 0:
                            swapped_under_calls += 1
                        server.swap(server.v2 if version == 2 else server.v1)
                        await wait_for_version(client, version)
                finally:
                    stop.set()
            print(f"{len(calls)} calls, {swapped_under_calls}/{SWAPS} swaps with calls in flight")
            assert not failures, f"{len(failures)} failed calls, first: {failures[:5]}"
            assert swapped_under_calls == SWAPS, "every swap happened with calls in flight"
            assert len(calls) >= SWAPS, f"only {len(calls)} calls were made during the swaps"
            assert set(calls) == {1, 2}, "both versions answered the callers"
            # Every swap changed the surface (fixture_added comes and goes); the client was told.
            await changes.wait_for(1)
            result = await call(client, "fixture_echo", {"text": "end"})
            assert result.structured_content == {"text": "end", "version": 1}
            assert "fixture_added" not in await tool_names(client)
