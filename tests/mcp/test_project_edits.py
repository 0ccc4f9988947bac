"""Editing the project while `omnysys serve` runs: the watcher queues the edit, the engine
re-analyses the file, and the tools answer from its new facts and the new reverse edges.

On a copy of js_basic (util.js ← app.js ← router/index.js ← index.js, and index.js → util.js,
config.ts → types.ts), worked out by hand:
1. app.js stops importing ./util and imports ./config instead: util.js keeps one direct
   dependent (index.js); config.ts gains app.js, and through it router/index.js and index.js.
2. A new file extra.js importing ./util becomes util.js's dependent.
3. index.js is deleted: util.js is left with extra.js; asking about index.js is an error naming
   the unknown file.
4. extra.js is replaced by a link out of the project and a named pipe appears: links are not
   followed and pipes not read, so extra.js's facts go (util.js has no dependent left) and the
   server keeps answering.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

import anyio
import pytest
from mcp import Client, StdioServerParameters

from conftest import BIN, CALL_TIMEOUT, CONNECT_TIMEOUT, ROOT
from test_every_tool import wait_until_ready

FIXTURE = ROOT / "tests" / "fixtures" / "projects" / "js_basic"
SETTLE_TIMEOUT = 10.0  # edit on disk -> new answer (debounce 50 ms + one analysis)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "js_basic"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".omnysys"))
    return copy


async def call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, f"{tool} {args}: {result.content}"
    return result.structured_content


async def settles(client: Client, tool: str, args: dict[str, Any], check: Callable[[Any], bool]) -> Any:
    """Polls (bounded) until the answer passes `check`; fails with the last answer."""
    last = None
    with anyio.move_on_after(SETTLE_TIMEOUT):
        while True:
            last = await call(client, tool, args)
            if check(last):
                return last
            await anyio.sleep(0.05)
    raise AssertionError(f"{tool} {args} never settled; last answer: {last}")


def dependents(answer: Any) -> list[str]:
    return answer["directDependents"]


@pytest.mark.anyio
async def test_editing_a_file_updates_its_facts_and_its_dependents_reverse_edges(project: Path) -> None:
    params = StdioServerParameters(command=str(BIN), args=["serve", "--project", str(project)], env={"OMNYSYS_LOG": "warn"})
    with anyio.fail_after(CONNECT_TIMEOUT + CALL_TIMEOUT * 14 + SETTLE_TIMEOUT * 8):
        async with Client(params, mode="legacy") as client:
            await wait_until_ready(client)
            util = {"filePath": "src/util.js"}
            assert dependents(await call(client, "get_impact_map", util)) == ["src/app.js", "src/index.js"]
            config = await call(client, "get_impact_map", {"filePath": "src/config.ts"})
            assert dependents(config) == [] and config["totalAffected"] == 0

            (project / "src" / "app.js").write_text(
                "import { config } from './config';\n\nexport function createApp() {\n  return config.a;\n}\n"
            )
            summary = await settles(
                client, "get_molecule_summary", {"filePath": "src/app.js"},
                lambda r: [i["specifier"] for i in r["imports"]] == ["./config"],
            )
            assert [(i["resolved"], i["names"]) for i in summary["imports"]] == [("src/config.ts", ["config"])]
            assert dependents(await call(client, "get_impact_map", util)) == ["src/index.js"]
            config = await call(client, "get_impact_map", {"filePath": "src/config.ts"})
            assert dependents(config) == ["src/app.js"]
            assert config["totalAffected"] == 3  # app.js, router/index.js (depth 2), index.js (depth 2)

            (project / "src" / "extra.js").write_text("import { helper } from './util';\n\nexport const two = helper() + 1;\n")
            await settles(client, "get_impact_map", util, lambda r: dependents(r) == ["src/extra.js", "src/index.js"])

            (project / "src" / "index.js").unlink()
            await settles(client, "get_impact_map", util, lambda r: dependents(r) == ["src/extra.js"])
            gone = await client.call_tool("get_molecule_summary", {"filePath": "src/index.js"})
            assert gone.is_error and "src/index.js" in str(gone.content)

            os.mkfifo(project / "src" / "pipe.js")
            (project / "src" / "extra.js").unlink()
            (project / "src" / "extra.js").symlink_to("/etc/hostname")
            await settles(client, "get_impact_map", util, lambda r: dependents(r) == [])
            linked = await client.call_tool("get_molecule_summary", {"filePath": "src/extra.js"})
            assert linked.is_error, linked.content
            status = await call(client, "get_server_status", {})
            assert status["files"] == 5, status  # app, config, router/index, types, util


@pytest.mark.anyio
async def test_a_deleted_project_root_empties_the_index_and_a_recreated_one_is_indexed_again(
    project: Path,
) -> None:
    params = StdioServerParameters(command=str(BIN), args=["serve", "--project", str(project)], env={"OMNYSYS_LOG": "warn"})
    with anyio.fail_after(CONNECT_TIMEOUT + CALL_TIMEOUT * 6 + SETTLE_TIMEOUT * 4):
        async with Client(params, mode="legacy") as client:
            await wait_until_ready(client)
            assert (await call(client, "get_server_status", {}))["files"] == 6
            shutil.rmtree(project)
            await settles(client, "get_server_status", {}, lambda s: s["files"] == 0 and s["indexing"]["phase"] == "ready")
            # The files go with their deletion events; the root's loss is recorded when noticed.
            errors = await settles(client, "get_recent_errors", {}, lambda r: r["project"] != [])
            assert [e["subject"] for e in errors["project"]] == [str(project)], errors
            assert "the project root was deleted" in errors["project"][0]["message"]

            (project / "src").mkdir(parents=True)
            (project / "src" / "back.js").write_text("export function back() {\n  return 1;\n}\n")
            status = await settles(client, "get_server_status", {}, lambda s: s["files"] == 1 and s["facts"] == 1)
            assert status["indexing"]["phase"] == "ready", status
            found = await call(client, "search_files", {"pattern": "**"})
            assert [m["path"] for m in found["matches"]] == ["src/back.js"], found
            # Watched again: an edit after the return is seen.
            (project / "src" / "more.js").write_text("import { back } from './back.js';\nexport const more = back();\n")
            impact = await settles(client, "get_impact_map", {"filePath": "src/back.js"}, lambda r: dependents(r) == ["src/more.js"])
            assert impact["totalAffected"] == 1
