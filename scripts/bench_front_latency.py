#!/usr/bin/env python3
"""Latency the front adds: `get_server_status` over stdio, through the front (default) and with
`--single-process`, side by side, with a raw JSON-RPC client (no SDK overhead).

Usage: python3 scripts/bench_front_latency.py [CALLS]   (default 2000, after 200 warm-up calls)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_upgrade import PLUGINS, RELEASE, ROOT, Client  # noqa: E402


def measure(extra: list[str], calls: int, toolset: Path) -> list[float]:
    project = toolset.parent / "project"  # a copy: serving writes .omnysys/ into the project
    if not project.exists():
        shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "js_basic", project)
    argv = [str(RELEASE / "omnysys"), "serve", "--project", str(project), "--toolset", str(toolset), *extra]
    client = Client(argv, open(os.devnull, "wb"))
    client.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "b", "version": "0"}})
    client.proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    client.proc.stdin.flush()
    times = []
    for i in range(calls + 200):
        t = time.perf_counter()
        client.status()
        if i >= 200:
            times.append(time.perf_counter() - t)
    client.proc.stdin.close()
    client.proc.wait(timeout=30)
    return sorted(times)


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    os.environ["OMNYSYS_LOG"] = "warn"
    with tempfile.TemporaryDirectory() as work:
        toolset = Path(work) / "t.toolset.ron"
        libs = ", ".join(f'(path: "{RELEASE / f"lib{p}.so"}")' for p in PLUGINS)
        toolset.write_text(f"ToolSet(plugins: [{libs}], watch: (enabled: false))\n")
        print(f"get_server_status over stdio, {calls} calls")
        print("| serve | p50 | p90 | p99 |\n|---|---|---|---|")
        for label, extra in [("front (default)", []), ("--single-process", ["--single-process"])]:
            t = measure(extra, calls, toolset)
            q = lambda p: t[min(len(t) - 1, int(len(t) * p))] * 1000  # noqa: E731
            print(f"| {label} | {statistics.median(t) * 1000:.3f} ms | {q(0.9):.3f} ms | {q(0.99):.3f} ms |")


if __name__ == "__main__":
    main()
