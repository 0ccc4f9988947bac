#!/usr/bin/env python3
"""The Rust sample of issue 13 (scripts/oracle/rust-sample.md): omnysys's `find_references` and
`get_function_details` callers against rust-analyzer's references, per kind, on globset 0.4.22.

    nice -n 19 cargo build --release --workspace
    python3 scripts/oracle/rust-sample.py [--crate DIR] [--omnysys target/release/omnysys]
        [--sample 60] [--md target/oracle/rust-sample.md] [--json target/oracle/rust-sample.json]

The project (target/oracle/cache/rust-sample/globset-0.4.22): the crate's `src/` (from
~/.cargo/registry, else downloaded from crates.io) with a Cargo.toml that keeps its
dependencies (resolved offline from ~/.cargo/registry) and turns `serde1` on, without the
`arbitrary` and `glob` dependencies (not in the registry; only a cfg-gated derive and a bench use them).

Sample: every function and method `get_atomic_functions` lists in `src/**/*.rs` outside the
files' `mod tests` blocks, keyed `file#Name` (`src/glob.rs#GlobBuilder.new`); a key that names
two definitions (two `impl`s of one trait method for one type in one file) is left out, since
neither tool's question can tell them apart. Ordered by SHA-256 of `omnysys-oracle-1:key`, the
first --sample.

Truth: rust-analyzer (rustup component, with rust-src) `textDocument/references` at the name in
`fn name`, declaration excluded, plus the call sites written inside `macro_rules!` bodies, which
rust-analyzer does not resolve (a definition's tokens belong to no expansion): these were read by
hand and are listed in MACRO_BODY_CALLS. Each reference gets a kind from its text (`kind_of`).

Matching is by line, as in compare-references.py: a truth line is found by find_references when
it lists a reference of the symbol on that file and line, and as a call site when
get_function_details lists a caller there. omnysys lines without a truth reference are false
positives. Deterministic: the same crate, rust-analyzer and omnysys give the same report.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CRATE, VERSION = "globset", "0.4.22"
SEED = "omnysys-oracle-1"

CARGO_TOML = """[package]
name = "globset"
version = "0.4.22"
edition = "2021"

[lib]
path = "src/lib.rs"

[features]
default = ["log", "serde1"]
serde1 = ["serde"]
simd-accel = []
arbitrary = []

[dependencies]
aho-corasick = "1.1.1"
bstr = { version = "1.6.2", default-features = false, features = ["std"] }
log = { version = "0.4.20", optional = true }
regex-automata = { version = "0.4.18", default-features = false, features = ["std", "perf", "syntax", "meta", "nfa", "hybrid"] }
regex-syntax = { version = "0.8.0", default-features = false, features = ["std"] }
serde = { version = "1.0.188", optional = true }

[dev-dependencies]
serde_json = "1.0.107"

