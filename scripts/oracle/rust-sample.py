#!/usr/bin/env python3
"""The omnysys side of the hand-checked Rust sample (scripts/oracle/rust-sample.md).

Copies a crate's sources (default: globset 0.4.22 from ~/.cargo/registry) to a temporary
project, lists its functions and methods outside `mod tests` blocks with `get_atomic_functions`,
sorts them by (name, file), takes every k-th (k = n // TARGET, at least 1), and prints each one's
callers from `get_function_details` (file:line, callee as written, rule, confidence).

    python3 scripts/oracle/rust-sample.py [CRATE_DIR] [--omnysys target/release/omnysys]

Deterministic: the same crate and the same omnysys give the same output.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# How many symbols the sample aims at.
TARGET = 24


def call(omnysys, project, tool, args):
    """One headless tool call; the structured result."""
    out = subprocess.run(
        [omnysys, "call", "--project", project, tool, json.dumps(args)],
        capture_output=True, text=True, env={**os.environ, "OMNYSYS_LOG": "warn"}, check=True)
    return json.loads(out.stdout)


def tests_line(path):
    """The line of the file's `mod tests {` (symbols from there on are tests), or infinity."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if re.match(r"\s*mod tests\s*\{", line):
                return number
    return float("inf")


def symbols(omnysys, project):
    """(name, file, startLine) of every function and method outside test modules."""
    found = []
    for path in sorted(glob.glob(os.path.join(project, "src", "**", "*.rs"), recursive=True)):
        rel = os.path.relpath(path, project)
        limit = tests_line(path)
        args = {"filePath": rel, "limit": 200}
        while True:
            answer = call(omnysys, project, "get_atomic_functions", args)
            for f in answer["functions"]:
                if f["startLine"] < limit:
                    found.append((f["name"], rel, f["startLine"]))
            if not answer.get("nextCursor"):
                break
            args["cursor"] = answer["nextCursor"]
    return sorted(found)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_crate = sorted(glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/globset-0.4.22")))
    parser = argparse.ArgumentParser()
    parser.add_argument("crate", nargs="?", default=default_crate[-1] if default_crate else None)
    parser.add_argument("--omnysys", default=os.path.join(here, "../../target/release/omnysys"))
    a = parser.parse_args()
    if not a.crate:
        sys.exit("no crate directory given and globset-0.4.22 is not in ~/.cargo/registry")
    project = tempfile.mkdtemp(prefix="omnysys-rust-sample-")
    try:
        shutil.copytree(os.path.join(a.crate, "src"), os.path.join(project, "src"))
        shutil.copy(os.path.join(a.crate, "Cargo.toml"), project)
        every = symbols(a.omnysys, project)
        k = max(1, len(every) // TARGET)
        sample = every[::k]
        print(f"# {os.path.basename(a.crate.rstrip('/'))}: {len(every)} functions and methods "
              f"outside tests, every {k}th: {len(sample)}")
        for name, rel, start in sample:
            d = call(a.omnysys, project, "get_function_details",
                     {"filePath": rel, "functionName": name})
            print(f"\n## {name} ({rel}:{start}) callers: {len(d['callers'])}")
            for c in d["callers"]:
                print(f"  {c['file']}:{c['line']}  {c['callee']}  [{c['via']}, {c['confidence']}]")
    finally:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
