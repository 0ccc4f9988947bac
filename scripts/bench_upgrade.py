#!/usr/bin/env python3
"""Engine-upgrade pause through the front, on a generated JavaScript project.

Usage: python3 scripts/bench_upgrade.py [FILES] [ROUNDS]   (defaults 10000, 5)

Runs `omnysys serve` from a copy of target/release/omnysys over stdio with a raw JSON-RPC
client, indexes the project (warm from `omnysys index`'s snapshot), then ROUNDS times renames a
different build (the binary padded) over the copy while `get_server_status` is called back to
back. For each round it prints the front's own pause (hold of new calls to the new child's
handshake, its `pause_ms` log) and the slowest `get_server_status` call during the handover
(which also waits out the 250 ms poll that notices the binary, and the settle time).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "target" / "release"
PLUGINS = ["graph_tools", "symbol_tools", "status_tools", "extract_javascript"]


def write_project(root: Path, files: int) -> None:
    for i in range(files):
        d = root / "src" / f"d{i // 100}"
        d.mkdir(parents=True, exist_ok=True)
        dep = f"../d{(i // 100 + 1) % (files // 100 or 1)}/f{(i + 1) % files}.js"
        (d / f"f{i}.js").write_text(
            f"import {{ g{(i + 1) % files} }} from '{dep}';\n"
            f"export function g{i}(x) {{ return g{(i + 1) % files}(x) + {i}; }}\n"
        )


class Client:
    def __init__(self, argv: list[str], stderr) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.next_id = 0

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        while True:
            message = json.loads(self.proc.stdout.readline())
            if message.get("id") == self.next_id:
                return message

    def status(self) -> dict:
        answer = self.request("tools/call", {"name": "get_server_status", "arguments": {}})
        return answer["result"]["structuredContent"]


def engine_pid(front: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == front:
                return int(entry.name)
    return None


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    work = Path(tempfile.mkdtemp(prefix="omnysys-bench-upgrade-"))
    binary = work / "bin" / "omnysys"
    binary.parent.mkdir()
    shutil.copy2(RELEASE / "omnysys", binary)
    project = work / "project"
    write_project(project, files)
    libs = ", ".join(f'(path: "{RELEASE / f"lib{p}.so"}")' for p in PLUGINS)
    toolset = work / "t.toolset.ron"
    toolset.write_text(f"ToolSet(plugins: [{libs}], watch: (enabled: false))\n")
    args = ["--project", str(project), "--toolset", str(toolset)]
    env = {**os.environ, "OMNYSYS_LOG": "info"}
    subprocess.run([binary, "index", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    log = open(work / "front.stderr", "wb")
    os.environ["OMNYSYS_LOG"] = "info"
    client = Client([str(binary), "serve", *args], log)
    client.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "b", "version": "0"}})
    client.proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    client.proc.stdin.flush()
    while client.status()["indexing"]["phase"] != "ready":
        time.sleep(0.05)
    known_files = client.status()["files"]
    print(f"engine-upgrade pause, {files} files ({known_files} known), {rounds} rounds")
    print("| round | front pause (hold to new child serving) | slowest get_server_status during it | files after |")
    print("|---|---|---|---|")
    for r in range(rounds):
        old = engine_pid(client.proc.pid)
        new = binary.with_name("omnysys.new")
        new.write_bytes(binary.read_bytes() + b"\0" * (r + 1) * 4096)
        new.chmod(0o755)
        os.replace(new, binary)
        slowest, deadline = 0.0, time.monotonic() + 60
        while time.monotonic() < deadline:
            t = time.monotonic()
            after = client.status()
            slowest = max(slowest, time.monotonic() - t)
            pid = engine_pid(client.proc.pid)
            if pid not in (None, old):
                break
        log.flush()
        text = re.sub(r"\x1b\[[0-9;]*m", "", (work / "front.stderr").read_text(errors="replace"))
        pauses = re.findall(r"pause_ms=(\d+)", text)
        pause = pauses[-1] if len(pauses) > r else "?"
        print(f"| {r + 1} | {pause} ms | {slowest * 1000:.0f} ms | {after['files']} |")
        time.sleep(0.5)
    client.proc.stdin.close()
    client.proc.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