[workspace]
"""

# Call sites written inside `macro_rules!` bodies, read by hand (rust-analyzer does not resolve a
# macro definition's tokens): key -> [(file, line)]. Every `macro_rules!` of the crate is in a
# test module (glob.rs 1224-1340 and 1786-1840, pathutil.rs 87-128) or is `debug!` (lib.rs 151-158,
# no call); each token in them naming a sampled function was read, see rust-sample.md.
MACRO_BODY_CALLS: dict[str, list[tuple[str, int]]] = {
    "src/lib.rs#Error.kind": [("src/glob.rs", 1239)],  # `Glob::new($pat).unwrap_err()` then `err.kind()`
    "src/glob.rs#Glob.new": [("src/glob.rs", 1228), ("src/glob.rs", 1238)],
    "src/glob.rs#GlobBuilder.allow_unclosed_class": [("src/glob.rs", 1265)],
    "src/glob.rs#GlobBuilder.build": [("src/glob.rs", 1268), ("src/glob.rs", 1294),
                                      ("src/glob.rs", 1325), ("src/glob.rs", 1806)],
    "src/glob.rs#Glob.regex": [("src/glob.rs", 1269)],
    "src/glob.rs#Glob.compile_matcher": [("src/glob.rs", 1295), ("src/glob.rs", 1326)],
    "src/lib.rs#GlobSetBuilder.add": [("src/glob.rs", 1297), ("src/glob.rs", 1328)],
    "src/lib.rs#GlobSetBuilder.build": [("src/glob.rs", 1297), ("src/glob.rs", 1328)],
    # the method's name passed to `extract!`, whose body calls `pat.$which()`
    "src/glob.rs#Glob.literal": [("src/glob.rs", 1813)],
    "src/glob.rs#Glob.basename_tokens": [("src/glob.rs", 1817)],
    "src/glob.rs#Glob.prefix": [("src/glob.rs", 1829)],
    "src/glob.rs#Glob.basename_literal": [("src/glob.rs", 1837)],
}

KINDS = [
    "direct call f()",
    "path call T::f() / m::f()",
    "path call Trait::f() (type from context)",
    "method: self.m()",
    "method: self.field.m()",
    "method: parameter",
    "method: let binding",
    "method: for / match / closure binding",
    "method: on a call result (chain)",
    "call inside macro_rules! body",
    "function as value",
    "use import",
    "other",
]
CALL_KINDS = {k for k in KINDS if k not in ("function as value", "use import", "other")}


# ---- rust-analyzer ------------------------------------------------------------------------------


def _language_server_class():
    """py-references.py's LSP client (Content-Length framing, `workspace/configuration`)."""
    spec = importlib.util.spec_from_file_location("py_references", HERE / "py-references.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LanguageServer


class RustAnalyzer(_language_server_class()):
    """rust-analyzer over stdio, answering every configuration section with RA_SETTINGS and
    noting `experimental/serverStatus` quiescence (`self.quiet`)."""

    child = "rust-analyzer"

    def __init__(self, cmd: list[str], log):
        self.quiet = threading.Event()
        super().__init__(cmd, {}, log)

    def _section(self, name):
        return RA_SETTINGS

    def _read_message(self):
        msg = super()._read_message()
        if msg and msg.get("method") == "experimental/serverStatus" and msg["params"].get("quiescent"):
            self.quiet.set()
        return msg


RA_SETTINGS = {
    "cargo": {"buildScripts": {"enable": False}, "features": ["serde1"]},
    "procMacro": {"enable": False},
    "checkOnSave": False,
    "cachePriming": {"enable": False},
}


# ---- the project --------------------------------------------------------------------------------


def crate_source(given: str | None, cache: Path) -> Path:
    if given:
        return Path(given)
    found = sorted(glob.glob(os.path.expanduser(f"~/.cargo/registry/src/*/{CRATE}-{VERSION}")))
    if found:
        return Path(found[-1])
    dest = cache / "download"
    if not (dest / f"{CRATE}-{VERSION}").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        url = f"https://crates.io/api/v1/crates/{CRATE}/{VERSION}/download"
        with urllib.request.urlopen(url) as r, tarfile.open(fileobj=r, mode="r|gz") as t:
            t.extractall(dest)
    return dest / f"{CRATE}-{VERSION}"


def prepare(src: Path, project: Path) -> None:
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copytree(src / "src", project / "src")
    (project / "Cargo.toml").write_text(CARGO_TOML)
    subprocess.run(["cargo", "generate-lockfile", "--offline"], cwd=project, check=True,
                   capture_output=True)


# ---- omnysys ------------------------------------------------------------------------------------


def call(omnysys: str, project: Path, tool: str, args: dict) -> dict:
    out = subprocess.run([omnysys, "call", "--project", str(project), tool, json.dumps(args)],
                         capture_output=True, text=True, env={**os.environ, "OMNYSYS_LOG": "warn"})
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-300:]}
    return json.loads(out.stdout)


