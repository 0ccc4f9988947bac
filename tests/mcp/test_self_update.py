"""The server updates itself while one client session stays open (issue 11, "Must show").

One session over stdio and one over Streamable HTTP (legacy mode: build errors arrive as MCP
log messages), each held open across, in order:

1. 10 edits of a tool's source (`test_ok` in fixture_misbehaving answers another number each
   time): built on save with real cargo, reloaded; each new answer is seen.
2. 2 edits that do not compile: the old answer continues; the error, with the file and line,
   arrives as an MCP log message (level error) and is in `get_recent_errors` (kind `build`).
3. 2 engine-source edits (`engine/src/status.rs`: the version the engine reports gets a
   suffix): the same one build command rebuilds the engine binary, the front hands the session
   to a new engine process (another `enginePid`) that reports the new `engineVersion`,
   `stateDigest` is equal before and after, and the plugins answer as before.
4. 2 injected crashes, `test_abort` then `test_segv`: each call is answered with an error
   naming the signal, the plugin, its generation and the tool; the session continues on a
   successor engine with the plugin quarantined; a source edit of the plugin (rebuilt on save)
   lifts the quarantine between the two.
5. `omnysys new tool greet_<transport>` with the tool set in force: `list_changed`, the new
   tool called, then its body edited by the client and the new answer seen.

No call goes unanswered (every call has the client's read timeout) and every error is checked
for its cause.

The server runs on a copy of the workspace, never on the checked-out tree:
`workspace_copy.copy_workspace` copies the sources with `cp -a` (mtimes kept) and hard-links
the release build except the files cargo rewrites in place (dep-info, `.fingerprint/`,
`build/`), which it copies; at the end the test checks that no hard-linked file of the original
was written through the copy. A full copy of `target/release` (~4 GB) would cost minutes and
disk; plain `cp -al` of all of it would let cargo truncate and rewrite the original's
fingerprint files. Cargo's fingerprints of path packages are relative to the workspace root,
so the copy is up to date: before the server starts, `cargo build --release --workspace` in the
copy must print nothing but `Finished` (checked). One copy serves both sessions (the HTTP
session continues from the stdio session's edits).

Duration, measured on the 2-core machine with other builds running: 357 s and 471 s for both
sessions (stdio 312 / 396 s, HTTP 40 / 35 s). The first engine edit dominates (280 / 366 s):
rustc's incremental cache keys on absolute paths, so in the copy the engine crate recompiles
almost from scratch once; later engine edits took 5-9 s. Each session is bounded by SESSION_TIMEOUT; scripts/
test-mcp-clients.sh gives tests/mcp 40 min. Disk: the copy's own files (copied dep-info and
fingerprints, then what its builds write: the rebuilt engine and its incremental cache) come to
0.6-0.9 GB per run, left in pytest's temporary directory (pytest keeps the last three runs).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import anyio
import pytest
from mcp import StdioServerParameters
from mcp.shared.exceptions import MCPError

import conftest
from conftest import ROOT, Server, connect, running, text_of
from test_deadlines import status
from test_new_tool import answer as greeting
from test_new_tool import names, new_tool
from workspace_copy import SharedFiles, copy_workspace

pytestmark = pytest.mark.anyio

SESSION_TIMEOUT = 2400.0  # one session, all steps
PLUGIN_BUILD_TIMEOUT = 240.0  # a fixture edit: build on save + reload
ENGINE_BUILD_TIMEOUT = 900.0  # an engine edit: build of the engine + handover
PLUGIN = "tests/fixtures/plugins/fixture_misbehaving/src/lib.rs"
ENGINE_SOURCE = "engine/src/status.rs"


class CopyServer(Server):
    """A server run from the copy's own release binary (so it builds in the copy)."""

    binary: Path = Path()

    def target(self) -> str | StdioServerParameters:
        if self.transport == "http":
            return super().target()
        return StdioServerParameters(
            command=str(self.binary), args=self.args(), env=server_env()
        )


