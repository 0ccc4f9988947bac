#!/usr/bin/env python3
"""Compare two file -> file import graphs: madge's (the reference) and omnysys's.

Both inputs are JSON objects `{file: [imported files]}` whose paths are relative to the indexed
directory (madge: its base dir; omnysys: the project root). Paths are normalised to one form
(POSIX, no leading `./`, `..` kept for files outside the directory), then the edge sets are
compared: recall and precision of omnysys with madge as the reference, and every edge found by one
tool and not the other, grouped by its likely cause. The cause is worked out by reading the
importing file and finding the specifier that names the target.

Standard library only. Used by scripts/bench-webpack.sh; run on demand, not part of the tests.

    compare-graphs.py package --name NAME --root DIR --madge M.json --omnysys O.json \
        [--timing KEY=VALUE ...] [--summary-out FILE.jsonl]
    compare-graphs.py summary FILE.jsonl
"""

import argparse
import json
import posixpath
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

JS_EXTS = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".d.ts", ".json"]
# TypeScript's rule: a `.js` specifier may name the `.ts` source it is compiled from.
JS_TO_TS = {".js": [".ts", ".tsx", ".d.ts"], ".mjs": [".mts", ".d.mts"], ".cjs": [".cts", ".d.cts"], ".jsx": [".tsx"]}

# A module specifier as written: require("x"), import("x"), import ... from "x", export ... from "x",
# import "x". JSDoc `import("x")` types are found too (and recognised as comments below).
SPEC_RE = re.compile(
    r"""(?P<kw>require\s*\(\s*|import\s*\(\s*|\bfrom\s+|\bimport\s+)(?P<q>['"])(?P<spec>[^'"\n]+)(?P=q)"""
)


def norm(path):
    path = path.replace("\\", "/")
    path = posixpath.normpath(path)
    return "" if path == "." else path


