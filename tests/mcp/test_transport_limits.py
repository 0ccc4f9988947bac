"""The Streamable HTTP transport's limits, seen from the Python `mcp` client (not ours).

Idle sockets neither keep a real client out nor stay open past the header-read timeout
(`OMNYSYS_HTTP_HEADER_TIMEOUT_MS`, shortened here), and a full session table refuses a new
legacy session while stateless (2026-07-28) clients, which hold no session, go on being served
(`OMNYSYS_HTTP_MAX_SESSIONS`). HTTP only: stdio has neither sockets nor sessions.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from conftest import CALL_TIMEOUT, Server, connect

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("transport", ["http"])]

TEST_TIMEOUT = 60.0
HEADER_TIMEOUT_MS = 1000
IDLE_SOCKETS = 100  # below the default connection cap (256)
CLOSE_WITHIN = 10.0  # header timeout plus a generous margin


@pytest.fixture
def short_header_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNYSYS_HTTP_HEADER_TIMEOUT_MS", str(HEADER_TIMEOUT_MS))


@pytest.fixture
def one_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNYSYS_HTTP_MAX_SESSIONS", "1")


@pytest.fixture
def impatient_server(short_header_timeout: None, server: Server) -> Server:
    """The `server` fixture started with a 1 s header-read timeout."""
    return server


@pytest.fixture
def one_session_server(one_session: None, server: Server) -> Server:
    """The `server` fixture started with room for one legacy session."""
    return server


def _closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    sock.settimeout(max(timeout, 0.01))
    try:
        while sock.recv(1024):
            pass  # an error page before the close
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


async def test_idle_sockets_neither_keep_a_client_out_nor_stay_open(
    impatient_server: Server, mode: str
) -> None:
    url = urlparse(impatient_server.url)
    idle = [socket.create_connection((url.hostname, url.port), timeout=5) for _ in range(IDLE_SOCKETS)]
    try:
        for sock in idle[::2]:
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        with anyio.fail_after(TEST_TIMEOUT):
            started = time.monotonic()
            async with connect(impatient_server, mode) as (client, _):
                with anyio.fail_after(CALL_TIMEOUT):
                    listing = await client.list_tools(cache_mode="refresh")
                assert "fixture_echo" in [t.name for t in listing.tools]
            assert time.monotonic() - started < 15.0
        deadline = time.monotonic() + CLOSE_WITHIN
        open_left = sum(not _closed_by_peer(s, deadline - time.monotonic()) for s in idle)
        assert open_left == 0, f"{open_left} idle sockets still open {CLOSE_WITHIN}s later"
    finally:
        for sock in idle:
            sock.close()


async def test_a_full_session_table_refuses_a_legacy_client_but_serves_a_stateless_one(
    one_session_server: Server,
) -> None:
    with anyio.fail_after(TEST_TIMEOUT):
        async with connect(one_session_server, "legacy") as (first, _):
            with pytest.raises(MCPError):  # the client's form of the HTTP 503
                async with connect(one_session_server, "legacy"):
                    pass
            async with connect(one_session_server, "auto") as (modern, _):
                with anyio.fail_after(CALL_TIMEOUT):
                    result = await modern.call_tool("fixture_echo", {"text": "hi"})
                assert not result.is_error
            with anyio.fail_after(CALL_TIMEOUT):
                result = await first.call_tool("fixture_echo", {"text": "still here"})
            assert not result.is_error
