#!/usr/bin/env python3
"""Compare `get_impact_map`'s direct dependents with madge's reverse dependencies, file by file.

Starts ONE `omnysys serve --project DIR` over stdio with the Python `mcp` client (PyPI `mcp`,
installed in .venv by scripts/install-test-tools.sh), waits (bounded) until `get_server_status`
reports the indexing phase "ready", lists every indexed file through `search_files`, calls
`get_impact_map {filePath}` for each and compares its `directDependents` with the files that
import it in madge's graph (the JSON of `madge --json DIR`, keys relative to DIR as in
scripts/compare-graphs.py). Every stdio round trip of `get_impact_map` is timed (p50/p99).

Differences are classified:
  explained (outside-root): madge edges from or to a file outside DIR (`../schemas/...`,
    `../package.json`). Such a file is not in omnysys's project, so it can neither be a
    dependent of a DIR file nor be asked for its own dependents.
  unexplained: anything else (a dependent only one tool sees, a file only one tool knows, a
    failed call). For each, the importing file is read to find the specifier line.

Prints a summary, writes every difference to the report (Markdown), exits 1 if any unexplained
difference remains (2 on a setup failure: server not ready, tool call timing out, bad input).
Used by scripts/bench-webpack.sh for webpack's lib/; run on demand, not part of the tests.

    .venv/bin/python scripts/compare-impact.py --project target/.../package/lib \
        --madge madge.json [--report target/bench-webpack/impact-report.md] [--name webpack]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
_spec = importlib.util.spec_from_file_location("compare_graphs", HERE / "compare-graphs.py")
cg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cg)  # norm, outside, load_graph, classify: one path normalisation for both scripts



def fail(msg: str) -> None:
    print(f"compare-impact: ERROR: {msg}", file=sys.stderr)
    sys.exit(2)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100)
    return ordered[int(rank) - 1]


async def call(client: Client, name: str, args: dict, timeout: float):
    with anyio.fail_after(timeout):
        result = await client.call_tool(name, args)
    return result


async def list_indexed_files(client: Client, timeout: float) -> tuple[set[str], int, int]:
    """Every project path, through search_files, page by page with its cursor.
    Returns (paths, total the first page reported, number of search_files calls)."""
    calls = 0
    found: set[str] = set()
    args: dict = {"pattern": "**"}
    total = None
    while True:
        calls += 1
        r = await call(client, "search_files", args, timeout)
        if r.is_error or r.structured_content is None:
            fail(f"search_files {args!r} failed: {r.content}")
        page = r.structured_content
        total = page["total"] if total is None else total
        found.update(m["path"] for m in page["matches"])
        cursor = page.get("nextCursor")
        if not cursor:
            return found, total, calls
        if calls > 10_000:
            fail("search_files kept returning a next cursor")
        args = {"pattern": "**", "cursor": cursor}


async def run(args) -> int:
    project = Path(args.project).resolve()
    if not project.is_dir():
        fail(f"{project} is not a directory")
    binary = Path(args.omnysys).resolve()
    if not binary.exists():
        fail(f"{binary} is missing: cargo build --release --workspace")
    madge = cg.load_graph(args.madge)
    m_edges = cg.edges_of(madge)
    m_nodes = cg.nodes_of(madge)
    m_inside = {n for n in m_nodes if not cg.outside(n)}
    m_rev: dict[str, set[str]] = defaultdict(set)
    for src, dst in m_edges:
        m_rev[dst].add(src)

    params = StdioServerParameters(
        command=str(binary),
        args=["serve", "--project", str(project)],
        env={**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}, "OMNYSYS_LOG": "warn"},
        cwd=str(project),
    )
    answers: dict[str, dict | None] = {}
    errors: dict[str, str] = {}
    rtts: list[float] = []
    base_rtts: list[float] = []
    t_start = time.perf_counter()
    with anyio.fail_after(args.connect_timeout + args.ready_timeout + args.call_timeout * 4000):
        async with Client(params, mode="legacy") as client:
            t_connected = time.perf_counter()
            deadline = time.monotonic() + args.ready_timeout
            status = None
            while True:
                status = (await call(client, "get_server_status", {}, args.call_timeout)).structured_content
                if status and status["indexing"]["phase"] == "ready":
                    break
                if time.monotonic() > deadline:
                    fail(f"indexing not ready after {args.ready_timeout} s: {status and status.get('indexing')}")
                await anyio.sleep(0.05)
            t_ready = time.perf_counter()
            indexed, search_total, search_calls = await list_indexed_files(client, args.call_timeout)
            if len(indexed) != search_total or len(indexed) != status["files"]:
                fail(f"search_files listed {len(indexed)} paths; its total says {search_total}, "
                     f"get_server_status says {status['files']} files")
            for path in sorted(indexed):
                t0 = time.perf_counter()
                r = await call(client, "get_impact_map", {"filePath": path}, args.call_timeout)
                rtts.append(time.perf_counter() - t0)
                if r.is_error or r.structured_content is None:
                    errors[path] = str(r.content)[:300]
                    answers[path] = None
                else:
                    answers[path] = r.structured_content
            # baseline: the round trip of a call that does next to no work (client + stdio + dispatch)
            for _ in range(100):
                t0 = time.perf_counter()
                await call(client, "get_server_status", {}, args.call_timeout)
                base_rtts.append(time.perf_counter() - t0)

    # ---- compare -----------------------------------------------------------------------------------
    diffs: list[tuple[str, str, str, str, str]] = []  # (kind, category, file, dependent, detail)
    explained_edges = 0
    equal = 0
    compared = 0
    total_omny = total_madge_in = 0
    trans_equal = trans_checked = 0
    o_nodes = set(indexed)
    for path in sorted(indexed):
        ans = answers[path]
        if ans is None:
            diffs.append(("unexplained", "get_impact_map failed", path, "", errors[path]))
            continue
        compared += 1
        o_dep = set(ans["directDependents"])
        m_dep_all = m_rev.get(path, set())
        m_dep_out = {d for d in m_dep_all if cg.outside(d)}
        m_dep = m_dep_all - m_dep_out
        total_omny += len(o_dep)
        total_madge_in += len(m_dep)
        for d in sorted(m_dep_out):
            explained_edges += 1
            diffs.append(("explained", "outside-root: dependent outside the project (madge follows `../`)", path, d, ""))
        if o_dep == m_dep:
            equal += 1
        for d in sorted(m_dep - o_dep):
            cause, detail = cg.classify(str(project), d, path, "madge", o_nodes, "omnysys")
            diffs.append(("unexplained", f"madge only: {cause}", path, d, detail))
        for d in sorted(o_dep - m_dep):
            cause, detail = cg.classify(str(project), d, path, "omnysys", m_nodes, "madge")
            diffs.append(("unexplained", f"omnysys only: {cause}", path, d, detail))
        # transitive dependents, informational: madge's reverse closure inside the project
        listed = {t["path"] for t in ans.get("transitiveDependents", [])}
        if len(listed) == ans.get("totalAffected", -1):
            trans_checked += 1
            seen, todo = set(), [path]
            while todo:
                for d in m_rev.get(todo.pop(), ()):
                    if not cg.outside(d) and d not in seen and d != path:
                        seen.add(d)
                        todo.append(d)
            trans_equal += seen == listed
    for f in sorted(m_inside - o_nodes):
        diffs.append(("unexplained", "file in madge's graph, not indexed by omnysys", f, "", ""))
    for f in sorted(o_nodes - m_inside):
        diffs.append(("unexplained", "file indexed by omnysys, not in madge's graph", f, "", ""))
    outside_targets = sorted(n for n in m_nodes if cg.outside(n) and m_rev.get(n))
    outside_target_edges = sum(len(m_rev[n]) for n in outside_targets)
    for n in outside_targets:
        for d in sorted(m_rev[n]):
            diffs.append(("explained", "outside-root: file outside the project, not queryable (its madge dependents)", n, d, ""))

    unexplained = [d for d in diffs if d[0] == "unexplained"]
    p50, p99 = percentile(rtts, 50), percentile(rtts, 99)
    ms = lambda s: f"{1000 * s:.2f} ms"  # noqa: E731
    summary = [
        f"{args.name}: get_impact_map directDependents vs madge reverse dependencies ({project.name}/)",
        f"  files compared:            {compared} (indexed {len(indexed)}, listed with {search_calls} search_files calls; "
        f"madge files inside: {len(m_inside)})",
        f"  files with equal sets:     {equal}/{compared}",
        f"  direct dependents:         omnysys {total_omny}, madge (inside) {total_madge_in}",
        f"  differences, explained (outside-root): {explained_edges} dependents outside the project of project files; "
        f"{outside_target_edges} madge edges into {len(outside_targets)} files outside it (not queryable)",
        f"  differences, unexplained:  {len(unexplained)}",
        f"  transitive dependents equal to madge's reverse closure: {trans_equal}/{trans_checked} files (informational)",
        f"  get_impact_map stdio round trip over {len(rtts)} calls: p50 {ms(p50)}, p99 {ms(p99)}, "
        f"max {ms(max(rtts) if rtts else float('nan'))}, mean {ms(statistics.fmean(rtts) if rtts else float('nan'))}",
        f"  baseline, get_server_status round trip over {len(base_rtts)} calls: p50 {ms(percentile(base_rtts, 50))}, "
        f"p99 {ms(percentile(base_rtts, 99))}",
        f"  server: connect {t_connected - t_start:.2f} s, ready {t_ready - t_connected:.2f} s after connect",
    ]
    print("\n".join(summary))

    report = Path(args.report)
    report.parent.mkdir(parents=True, exist_ok=True)
    out = [
        f"# {args.name}: `get_impact_map` direct dependents vs madge reverse dependencies\n",
        f"Run {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}. One `omnysys serve --project {project.name}` over stdio "
        f"(Python `mcp` client); `get_impact_map {{filePath}}` for every indexed file; madge's graph "
        f"`{Path(args.madge).name}` reversed, restricted to files inside the project.\n",
        "```",
        *summary,
        "```\n",
        "## Differences\n",
    ]
    if not diffs:
        out.append("None.\n")
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for kind, cat, f, d, detail in diffs:
        groups[(kind, cat)].append((f, d, detail))
    for (kind, cat), items in sorted(groups.items(), key=lambda kv: (kv[0][0] != "unexplained", kv[0][1])):
        out.append(f"**{kind}: {cat}** ({len(items)})\n")
        for f, d, detail in items:
            line = f"- `{f}`" + (f" ← `{d}`" if d else "") + (f" ({detail})" if detail else "")
            out.append(line)
        out.append("")
    report.write_text("\n".join(out), encoding="utf-8")
    print(f"  report: {report}")
    return 1 if unexplained else 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--project", required=True, help="the indexed directory (madge's base dir)")
    p.add_argument("--madge", required=True, help="madge --json output, keys relative to --project")
    p.add_argument("--report", default=str(REPO / "target" / "bench-webpack" / "impact-report.md"))
    p.add_argument("--name", default="webpack")
    p.add_argument("--omnysys", default=os.environ.get("OMNYSYS_BIN", str(REPO / "target" / "release" / "omnysys")))
    p.add_argument("--connect-timeout", type=float, default=60.0)
    p.add_argument("--ready-timeout", type=float, default=120.0, help="seconds to wait for indexing phase ready")
    p.add_argument("--call-timeout", type=float, default=30.0, help="seconds per tool call")
    args = p.parse_args()
    try:
        sys.exit(anyio.run(run, args))
    except TimeoutError:
        fail("a bounded step timed out (connect, readiness or a tool call)")


if __name__ == "__main__":
    main()