def load_graph(path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    if not isinstance(raw, dict):
        sys.exit(f"compare-graphs: {path} is not a JSON object")
    graph = {}
    for src, targets in raw.items():
        graph.setdefault(norm(src), set()).update(norm(t) for t in targets)
    return graph


def edges_of(graph):
    return {(src, dst) for src, targets in graph.items() for dst in targets}


def nodes_of(graph):
    nodes = set(graph)
    for targets in graph.values():
        nodes.update(targets)
    return nodes


def outside(path):
    return path == ".." or path.startswith("../")


def in_comment(text, pos):
    """True when `pos` is inside a // line comment or a /* */ block comment (approximate)."""
    line_start = text.rfind("\n", 0, pos) + 1
    if "//" in text[line_start:pos]:
        return True
    opened = text.rfind("/*", 0, pos)
    return opened != -1 and text.rfind("*/", opened, pos) == -1


def statement_prefix(text, pos):
    """The text of the statement up to `pos` (from the previous `;`, `}` at line start, or blank line)."""
    cut = max(text.rfind(";", 0, pos), text.rfind("\n\n", 0, pos), text.rfind("\n}", 0, pos))
    return text[cut + 1 : pos]


def candidates(src, spec):
    """Project-relative paths that the relative specifier `spec` in file `src` may resolve to."""
    base = norm(posixpath.join(posixpath.dirname(src), spec))
    out = [base]
    stem, ext = posixpath.splitext(base)
    for ts_ext in JS_TO_TS.get(ext, []):
        out.append(stem + ts_ext)
    out += [base + e for e in JS_EXTS]
    out += [norm(posixpath.join(base, "index" + e)) for e in JS_EXTS]
    return out


def find_specifiers(root, src, dst):
    """The occurrences in `src` of a specifier that names `dst`, each as (spec, line, context)."""
    try:
        text = (Path(root) / src).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = []
    dst_stem = re.sub(r"(\.d)?\.[cm]?[jt]sx?$|\.json$", "", dst)
    for m in SPEC_RE.finditer(text):
        spec, pos = m.group("spec"), m.start()
        if spec.startswith("."):
            hit = dst in candidates(src, spec)
        else:  # bare specifier: tsconfig paths, a package self-reference, a workspace package
            tail = spec.split("/", 2 if spec.startswith("@") else 1)[-1] if "/" in spec else ""
            hit = bool(tail) and (dst_stem.endswith("/" + tail) or dst_stem == tail or dst_stem.endswith(tail + "/index"))
        if not hit:
            continue
        kw = m.group("kw")
        context = []
        if in_comment(text, pos):
            context.append("comment")
        if kw.startswith("require"):
            context.append("require")
        elif kw.startswith("import") and "(" in kw:
            context.append("dynamic-import")
        elif re.search(r"\b(import|export)\s+type\b", statement_prefix(text, pos)):
            context.append("type-only")
        else:
            context.append("static")
        found.append((spec, text.count("\n", 0, pos) + 1, context))
    return found


def classify(root, src, dst, has, other_nodes, other_name):
    """A (cause, detail) pair for an edge that one tool has and `other_name` has not."""
    if outside(dst):
        kind = "JSON file" if dst.endswith(".json") else "file"
        return (f"target is outside the indexed directory ({kind}; madge follows `../`, the project root bounds omnysys)", "")
    if src not in other_nodes:
        return (f"source file not in {other_name}'s graph at all", "")
    if dst not in other_nodes:
        return (f"target file not in {other_name}'s graph at all", "")
    occ = find_specifiers(root, src, dst)
    if occ is None:
        return ("source file unreadable", "")
    if not occ:
        return ("no literal specifier naming the target (computed/dynamic require, or a resolution rule the comparison does not model)", "")
    live = [o for o in occ if "comment" not in o[2]]
    spec, line, context = (live or occ)[0]
    detail = f"`{spec}` at line {line}"
    if not live:
        return ("specifier only in a comment / JSDoc type (`import(\"...\")` in a doc comment)", detail)
    if spec.endswith(".json"):
        return ("JSON import", detail)
    if spec in (".", "..") or spec.endswith("/"):
        return ("bare `.` / `..` (or trailing `/`) directory specifier → index file", detail)
    if not spec.startswith("."):
        return ("bare specifier (tsconfig `paths`/`baseUrl`, package self-reference or `package.json` exports)", detail)
    base = norm(posixpath.join(posixpath.dirname(src), spec))
    if posixpath.basename(dst).startswith("index.") and dst != base and not base.endswith("/index"):
        if dst.startswith(base + "/"):
            return ("directory specifier → index file", detail)
    if posixpath.splitext(spec)[1] in JS_TO_TS and posixpath.splitext(dst)[1] in (".ts", ".tsx", ".mts", ".cts"):
        return ("`.js` specifier naming a `.ts` source", detail)
    if "type-only" in context:
        return ("type-only import/export (`import type` / `export type`)", detail)
    if "dynamic-import" in context:
        return ("dynamic `import()` with a literal", detail)
    if "require" in context:
        return ("`require` of a relative file (resolution differs)", detail)
    return ("static relative import (resolution differs)", detail)


def pct(num, den):
    return "n/a" if den == 0 else f"{100.0 * num / den:.2f} %"


def cmd_package(args):
    madge, omny = load_graph(args.madge), load_graph(args.omnysys)
    m_edges, o_edges = edges_of(madge), edges_of(omny)
    m_nodes, o_nodes = nodes_of(madge), nodes_of(omny)
    m_in_edges = {e for e in m_edges if not outside(e[0]) and not outside(e[1])}
    m_in_nodes = {n for n in m_nodes if not outside(n)}
    common = m_edges & o_edges
    timing = dict(kv.split("=", 1) for kv in args.timing)

    recall_in = len(common & m_in_edges) / len(m_in_edges) if m_in_edges else 1.0
    precision = len(common) / len(o_edges) if o_edges else 1.0
    summary = {
        "name": args.name,
        "madge_files": len(m_nodes),
        "madge_files_in": len(m_in_nodes),
        "madge_edges": len(m_edges),
        "madge_edges_in": len(m_in_edges),
        "omnysys_files": len(o_nodes),
        "omnysys_edges": len(o_edges),
        "common": len(common),
        "recall_in": recall_in,
        "recall_all": len(common) / len(m_edges) if m_edges else 1.0,
        "precision": precision,
        "madge_only": len(m_edges - o_edges),
        "omnysys_only": len(o_edges - m_edges),
        **timing,
    }
    if args.summary_out:
        with open(args.summary_out, "a", encoding="utf-8") as f:
            f.write(json.dumps(summary) + "\n")

    out = []
    w = out.append
    w(f"## {args.name}\n")
    if "spec" in timing:
        w(f"Package `{timing['spec']}`, indexed directory `{timing.get('dir', '?')}`.\n")
    w("### Graphs\n")
    w("| | madge (reference) | omnysys |")
    w("|---|---|---|")
    w(f"| files (nodes) | {len(m_nodes)} ({len(m_in_nodes)} inside the directory) | {len(o_nodes)} |")
    w(f"| file → file edges | {len(m_edges)} ({len(m_in_edges)} inside the directory) | {len(o_edges)} |")
    w(f"| edges in both | {len(common)} | {len(common)} |")
    w(f"| edges only in this tool | {len(m_edges - o_edges)} | {len(o_edges - m_edges)} |")
    w("")
    w(f"- **Recall** of omnysys against madge, edges inside the indexed directory: "
      f"**{pct(len(common & m_in_edges), len(m_in_edges))}** ({len(common & m_in_edges)}/{len(m_in_edges)}); "
      f"against all madge edges, including targets outside it: {pct(len(common), len(m_edges))} ({len(common)}/{len(m_edges)}).")
    w(f"- **Precision** of omnysys (its edges that madge also has): **{pct(len(common), len(o_edges))}** "
      f"({len(common)}/{len(o_edges)}).\n")

    if "madge_wall" in timing:
        w("### Time and memory (GNU time; wall clock incl. process start; median of "
          f"{timing.get('runs', '1')} run(s), range in brackets)\n")
        w("| | omnysys | madge | madge / omnysys |")
        w("|---|---|---|---|")
        mw, ow = float(timing["madge_wall"]), float(timing["omny_wall"])
        mr, orss = float(timing["madge_rss"]), float(timing["omny_rss"])
        w(f"| cold, wall | {ow:.3f} s [{timing.get('omny_wall_range', '')} s] | {mw:.3f} s "
          f"[{timing.get('madge_wall_range', '')} s] | {mw / ow if ow else float('inf'):.1f}× |")
        w(f"| cold, peak RSS | {orss:.1f} MB [{timing.get('omny_rss_range', '')} MB] | {mr:.1f} MB "
          f"[{timing.get('madge_rss_range', '')} MB] | {mr / orss if orss else float('inf'):.1f}× |")
        w("")
        w(f"- omnysys `index` run 1 (cold, writes the snapshot): {timing.get('index1_wall', '?')} s wall, "
          f"{timing.get('index1_rss', '?')} MB; its own \"indexed in\": {timing.get('index1_internal', '?')} s.")
        w(f"- omnysys `index` run 2 (**warm start from the snapshot**): **{timing.get('warm_internal', '?')} s** "
          f"start to ready (its own \"indexed in\"), {timing.get('warm_wall', '?')} s wall for the whole process, "
          f"{timing.get('warm_rss', '?')} MB peak RSS; it reported: `{timing.get('warm_line', '')}`.\n")
        w("Commands (run in the package directory):\n")
        w("```")
        for key in ("madge_cmd", "omny_cmd", "index_cmd"):
            if key in timing:
                w(timing[key])
        w("```\n")

    w("### Differences\n")
    if m_edges == o_edges:
        w("None: both tools report exactly the same edges.\n")
    groups = defaultdict(list)
    for src, dst in sorted(m_edges - o_edges):
        cause, detail = classify(args.root, src, dst, "madge", o_nodes, "omnysys")
        groups[("madge only", cause)].append((src, dst, detail))
    for src, dst in sorted(o_edges - m_edges):
        cause, detail = classify(args.root, src, dst, "omnysys", m_nodes, "madge")
        groups[("omnysys only", cause)].append((src, dst, detail))
    for (side, cause), items in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        w(f"**{side}: {cause}** ({len(items)})\n")
        for src, dst, detail in items:
            w(f"- `{src}` → `{dst}`" + (f" ({detail})" if detail else ""))
        w("")
    only_m_files = sorted(m_in_nodes - o_nodes)
    only_o_files = sorted(o_nodes - m_nodes)
    if only_m_files or only_o_files:
        w("Files inside the directory in one graph only:")
        for f in only_m_files:
            w(f"- madge only: `{f}`")
        for f in only_o_files:
            w(f"- omnysys only: `{f}`")
        w("")
    print("\n".join(out))


def cmd_summary(args):
    rows = [json.loads(line) for line in Path(args.jsonl).read_text(encoding="utf-8").splitlines() if line.strip()]
    print("| package | files madge / omnysys | edges madge (inside) / omnysys | recall (inside) | recall (all) | precision "
          "| cold omnysys | cold madge | speed-up | RSS omnysys | RSS madge | warm start |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mw, ow = float(r.get("madge_wall", "nan")), float(r.get("omny_wall", "nan"))
        print(f"| {r['name']} | {r['madge_files']} / {r['omnysys_files']} | {r['madge_edges']} ({r['madge_edges_in']}) / "
              f"{r['omnysys_edges']} | {100 * r['recall_in']:.2f} % | {100 * r['recall_all']:.2f} % | "
              f"{100 * r['precision']:.2f} % | {ow:.3f} s | {mw:.3f} s | {mw / ow:.1f}× | "
              f"{float(r.get('omny_rss', 'nan')):.1f} MB | {float(r.get('madge_rss', 'nan')):.1f} MB | "
              f"{r.get('warm_internal', '?')} s ({r.get('warm_wall', '?')} s wall) |")


def cmd_time(args):
    """Median and range of the GNU `time -v` files given: wall seconds and peak RSS in MB."""
    walls, rss = [], []
    for path in args.files:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
        k = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if not m or not k:
            sys.exit(f"compare-graphs: no GNU time -v output in {path}")
        walls.append(int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3)))
        rss.append(int(k.group(1)) / 1024.0)
    print(f"{statistics.median(walls):.3f} {min(walls):.3f}–{max(walls):.3f} "
          f"{statistics.median(rss):.1f} {min(rss):.0f}–{max(rss):.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("package", help="compare one package's graphs; print a Markdown section")
    p.add_argument("--name", required=True)
    p.add_argument("--root", required=True, help="the indexed directory (to read importing files)")
    p.add_argument("--madge", required=True)
    p.add_argument("--omnysys", required=True)
    p.add_argument("--timing", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--summary-out")
    s = sub.add_parser("summary", help="print the summary table of the packages compared")
    s.add_argument("jsonl")
    t = sub.add_parser("time", help="median/range of GNU time -v outputs: 'wall range rss range'")
    t.add_argument("files", nargs="+")
    args = parser.parse_args()
    {"package": cmd_package, "summary": cmd_summary, "time": cmd_time}[args.cmd](args)


if __name__ == "__main__":
    main()