def server_env() -> dict[str, str]:
    """The server's environment: real cargo (no OMNYSYS_CARGO), building in the copy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_TARGET", "OMNYSYS_"))}
    env["OMNYSYS_LOG"] = "info"
    return env


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory):
    """The copied workspace, checked up to date; afterwards, checked not to have written
    through its hard links into the original."""
    conftest._require(conftest.BIN, "the release engine")
    dest = tmp_path_factory.mktemp("self-update") / "workspace"
    started = time.monotonic()
    shared = copy_workspace(ROOT, dest)
    copied = time.monotonic() - started
    noop = subprocess.run(
        ["nice", "cargo", "build", "--release", "--workspace"],
        cwd=dest,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("CARGO_TARGET")},
    )
    assert noop.returncode == 0, noop.stderr
    lines = [line for line in noop.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Finished" in lines[0], (
        "the copied workspace is not up to date (build the original first): " + noop.stderr[-2000:]
    )
    print(f"\nworkspace copied in {copied:.1f}s ({len(shared.files)} files hard-linked); "
          f"no-op build {time.monotonic() - started - copied:.1f}s")
    yield dest, shared
    check_original_untouched(shared)


def check_original_untouched(shared: SharedFiles) -> None:
    modified = shared.modified()
    assert not modified, f"the copy wrote into the original's build: {modified[:5]}"


@pytest.fixture
def copy_server(workspace, transport: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    dest, _ = workspace
    release = dest / "target" / "release"
    monkeypatch.setattr(conftest, "BIN", release / "omnysys")
    project = tmp_path / "project"
    subprocess.run(
        ["cp", "-a", str(ROOT / "tests" / "fixtures" / "projects" / "js_basic"), str(project)],
        check=True,
    )
    libs = ", ".join(
        f'(path: "{release / f"lib{c}.so"}")'
        for c in ["status_tools", "extract_javascript", "fixture_misbehaving"]
    )
    toolset = tmp_path / "self-update.toolset.ron"
    toolset.write_text(f"ToolSet(plugins: [{libs}])\n")
    srv = CopyServer(transport, tmp_path, toolset, toolset, project, b"", b"")
    srv.binary = release / "omnysys"
    monkeypatch.setenv("OMNYSYS_LOG", "info")
    monkeypatch.delenv("OMNYSYS_CARGO", raising=False)
    monkeypatch.delenv("CARGO_TARGET_DIR", raising=False)
    with running(srv) as started:
        yield started, dest


async def answer(client) -> str:
    """`test_ok`'s answer, or the error it got (a quarantined plugin's tool is unknown)."""
    try:
        result = await client.call_tool("test_ok", {})
    except MCPError as e:
        return f"error: {e}"
    return ("error: " if result.is_error else "") + text_of(result)


async def wait_for(check, what: str, timeout: float, every: float = 0.2):
    """Polls `check()` (async; truthy when done); returns (value, seconds)."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        last = await check()
        if last:
            return last, time.monotonic() - started
        await anyio.sleep(every)
    raise AssertionError(f"{what}: not within {timeout}s (last: {last!r})")


def edit(workspace: Path, relative: str, old: str, new: str) -> None:
    path = workspace / relative
    text = path.read_text()
    assert old in text, f"{relative} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1))


# The body of fixture_misbehaving's `test_ok` (`fn ok`): `Ok(<expression>)`.
OK_BODY = re.compile(r"(fn ok\([^)]*\) -> Result<u32, ToolError> \{\n    Ok\()(.*)(\)\n\})")


def set_answer(ws: Path, expression: str) -> str:
    """Makes `test_ok` answer `expression`; returns the previous expression."""
    path = ws / PLUGIN
    text = path.read_text()
    match = OK_BODY.search(text)
    assert match, "fixture_misbehaving's `fn ok` no longer has the shape this test edits"
    path.write_text(text[: match.start(2)] + expression + text[match.end(2) :])
    return match.group(2)


