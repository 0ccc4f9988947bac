#!/usr/bin/env python3
"""Compare omnysys's `find_references` with a type checker's references (issue 13).

Reads the JSON of scripts/oracle/ts-references.mjs or py-references.py (the oracle), times
omnysys's cold index of the same project (`omnysys index`, `.omnysys/` deleted first, median of
--runs), starts one `omnysys serve --project DIR` over stdio (newline-delimited JSON-RPC, no
client library), waits until indexing is ready, asks `find_references {filePath, symbolName}`
for every sampled symbol (following `nextCursor`), times each question, and reports recall and
precision per kind of reference, for references and for call sites, as Markdown.

    python3 scripts/oracle/compare-references.py --oracle target/oracle/out/webpack-5.97.1.ts.json \\
        --project target/oracle/cache/webpack-5.97.1/package/lib --omnysys target/release/omnysys \\
        --label "webpack 5.97.1 lib/" --md report.md --json report.json

Matching is by line: omnysys reports a file and a 1-based line per reference (kinds `call`,
`require`, `import`, `type_import`, `dynamic_import`, `re_export`, `export`, `value`), the oracles a line and a
column. A reference line of the oracle is found when omnysys lists a reference of that symbol on
the same file and line; a call site is found when omnysys lists a `call` there. Several oracle
references of one kind on one line count once. Precision is the share of omnysys's lines (all
kinds / `call` only) on which the oracle has a reference (any kind / a call site); per kind, a
found line counts for the oracle's kind and a false positive for the kind its form gives
(`form_kind`: the callee as written, or the import kind). A sampled
symbol omnysys does not know (the tool's error) contributes its oracle references as missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from jsonrpc import JsonRpcPeer

CALL_KINDS_HINT = "call sites: the reference is the callee of a call (or of `.call`/`.apply`)"


# ---- omnysys ----------------------------------------------------------------------------------


class McpServer(JsonRpcPeer):
    """`omnysys serve --project DIR` as a child, spoken to in MCP over stdio."""

    child = "omnysys serve"

    def __init__(self, omnysys: str, project: Path, stderr):
        super().__init__()
        self.proc = subprocess.Popen([omnysys, "serve", "--project", str(project)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=stderr)
        threading.Thread(target=self._read_loop, daemon=True).start()

    def _read_loop(self) -> None:
        for line in self.proc.stdout:
            msg = json.loads(line)
            if "id" in msg and "method" not in msg:
                self.replies.put(msg)
        self.replies.put(None)

    def _send(self, msg: dict) -> None:
        self.proc.stdin.write(json.dumps(msg).encode() + b"\n")
        self.proc.stdin.flush()

    def initialize(self) -> None:
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "compare-references", "version": "1"}})
        self._send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def call_tool(self, name: str, args: dict) -> tuple[dict | None, bool]:
        r = self.request("tools/call", {"name": name, "arguments": args})
        return r.get("structuredContent"), bool(r.get("isError"))

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _ = self.call_tool("get_server_status", {})
            if status and status["indexing"]["phase"] == "ready":
                return
            time.sleep(0.05)
        raise RuntimeError(f"omnysys not ready after {timeout} s")

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve_pass(omnysys: str, project: Path, oracle: dict, log, cold: bool) -> tuple[list[dict], float]:
    """One `omnysys serve` (from nothing when `cold`, else from the snapshot), every sampled
    symbol asked once; returns the answers and the time from the spawn to the first answer."""
    if cold:
        shutil.rmtree(project / ".omnysys", ignore_errors=True)
    t_spawn = time.perf_counter()
    server = McpServer(omnysys, project, log)
    first_answer_ms = None
    try:
        server.initialize()
        server.wait_ready(300)
        results = []
        for sym in oracle["symbols"]:
            results.append(omnysys_references(server, sym))
            if first_answer_ms is None:
                first_answer_ms = (time.perf_counter() - t_spawn) * 1000
    finally:
        server.close()
    return results, first_answer_ms


def cold_index(omnysys: str, project: Path, runs: int) -> dict:
    """Wall clock of `omnysys index` from scratch (`.omnysys/` deleted), and its own figure."""
    walls, cpus, internal = [], [], []
    for _ in range(runs):
        shutil.rmtree(project / ".omnysys", ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run([omnysys, "index", "--project", str(project)], capture_output=True, text=True,
                             timeout=600, check=True).stdout
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        for line in out.splitlines():
            if line.startswith("indexed ") and line.endswith(" s"):
                internal.append(float(line.split(" in ")[-1][:-2]))
    return {"runs": runs, "wallS": statistics.median(walls), "cpuS": statistics.median(cpus),
            "internalS": statistics.median(internal) if internal else None, "loadAverage": os.getloadavg()[0]}


def omnysys_references(server: McpServer, symbol: dict) -> dict:
    """Every page of find_references for one sampled symbol, with the time of each call."""
    args = {"filePath": symbol["file"], "symbolName": symbol["symbolName"], "limit": 200}
    refs, times, error = [], [], None
    while True:
        t0 = time.perf_counter()
        page, is_error = server.call_tool("find_references", args)
        times.append((time.perf_counter() - t0) * 1000)
        if is_error or page is None:
            error = page.get("error") if isinstance(page, dict) else "tool error"
            break
        refs.extend(page["references"])
        if not page.get("nextCursor"):
            break
        args = dict(args, cursor=page["nextCursor"])
    return {"references": refs, "callMs": times, "error": error}


# ---- matching ---------------------------------------------------------------------------------


BINDING_KINDS = {"import": "import-binding", "type_import": "import-binding", "require": "require-binding",
                 "dynamic_import": "require-binding", "re_export": "export", "export": "export",
                 "value": "value"}


def form_kind(ref: dict, symbol: dict, python: bool) -> str:
    """The oracle kind an omnysys reference has by its form: its kind for bindings, the callee as
    written for calls (`f`, `this.m`, `self._x.m`, `NS.f`, `C.m`, `module.exports.f`). Used only
    to attribute omnysys's false positives to a kind (a two-part callee with a capitalised
    receiver counts as a class, with a lower-case one as a module: omnysys resolves no other)."""
    if ref["kind"] != "call":
        return BINDING_KINDS.get(ref["kind"], "other")
    text = ref["text"]
    parts = text.split(".")
    same = ref["file"] == symbol["file"]
    if len(parts) == 1:
        return "direct-call-local" if same else "direct-call-imported"
    head = parts[0]
    if head in ("this", "self", "cls"):
        if len(parts) > 2:
            return "field-call"
        own = ("self-call" if python else "this-call")
        return own if same else own.replace("-call", "-call-subclass")
    if text.startswith("module.exports.") or head == "exports":
        return "exports-call"
    if len(parts) > 2:
        return "field-call"
    if head[:1].isupper():
        return "static-call"
    return "module-call" if python else "namespace-call"


def compare_symbol(symbol: dict, found: dict, python: bool) -> dict:
    """Line-level matching of one symbol's oracle references with omnysys's."""
    oracle_lines = {(r["file"], r["line"]) for r in symbol["references"]}
    oracle_calls = {(r["file"], r["line"]) for r in symbol["references"] if r["isCall"]}
    omny_lines = {(r["file"], r["line"]) for r in found["references"]}
    omny_calls = {(r["file"], r["line"]) for r in found["references"] if r["kind"] == "call"}
    by_kind = defaultdict(set)  # oracle kind -> its lines
    for r in symbol["references"]:
        by_kind[r["kind"]].add((r["file"], r["line"], r["isCall"]))
    kinds = {}
    for kind, lines in by_kind.items():
        refs_found = sum((f, ln) in omny_lines for f, ln, _ in lines)
        calls = [(f, ln) for f, ln, c in lines if c]
        kinds[kind] = {"lines": len(lines), "found": refs_found, "calls": len(calls),
                       "callsFound": sum(x in omny_calls for x in calls)}
    fp_lines = defaultdict(set)  # attributed kind -> omnysys lines without an oracle reference
    fp_call_lines = defaultdict(set)  # attributed kind -> omnysys call lines without an oracle call
    for r in found["references"]:
        at = (r["file"], r["line"])
        if at not in oracle_lines:
            fp_lines[form_kind(r, symbol, python)].add(at)
        if r["kind"] == "call" and at not in oracle_calls:
            fp_call_lines[form_kind(r, symbol, python)].add(at)
    for kind in set(fp_lines) | set(fp_call_lines):
        kinds.setdefault(kind, {"lines": 0, "found": 0, "calls": 0, "callsFound": 0})
    for kind, v in kinds.items():
        v["falsePositives"] = len(fp_lines.get(kind, ()))
        v["callFalsePositives"] = len(fp_call_lines.get(kind, ()))
    omny_kind_lines = defaultdict(set)
    for r in found["references"]:
        omny_kind_lines[r["kind"]].add((r["file"], r["line"]))
    return {
        "kinds": kinds,
        "refs": {"oracle": len(oracle_lines), "omnysys": len(omny_lines), "both": len(oracle_lines & omny_lines)},
        "calls": {"oracle": len(oracle_calls), "omnysys": len(omny_calls), "both": len(oracle_calls & omny_calls)},
        "omnysysKinds": {k: {"lines": len(v), "onOracle": len(v & oracle_lines)} for k, v in omny_kind_lines.items()},
        "missed": sorted((r["file"], r["line"], r["kind"], r["text"]) for r in symbol["references"]
                         if (r["file"], r["line"]) not in omny_lines),
        "falsePositives": sorted((r["file"], r["line"], r["kind"], r["text"]) for r in found["references"]
                                 if (r["file"], r["line"]) not in oracle_lines),
    }


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "—"


def add(total: dict, part: dict) -> None:
    for k, v in part.items():
        total[k] = total.get(k, 0) + v


def summarize(oracle: dict, results: list[dict]) -> dict:
    kinds: dict[str, dict] = defaultdict(dict)
    omny_kinds: dict[str, dict] = defaultdict(dict)
    refs, calls = {}, {}
    by_symbol_kind: dict[str, dict] = defaultdict(dict)
    for sym, res in zip(oracle["symbols"], results):
        for k, v in res["cmp"]["kinds"].items():
            add(kinds[k], v)
        for k, v in res["cmp"]["omnysysKinds"].items():
            add(omny_kinds[k], v)
        add(refs, res["cmp"]["refs"])
        add(calls, res["cmp"]["calls"])
        add(by_symbol_kind[sym["kind"]], {"calls": res["cmp"]["calls"]["oracle"], "callsFound": res["cmp"]["calls"]["both"],
                                          "refs": res["cmp"]["refs"]["oracle"], "refsFound": res["cmp"]["refs"]["both"]})
    return {"kinds": kinds, "omnysysKinds": omny_kinds, "refs": refs, "calls": calls, "bySymbolKind": by_symbol_kind}


def markdown(label: str, oracle: dict, summary: dict, results: list[dict], timing: dict) -> str:
    out = []
    tool = oracle["tool"] + " " + (oracle.get("typescript") or oracle.get("pyright") or "")
    unknown = [s["id"] for s, r in zip(oracle["symbols"], results) if r["error"]]
    out.append(f"#### {label}: omnysys `find_references` against {tool}")
    out.append("")
    out.append(f"{len(oracle['symbols'])} symbols ({Counter(s['kind'] for s in oracle['symbols'])['function']} functions, "
               f"{Counter(s['kind'] for s in oracle['symbols'])['method']} methods; seed `{oracle['seed']}`, "
               f"{oracle['sample']['candidates']} candidates), {oracle['files']} files; compared by line. "
               f"Symbols omnysys does not know: {len(unknown)}{' (' + ', '.join(unknown) + ')' if unknown else ''}.")
    via = Counter(r.get("via", "findReferences") for s in oracle["symbols"] for r in s["references"])
    if len(via) > 1:
        out.append("")
        out.append("Oracle references by how they were found: " + ", ".join(f"{k} {v}" for k, v in sorted(via.items())) + ".")
    out.append("")
    out.append("| kind of reference (oracle) | reference lines | found | recall | false pos. | precision "
               "| call sites | found | recall | false pos. | precision |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    order = {k: i for i, k in enumerate(oracle.get("kinds", []))}
    for kind in sorted(summary["kinds"], key=lambda k: order.get(k, 99)):
        v = summary["kinds"][kind]
        fp, cfp = v.get("falsePositives", 0), v.get("callFalsePositives", 0)
        refs = f"{v['lines']} | {v['found']} | {ratio(v['found'], v['lines'])} | {fp} | {ratio(v['found'], v['found'] + fp)}"
        calls = (f"{v['calls']} | {v['callsFound']} | {ratio(v['callsFound'], v['calls'])} | {cfp} | "
                 f"{ratio(v['callsFound'], v['callsFound'] + cfp)}" if v["calls"] or cfp else "— | — | — | — | —")
        out.append(f"| {kind} | {refs} | {calls} |")
    r, c = summary["refs"], summary["calls"]
    out.append(f"| **all (distinct lines)** | {r['oracle']} | {r['both']} | **{ratio(r['both'], r['oracle'])}** | "
               f"{r['omnysys'] - r['both']} | **{ratio(r['both'], r['omnysys'])}** | "
               f"{c['oracle']} | {c['both']} | **{ratio(c['both'], c['oracle'])}** | "
               f"{c['omnysys'] - c['both']} | **{ratio(c['both'], c['omnysys'])}** |")
    out.append("")
    out.append(f"Precision: references **{ratio(r['both'], r['omnysys'])}** ({r['both']}/{r['omnysys']} omnysys lines "
               f"on an oracle reference), call sites **{ratio(c['both'], c['omnysys'])}** ({c['both']}/{c['omnysys']}). "
               "By symbol kind: " + "; ".join(
                   f"{k}s: references {v['refsFound']}/{v['refs']}, call sites {v['callsFound']}/{v['calls']}"
                   for k, v in sorted(summary["bySymbolKind"].items())) + ".")
    out.append("")
    out.append("| omnysys kind | lines | on an oracle reference | precision |")
    out.append("|---|---|---|---|")
    for kind, v in sorted(summary["omnysysKinds"].items()):
        out.append(f"| {kind} | {v['lines']} | {v['onOracle']} | {ratio(v['onOracle'], v['lines'])} |")
    out.append("")
    out.append("| timing | omnysys | oracle |")
    out.append("|---|---|---|")
    out.append(f"| cold index / start-up | {timing['cold']['wallS']:.2f} s wall, {timing['cold']['cpuS']:.2f} s CPU "
               f"(`omnysys index`, median of {timing['cold']['runs']}; load average {timing['cold']['loadAverage']:.1f}) | {oracle['setupMs'] / 1000:.1f} s "
               f"({'program built' if 'typescript' in oracle else 'server up, first file analysed'}; "
               f"load average {oracle.get('loadAverage', float('nan')):.1f}) |")
    out.append(f"| first answer after start | {timing['firstAnswerMs']:.0f} ms (`serve` from nothing to the first "
               f"`find_references`) | {(oracle['setupMs'] + oracle['symbols'][0]['queryMs']) / 1000:.1f} s "
               f"(start-up + the first query, {oracle['symbols'][0]['queryMs']:.0f} ms) |")
    out.append(f"| per-symbol query, median (p90), all pages | {timing['omnyQueryP50']:.2f} ms "
               f"({timing['omnyQueryP90']:.2f} ms) after that cold start; {timing['omnyWarmQueryP50']:.2f} ms "
               f"({timing['omnyWarmQueryP90']:.2f} ms) after a warm start (snapshot) | "
               f"{timing['oracleQueryP50']:.1f} ms ({timing['oracleQueryP90']:.1f} ms) |")
    out.append(f"| whole run | {timing['omnyTotalS']:.1f} s (index ×3, serve ×2, queries) | {oracle['totalMs'] / 1000:.1f} s |")
    out.append("")
    return "\n".join(out)


def details(results: list[dict], oracle: dict, per_kind: int) -> str:
    """Examples of what omnysys misses (per oracle kind) and of its false positives."""
    missed = defaultdict(list)
    fps = []
    for sym, res in zip(oracle["symbols"], results):
        for f, ln, kind, text in res["cmp"]["missed"]:
            missed[kind].append(f"`{f}:{ln}` {sym['symbolName']}: `{text[:100]}`")
        for f, ln, kind, text in res["cmp"]["falsePositives"]:
            fps.append(f"`{f}:{ln}` ({kind}) {sym['symbolName']}: `{text[:100]}`")
    out = ["<details><summary>Missed references by kind (first "
           f"{per_kind} each) and omnysys's false positives</summary>", ""]
    for kind, items in sorted(missed.items(), key=lambda kv: -len(kv[1])):
        out.append(f"**{kind}** ({len(items)} missed references)")
        out.append("")
        out.extend(f"- {x}" for x in sorted(set(items))[:per_kind])
        out.append("")
    out.append(f"**false positives** ({len(fps)})")
    out.append("")
    out.extend(f"- {x}" for x in fps[: per_kind * 4])
    out.append("")
    out.append("</details>")
    out.append("")
    return "\n".join(out)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] if ordered else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--oracle", required=True, type=Path)
    ap.add_argument("--project", required=True, type=Path)
    ap.add_argument("--omnysys", default="target/release/omnysys")
    ap.add_argument("--label", default=None)
    ap.add_argument("--runs", type=int, default=3, help="cold index runs (median)")
    ap.add_argument("--md", type=Path, help="write the Markdown report here (also printed)")
    ap.add_argument("--json", type=Path, help="write every comparison here")
    ap.add_argument("--examples", type=int, default=8, help="missed examples per kind in the details")
    args = ap.parse_args()
    oracle = json.loads(args.oracle.read_text())
    project = args.project.resolve()
    omnysys = str(Path(args.omnysys).resolve())
    t0 = time.perf_counter()
    cold = cold_index(omnysys, project, args.runs)
    log = open(args.md.with_suffix(".serve.log") if args.md else "/dev/null", "wb")  # noqa: SIM115
    # Pass 1 from nothing (like the oracle's start), pass 2 warm from the snapshot pass 1 wrote:
    # the answers must be the same; both passes' query times are reported.
    results, first_answer_ms = serve_pass(omnysys, project, oracle, log, cold=True)
    warm, _ = serve_pass(omnysys, project, oracle, log, cold=False)
    differing = [s["id"] for s, a, b in zip(oracle["symbols"], results, warm)
                 if sorted(map(json.dumps, a["references"])) != sorted(map(json.dumps, b["references"]))]
    if differing:
        print(f"compare-references: WARNING: cold and warm answers differ for {differing}", file=sys.stderr)
    for sym, found in zip(oracle["symbols"], results):
        found["cmp"] = compare_symbol(sym, found, oracle["tool"].startswith("pyright"))
    per_query = [sum(r["callMs"]) for r in results]
    per_query_warm = [sum(r["callMs"]) for r in warm]
    timing = {
        "cold": cold,
        "firstAnswerMs": first_answer_ms,
        "omnyQueryP50": statistics.median(per_query), "omnyQueryP90": percentile(per_query, 90),
        "omnyWarmQueryP50": statistics.median(per_query_warm), "omnyWarmQueryP90": percentile(per_query_warm, 90),
        "coldWarmDiffer": differing,
        "oracleQueryP50": statistics.median(s["queryMs"] for s in oracle["symbols"]),
        "oracleQueryP90": percentile([s["queryMs"] for s in oracle["symbols"]], 90),
        "omnyTotalS": time.perf_counter() - t0,
    }
    summary = summarize(oracle, results)
    label = args.label or oracle["package"]
    md = markdown(label, oracle, summary, results, timing) + "\n" + details(results, oracle, args.examples)
    print(md)
    if args.md:
        args.md.write_text(md)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "timing": timing, "symbols": [
            {"id": s["id"], "error": r["error"], "callMs": r["callMs"], **r["cmp"]}
            for s, r in zip(oracle["symbols"], results)]}, indent=1) + "\n")


if __name__ == "__main__":
    main()