def tests_line(path: Path) -> float:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.match(r"\s*mod tests\s*\{", line):
            return number
    return float("inf")


def candidates(omnysys: str, project: Path) -> list[dict]:
    found = []
    for path in sorted((project / "src").rglob("*.rs")):
        rel = path.relative_to(project).as_posix()
        limit = tests_line(path)
        args = {"filePath": rel, "limit": 200}
        while True:
            answer = call(omnysys, project, "get_atomic_functions", args)
            for f in answer["functions"]:
                if f["startLine"] < limit:
                    found.append({"file": rel, "name": f["name"], "line": f["startLine"],
                                  "key": f"{rel}#{f['name']}"})
            if not answer.get("nextCursor"):
                break
            args["cursor"] = answer["nextCursor"]
    count = defaultdict(int)
    for c in found:
        count[c["key"]] += 1
    return [c for c in found if count[c["key"]] == 1]


def sample(cands: list[dict], n: int) -> list[dict]:
    def digest(c):
        return hashlib.sha256(f"{SEED}:{c['key']}".encode()).hexdigest()
    return sorted(cands, key=digest)[:n]


# ---- kinds --------------------------------------------------------------------------------------


def enclosing_fn_start(lines: list[str], line: int) -> int:
    for i in range(line - 1, -1, -1):
        if re.match(r"\s*(pub(\([^)]*\))?\s+)?(const\s+)?(unsafe\s+)?fn\s", lines[i]):
            return i
    return 0


def binding_kind(lines: list[str], line: int, ident: str) -> str:
    """How `ident` (a method call's receiver) was bound, looking back to the enclosing `fn`."""
    start = enclosing_fn_start(lines, line)
    body = "\n".join(lines[start:line])
    sig_end = body.find("{")
    sig = body[:sig_end] if sig_end >= 0 else body
    i = r"\b" + re.escape(ident) + r"\b"
    if re.search(r"let\s+(mut\s+)?" + i, body[sig_end:] if sig_end >= 0 else ""):
        return "method: let binding"
    if re.search(i + r"\s*:", sig):
        return "method: parameter"
    return "method: for / match / closure binding"


def kind_of(lines: list[str], line: int, col: int, name: str, owner: str, in_macro: bool) -> str:
    """The kind of the reference to `name` (a method of `owner`, "" for a function) at 1-based
    `line`, 0-based `col`."""
    text = lines[line - 1]
    before, after = text[:col], text[col + len(name):]
    if in_macro:
        return "call inside macro_rules! body"
    # a `use` item, possibly spread over several lines (`use a::{\n b,\n c};`)
    for j in range(line - 1, max(-1, line - 8), -1):
        t = lines[j].strip()
        is_use = t.startswith(("use ", "pub use ", "pub(crate) use "))
        if j != line - 1 and (t.endswith((";", "}")) or (t.endswith("{") and not is_use)):
            break  # the end of an earlier statement, or a block that is not a `use`
        if is_use:
            return "use import"
    is_call = re.match(r"\s*(\(|::<)", after) is not None
    if not is_call:
        return "function as value"
    if before.endswith("."):
        recv = before[:-1].rstrip()
        if recv.endswith("self") and not re.search(r"\w$", recv[:-4]) and not recv[:-4].endswith("."):
            return "method: self.m()"
        if re.search(r"\bself\.\w+$", recv):
            return "method: self.field.m()"
        m = re.search(r"(?<![.\w])(\w+)$", recv)
        if m:
            return binding_kind(lines, line, m.group(1))
        if recv == "" and line > 1:  # a chain continued from the previous line
            return "method: on a call result (chain)"
        return "method: on a call result (chain)"
    if before.endswith("::"):
        qualifier = re.search(r"(\w+)::$", before).group(1)
        if owner and qualifier not in (owner, "Self"):
            return "path call Trait::f() (type from context)"
        return "path call T::f() / m::f()"
    return "direct call f()"