async def tool_edits(client, ws: Path, values: range, notes: list[str]) -> None:
    """Edits `test_ok`'s answer to each value in turn; each new answer is seen."""
    times = []
    for value in values:
        started = time.monotonic()
        set_answer(ws, str(value))
        await wait_for(lambda v=value: _answers(client, str(v)), f"answer {value}", PLUGIN_BUILD_TIMEOUT)
        times.append(time.monotonic() - started)
    times.sort()
    notes.append(
        f"{len(times)} tool edits, edit to new answer p50 {times[len(times) // 2]:.1f}s "
        f"max {times[-1]:.1f}s"
    )


async def _answers(client, expected: str) -> bool:
    return (await answer(client)).strip() == expected


async def failing_edits(client, ws: Path, changes, notes: list[str]) -> None:
    """Two edits that do not compile: the old answer stays; the error (file:line:column)
    arrives as a log message and is in get_recent_errors."""
    before = await answer(client)
    good = None
    for n in range(2):
        seen = len(changes.logs)
        previous = set_answer(ws, f'"does not compile {n}"')
        good = good or previous

        async def failed_log(seen: int = seen) -> dict | None:
            return next(
                (
                    m
                    for m in changes.logs[seen:]
                    if isinstance(m, dict) and m.get("event") == "build" and m.get("state") == "failed"
                ),
                None,
            )

        log, took = await wait_for(failed_log, f"build failure {n} as a log message", PLUGIN_BUILD_TIMEOUT)
        assert re.search(r"fixture_misbehaving/src/lib\.rs:\d+:\d+", log["message"]), log
        assert (await answer(client)) == before, "the old generation must keep answering"
        errors = text_of(await client.call_tool("get_recent_errors", {}))
        assert "build" in errors and re.search(r"lib\.rs:\d+:\d+", errors), errors
        notes.append(f"failing edit {n}: reported in {took:.1f}s")
    builds = (await status(client))["build"]["builds"]
    set_answer(ws, good)
    # The answer is the same as before the broken edits: wait for the build of the fix.
    await wait_for(lambda: _built_since(client, builds), "the fix built", PLUGIN_BUILD_TIMEOUT)
    assert await _answers(client, before.strip())


async def _built_since(client, builds: int) -> bool:
    build = (await status(client))["build"]
    return build["builds"] > builds and build["state"] == "idle"


async def settled_status(client) -> dict:
    """The status once indexing is done (the digest is published then)."""
    s, _ = await wait_for(lambda: _digest_ready(client), "a state digest", 60)
    return s


async def _digest_ready(client) -> dict | None:
    s = await status(client)
    return s if s.get("stateDigest") else None


async def engine_edits(client, ws: Path, notes: list[str]) -> None:
    """Two edits of the engine's source: a new engine serves, digest equal."""
    for n in range(2):
        before = await settled_status(client)
        expected = await answer(client)
        started = time.monotonic()
        version = set_engine_version(ws, f"+self-update-{n}")

        async def new_engine() -> dict | None:
            s = await status(client)
            return s if s["enginePid"] != before["enginePid"] else None

        after, took = await wait_for(new_engine, f"engine edit {n}: a new engine", ENGINE_BUILD_TIMEOUT, 0.5)
        after = await settled_status(client)
        assert after["engineVersion"] == version, "the edited engine code serves"
        assert after["stateDigest"] == before["stateDigest"], (before["stateDigest"], after["stateDigest"])
        assert after["files"] == before["files"] and after["facts"] == before["facts"]
        assert await answer(client) == expected, "the plugins serve on the new engine"
        build = after["build"]
        notes.append(
            f"engine edit {n}: new engine pid {after['enginePid']} after {took:.0f}s, digest equal"
        )
        assert build["enabled"], build


# The line of engine/src/status.rs that sets the version `get_server_status` reports.
ENGINE_VERSION = re.compile(r"status\.engine_version = .*;")


def set_engine_version(ws: Path, suffix: str) -> str:
    """Edits the engine to report its version with `suffix`; returns the version to expect."""
    path = ws / ENGINE_SOURCE
    text = path.read_text()
    assert ENGINE_VERSION.search(text), f"{ENGINE_SOURCE} no longer sets engine_version"
    line = f'status.engine_version = concat!(env!("CARGO_PKG_VERSION"), "{suffix}").to_owned();'
    path.write_text(ENGINE_VERSION.sub(line, text, count=1))
    version = re.search(r'^version = "([^"]+)"', (ws / "engine" / "Cargo.toml").read_text(), re.M)
    assert version, "engine/Cargo.toml has no version"
    return version.group(1) + suffix


