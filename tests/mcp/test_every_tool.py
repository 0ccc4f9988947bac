"""Every tool of the default tool set, called through the Python `mcp` client over stdio on the
js_basic fixture project, with answers worked out by hand from its six files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from conftest import BIN, CALL_TIMEOUT, CONNECT_TIMEOUT, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "projects" / "js_basic"

# tool -> (arguments, a check on the structured result)
CALLS = {
    "get_impact_map": ({"filePath": "src/util.js"}, lambda r: r["directDependents"] == ["src/app.js", "src/index.js"] and r["totalAffected"] == 3),
    "analyze_change": ({"filePath": "src/util.js", "symbolName": "helper"}, lambda r: "riskLevel" in r),
    "explain_connection": ({"fileA": "src/index.js", "fileB": "src/util.js"}, lambda r: r["connected"] is True),
    "get_risk_assessment": ({}, lambda r: r["files"] == 6 and r["counts"]["high"] == 0),
    "validate_imports": ({}, lambda r: r["valid"] is True and r["checkedFiles"] == 6),
    "repo_map": ({"tokenBudget": 400}, lambda r: r["files"][0]["path"] == "src/util.js" and not r["truncated"]),
    "search_files": ({"pattern": "src/*.js"}, lambda r: [f["path"] for f in r["matches"]] == ["src/app.js", "src/index.js", "src/util.js"]),
    "get_function_details": ({"filePath": "src/app.js", "functionName": "createApp"}, lambda r: r["exported"] is True),
    "get_molecule_summary": ({"filePath": "src/app.js"}, lambda r: [(i["specifier"], i["resolved"]) for i in r["imports"]] == [("./util", "src/util.js")]),
    "get_atomic_functions": ({"filePath": "src/app.js"}, lambda r: [f["name"] for f in r["functions"]] == ["createApp"]),
    "get_call_graph": ({"filePath": "src/app.js", "symbolName": "createApp"}, lambda r: isinstance(r, dict)),
    "find_references": ({"symbolName": "helper"}, lambda r: isinstance(r, dict)),
    "search_symbols": ({"query": "createapp"}, lambda r: r["matches"][0]["name"] == "createApp"),
    "analyze_signature_change": ({"filePath": "src/util.js", "symbolName": "helper", "newSignature": "(a)"}, lambda r: isinstance(r, dict)),
    "explain_value_flow": ({"filePath": "src/app.js", "symbolName": "createApp"}, lambda r: isinstance(r, dict)),
    "get_server_status": ({}, lambda r: r["files"] == 6 and r["indexing"]["phase"] == "ready"),
    "get_recent_errors": ({}, lambda r: r["unresolvedImports"] == []),
    "get_tunnel_vision_stats": ({}, lambda r: "suspects" in r),
    "impact_of_diff": ({}, lambda r: isinstance(r, dict)),
    "restart_server": ({}, lambda r: r["scheduled"][0] == "reload of every plugin"),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "js_basic"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".omnysys"))
    git = ["git", "-C", str(copy), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], check=True)
    return copy


@pytest.mark.anyio
async def test_every_tool_answers_through_the_python_client(project: Path) -> None:
    params = StdioServerParameters(command=str(BIN), args=["serve", "--project", str(project)], env={"OMNYSYS_LOG": "warn"})
    with anyio.fail_after(CONNECT_TIMEOUT + CALL_TIMEOUT * (len(CALLS) + 20)):
        async with Client(params, mode="legacy") as client:
            listed = {t.name for t in (await client.list_tools(cache_mode="refresh")).tools}
            assert listed == set(CALLS), f"tools differ: {sorted(listed ^ set(CALLS))}"
            await wait_until_ready(client)
            failures = []
            for name, (args, check) in CALLS.items():
                result = await client.call_tool(name, args)
                content = result.structured_content
                if result.is_error or content is None or not check(content):
                    failures.append(f"{name}: is_error={result.is_error} {content or result.content}")
            assert not failures, "\n".join(failures)


async def wait_until_ready(client: Client) -> None:
    for _ in range(200):
        status = (await client.call_tool("get_server_status", {})).structured_content
        if status and status["indexing"]["phase"] == "ready":
            return
        await anyio.sleep(0.05)
    raise AssertionError("the index never became ready")