def macro_ranges(lines: list[str]) -> list[tuple[int, int]]:
    """1-based (first, last) lines of every `macro_rules!` definition."""
    out = []
    i = 0
    while i < len(lines):
        if re.match(r"\s*macro_rules!", lines[i]):
            depth, j, opened = 0, i, False
            while j < len(lines):
                for ch in lines[j]:
                    if ch in "{([":
                        depth += 1
                        opened = True
                    elif ch in "})]":
                        depth -= 1
                if opened and depth <= 0:
                    break
                j += 1
            out.append((i + 1, j + 1))
            i = j
        i += 1
    return out


# ---- main ---------------------------------------------------------------------------------------


def main() -> None:
    here = Path(__file__).resolve().parent
    repo = here.parent.parent
    p = argparse.ArgumentParser()
    p.add_argument("--crate")
    p.add_argument("--omnysys", default=str(repo / "target/release/omnysys"))
    p.add_argument("--rust-analyzer", default=shutil.which("rust-analyzer") or "rust-analyzer")
    p.add_argument("--sample", type=int, default=60)
    p.add_argument("--md", default=str(repo / "target/oracle/rust-sample.md"))
    p.add_argument("--json", default=str(repo / "target/oracle/rust-sample.json"))
    p.add_argument("--list-macro-tokens", action="store_true",
                   help="print the sampled names' tokens inside macro_rules! bodies (for MACRO_BODY_CALLS)")
    a = p.parse_args()

    cache = repo / "target/oracle/cache/rust-sample"
    project = cache / f"{CRATE}-{VERSION}"
    prepare(crate_source(a.crate, cache), project)
    files = {f.relative_to(project).as_posix(): f.read_text().splitlines()
             for f in sorted((project / "src").rglob("*.rs"))}
    macros = {rel: macro_ranges(lines) for rel, lines in files.items()}

    def in_macro(rel, line):
        return any(s <= line <= e for s, e in macros[rel])

    cands = candidates(a.omnysys, project)
    chosen = sample(cands, a.sample)
    print(f"rust-sample: {len(cands)} candidates, {len(chosen)} sampled", file=sys.stderr)

    if a.list_macro_tokens:
        for c in chosen:
            short = c["name"].split(".")[-1]
            for rel, lines in files.items():
                for s, e in macros[rel]:
                    for ln in range(s, e + 1):
                        if re.search(r"\b" + re.escape(short) + r"\b", lines[ln - 1]):
                            print(f"{c['key']}\t{rel}:{ln}\t{lines[ln - 1].strip()}")
        return

    # rust-analyzer
    log = open(cache / "rust-analyzer.log", "w")
    ra = RustAnalyzer([a.rust_analyzer], log)
    root = project.resolve().as_uri()
    ra.request("initialize", {
        "processId": os.getpid(), "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": CRATE}],
        "initializationOptions": RA_SETTINGS,
        "capabilities": {"experimental": {"serverStatusNotification": True},
                         "window": {"workDoneProgress": True},
                         "workspace": {"configuration": True}},
    }, timeout=120)
    ra.notify("initialized", {})
    t0 = time.monotonic()
    for rel, lines in files.items():
        ra.notify("textDocument/didOpen", {"textDocument": {
            "uri": (project / rel).resolve().as_uri(), "languageId": "rust", "version": 1,
            "text": "\n".join(lines) + "\n"}})
    if not ra.quiet.wait(timeout=600):
        sys.exit("rust-analyzer did not become quiescent in 600 s")
    print(f"rust-analyzer ready in {time.monotonic() - t0:.1f} s", file=sys.stderr)

    results = []
    for c in chosen:
        short = c["name"].split(".")[-1]
        lines = files[c["file"]]
        pos = None
        for ln in range(c["line"], min(len(lines), c["line"] + 12) + 1):
            m = re.search(r"\bfn\s+(" + re.escape(short) + r")\b", lines[ln - 1])
            if m:
                pos = (ln, m.start(1))
                break
        if pos is None:
            sys.exit(f"no `fn {short}` at {c['file']}:{c['line']}")
        uri = (project / c["file"]).resolve().as_uri()
        refs = None
        for _attempt in range(20):
            try:
                refs = ra.request("textDocument/references", {
                    "textDocument": {"uri": uri},
                    "position": {"line": pos[0] - 1, "character": pos[1]},
                    "context": {"includeDeclaration": False}}, timeout=120)
                break
            except RuntimeError as e:  # "content modified" while still loading
                if "ContentModified" not in str(e) and "-32801" not in str(e):
                    raise
                time.sleep(1)
        truth = {}
        for r in refs or []:
            rel = Path(r["uri"].removeprefix("file://")).resolve().relative_to(project.resolve()).as_posix()
            ln, col = r["range"]["start"]["line"] + 1, r["range"]["start"]["character"]
            if (rel, ln) == (c["file"], pos[0]):
                continue
            owner = c["name"].rsplit(".", 1)[0] if "." in c["name"] else ""
            kind = kind_of(files[rel], ln, col, short, owner, in_macro(rel, ln))
            truth.setdefault((rel, ln), kind)
        for rel, ln in MACRO_BODY_CALLS.get(c["key"], []):
            truth.setdefault((rel, ln), "call inside macro_rules! body")

        fr = call(a.omnysys, project, "find_references", {"filePath": c["file"], "symbolName": c["name"]})
        omny_refs = {}
        for r in fr.get("references", []):
            omny_refs.setdefault((r["file"], r["line"]), r)
        while fr.get("nextCursor"):
            fr = call(a.omnysys, project, "find_references", {"filePath": c["file"], "symbolName": c["name"],
                                                              "cursor": fr["nextCursor"]})
            for r in fr.get("references", []):
                omny_refs.setdefault((r["file"], r["line"]), r)
        fd = call(a.omnysys, project, "get_function_details", {"filePath": c["file"], "functionName": c["name"]})
        omny_callers = {}
        for r in fd.get("callers", []):
            omny_callers.setdefault((r["file"], r["line"]), r)
        results.append({
            "key": c["key"],
            "truth": [{"file": f, "line": ln, "kind": k, "text": files[f][ln - 1].strip()}
                      for (f, ln), k in sorted(truth.items())],
            "references": [{"file": f, "line": ln, "kind": r.get("kind"), "text": r.get("text")}
                           for (f, ln), r in sorted(omny_refs.items())],
            "callers": [{"file": f, "line": ln, "callee": r.get("callee"), "via": r.get("via")}
                        for (f, ln), r in sorted(omny_callers.items())],
            "errors": [x["error"] for x in (fr, fd) if "error" in x],
        })
    ra.close()
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(results, indent=1))
    md = report(results, len(cands), a.sample, files, macros)
    Path(a.md).write_text(md)
    print(md)