async def crash_and_lift(client, ws: Path, tool: str, signal: str, notes: list[str]) -> None:
    result = await client.call_tool(tool, {})
    text = text_of(result)
    assert result.is_error, text
    pattern = (
        rf"the engine crashed \({signal}\) in plugin `misbehaving` generation \d+ "
        rf"while serving `{tool}`"
    )
    assert re.search(pattern, text), text

    async def quarantined() -> bool:
        s = await status(client)
        return any(q["name"] == "misbehaving" and signal in q["reason"] for q in s["quarantined"])

    _, took = await wait_for(quarantined, f"quarantined after {tool}", 60)
    notes.append(f"{tool}: answered with {signal}, quarantined {took:.1f}s later")


async def lift_quarantine(client, ws: Path, value: int) -> None:
    """A source edit of the crashed plugin, rebuilt on save, lifts its quarantine."""
    set_answer(ws, str(value))
    await wait_for(lambda: _answers(client, str(value)), "the quarantine lifted by a new build",
                   PLUGIN_BUILD_TIMEOUT)
    assert not (await status(client))["quarantined"]


async def new_tool_step(client, ws: Path, toolset: Path, changes, name: str, notes: list[str]) -> None:
    """`omnysys new tool NAME` in the copied workspace (the tool set in force named): the
    client gets `list_changed`, sees the tool and calls it; then the client writes the tool's
    body, build on save rebuilds it, and the next call gives the new answer."""
    before = await names(client)
    seen = changes.count
    started = time.monotonic()
    out = await new_tool(ws / "target" / "release" / "omnysys", name, "--workspace", str(ws),
                         "--toolset", str(toolset))
    assert f'added (crate: "{name}_tools")' in out, out
    built = time.monotonic() - started
    await changes.wait_for(seen + 1, PLUGIN_BUILD_TIMEOUT)
    assert await names(client) == before | {name}
    assert await greeting(client, name, "omnysys") == "Hello, omnysys!"
    source = ws / "systems" / f"{name}_tools" / "src" / f"{name}.rs"
    text = source.read_text()
    assert '"Hello, {}!"' in text, f"the template's {name}.rs no longer greets as this test edits"
    source.write_text(text.replace('"Hello, {}!"', '"Howdy, {}!"'))
    await wait_for(lambda: _greets(client, name, "Howdy, omnysys!"), f"{name}'s new body",
                   PLUGIN_BUILD_TIMEOUT)
    notes.append(f"new tool {name}: built and added in {built:.1f}s, body edit to new answer "
                 f"{time.monotonic() - started - built:.1f}s")


async def _greets(client, name: str, expected: str) -> bool:
    said = await greeting(client, name, "omnysys")
    assert said in ("Hello, omnysys!", expected), said
    return said == expected


async def test_one_session_survives_edits_failed_builds_engine_upgrades_and_crashes(
    copy_server, transport: str
) -> None:
    srv, ws = copy_server
    notes: list[str] = []
    started = time.monotonic()
    with anyio.fail_after(SESSION_TIMEOUT):
        async with connect(srv, "legacy") as (client, changes):
            base = 1000 if transport == "stdio" else 2000
            await tool_edits(client, ws, range(base, base + 10), notes)
            await failing_edits(client, ws, changes, notes)
            await engine_edits(client, ws, notes)
            await crash_and_lift(client, ws, "test_abort", "SIGABRT", notes)
            await lift_quarantine(client, ws, base + 100)
            await crash_and_lift(client, ws, "test_segv", "SIGSEGV", notes)
            await lift_quarantine(client, ws, base + 200)
            await new_tool_step(client, ws, srv.toolset, changes, f"greet_{transport}", notes)
            s = await status(client)
            assert s["build"]["state"] == "idle", s["build"]
    print(f"\n{transport}: {time.monotonic() - started:.0f}s: " + "; ".join(notes))