def fp_kind(files: dict, key: str, loc: tuple[str, int], macros: dict) -> str:
    """The kind a false positive's line would have: its form where the name is written."""
    name = key.split("#")[1]
    short = name.split(".")[-1]
    owner = name.rsplit(".", 1)[0] if "." in name else ""
    lines = files[loc[0]]
    m = re.search(r"\b" + re.escape(short) + r"\b", lines[loc[1] - 1])
    in_macro = any(s <= loc[1] <= e for s, e in macros[loc[0]])
    return kind_of(lines, loc[1], m.start() if m else 0, short, owner, in_macro)


def report(results: list[dict], n_cands: int, n: int, files: dict, macros: dict) -> str:
    ref_found, ref_exp, ref_fpk = defaultdict(int), defaultdict(int), defaultdict(int)
    call_found, call_exp, call_fpk = defaultdict(int), defaultdict(int), defaultdict(int)
    ref_fp, call_fp = [], []
    ref_omny = call_omny = 0
    per_symbol = []
    for r in results:
        truth = {(t["file"], t["line"]): t["kind"] for t in r["truth"]}
        refs = {(x["file"], x["line"]) for x in r["references"]}
        callers = {(x["file"], x["line"]) for x in r["callers"]}
        missed = []
        for loc, kind in truth.items():
            ref_exp[kind] += 1
            if loc in refs:
                ref_found[kind] += 1
            else:
                missed.append(f"{loc[0]}:{loc[1]} ({kind})")
            if kind in CALL_KINDS:
                call_exp[kind] += 1
                if loc in callers:
                    call_found[kind] += 1
        ref_omny += len(refs)
        call_omny += len(callers)
        for loc in sorted(refs - truth.keys()):
            k = fp_kind(files, r["key"], loc, macros)
            ref_fpk[k] += 1
            ref_fp.append(f"`{r['key']}` at {loc[0]}:{loc[1]} ({k}): `{files[loc[0]][loc[1] - 1].strip()}`")
        for loc in sorted(callers - {k for k, v in truth.items() if v in CALL_KINDS}):
            k = fp_kind(files, r["key"], loc, macros)
            call_fpk[k] += 1
            call_fp.append(f"`{r['key']}` at {loc[0]}:{loc[1]} ({k}): `{files[loc[0]][loc[1] - 1].strip()}`")
        per_symbol.append((r["key"], len(truth), len(truth.keys() & refs), len(refs - truth.keys()),
                           missed, r["errors"]))

    def ratio(a, b):
        return f"{a / b:.2f}" if b else "–"

    out = [f"Sample: {len(results)} of {n_cands} candidates (first {n} by SHA-256 of `{SEED}:key`).", ""]
    out.append("| kind | references found / expected | recall | false pos. | precision "
               "| call sites found / expected | recall | false pos. | precision |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for k in KINDS:
        if ref_exp[k] == 0 and ref_fpk[k] == 0 and call_fpk[k] == 0:
            continue
        refs = (f"{ref_found[k]} / {ref_exp[k]} | {ratio(ref_found[k], ref_exp[k])} | {ref_fpk[k]} | "
                f"{ratio(ref_found[k], ref_found[k] + ref_fpk[k])}")
        if k in CALL_KINDS:
            calls = (f"{call_found[k]} / {call_exp[k]} | {ratio(call_found[k], call_exp[k])} | {call_fpk[k]} | "
                     f"{ratio(call_found[k], call_found[k] + call_fpk[k])}")
        else:
            calls = "– | – | – | –"
        out.append(f"| {k} | {refs} | {calls} |")
    rf, re_ = sum(ref_found.values()), sum(ref_exp.values())
    cf, ce = sum(call_found.values()), sum(call_exp.values())
    out.append(f"| **all** | **{rf} / {re_}** | **{ratio(rf, re_)}** | **{len(ref_fp)}** | "
               f"**{ratio(ref_omny - len(ref_fp), ref_omny)}** | **{cf} / {ce}** | **{ratio(cf, ce)}** | "
               f"**{len(call_fp)}** | **{ratio(call_omny - len(call_fp), call_omny)}** |")
    out.append("")
    out.append("False positives (references):" + (" none" if not ref_fp else ""))
    out += [f"- {x}" for x in ref_fp]
    out.append("")
    out.append("False positives (call sites):" + (" none" if not call_fp else ""))
    out += [f"- {x}" for x in call_fp]
    out.append("")
    out.append("| symbol | expected | found | false positives | missed |")
    out.append("|---|---|---|---|---|")
    for key, e, f, fp, missed, errors in per_symbol:
        note = "; ".join(missed) + ("; " + "; ".join(errors) if errors else "")
        out.append(f"| `{key}` | {e} | {f} | {fp} | {note} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
