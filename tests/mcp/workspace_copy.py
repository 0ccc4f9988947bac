"""A cheap, safe copy of the workspace and its release build, for tests that edit sources and
let the server build them with real cargo (tests/mcp/test_self_update.py).

Sources are copied with `cp -a` (modification times kept: cargo compares them with its
fingerprints). `target/release` is mostly hard-linked, which costs seconds instead of copying
about 4 GB, and is safe only for files that cargo and rustc replace rather than rewrite:

- hard-linked: the outputs in `deps/` and the uplifted binaries and libraries (rustc writes an
  rlib or rmeta to a temporary file and renames it; the linker unlinks its output first; cargo
  uplifts by removing the old link and linking again), and `incremental/` (rustc never writes
  into a finished session directory: it starts a new one, hard-linking from the old, and
  deletes the old one);
- copied: every `*.d` dep-info file, `.fingerprint/` and `build/` (cargo rewrites these in
  place, truncating the file: through a hard link it would rewrite the original's);
- left out: `.cargo-lock` (a shared lock would make the copy's builds wait for the original's).

`SharedFiles.modified()` checks the claim after the fact: it names every hard-linked file whose
inode (still shared with the original) changed size or modification time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Top-level entries that are not sources (the build, tool installs, VCS, state).
SKIPPED = {"target", ".venv", ".tools", ".git", "node_modules", ".omnysys"}
# Directories of target/release that cargo rewrites in place: copied, never linked.
COPIED_DIRS = {".fingerprint", "build", "examples"}
LINKED_DIRS = {"deps", "incremental"}


@dataclass
class SharedFiles:
    """The original paths of the files the copy shares by hard link, with what they were."""

    files: list[tuple[Path, int, int, int]] = field(default_factory=list)

    def add(self, original: Path) -> None:
        st = original.stat()
        self.files.append((original, st.st_ino, st.st_size, st.st_mtime_ns))

    def modified(self) -> list[Path]:
        """Shared files written through the copy (same inode, other size or mtime). A file
        the original's own build replaced since (another inode) is not ours to judge."""
        changed = []
        for path, ino, size, mtime in self.files:
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            if st.st_ino == ino and (st.st_size, st.st_mtime_ns) != (size, mtime):
                changed.append(path)
        return changed


def _link_tree(src: Path, dest: Path, shared: SharedFiles) -> None:
    for dirpath, _dirs, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            original = Path(dirpath) / name
            if name.endswith(".d") or name.endswith(".lock"):
                shutil.copy2(original, dest / rel / name)
            else:
                os.link(original, dest / rel / name)
                shared.add(original)


def copy_workspace(root: Path, dest: Path) -> SharedFiles:
    """Copies the workspace at `root` to `dest` (sources copied, release build mostly linked);
    returns the files shared with the original."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = [str(p) for p in root.iterdir() if p.name not in SKIPPED]
    subprocess.run(["cp", "-a", *sources, str(dest)], check=True)
    release, into = root / "target" / "release", dest / "target" / "release"
    into.mkdir(parents=True)
    shared = SharedFiles()
    for entry in release.iterdir():
        if entry.name == ".cargo-lock":
            continue
        if entry.is_dir() and entry.name in LINKED_DIRS:
            _link_tree(entry, into / entry.name, shared)
        elif entry.is_dir():
            subprocess.run(["cp", "-a", str(entry), str(into)], check=True)
        elif entry.name.endswith(".d"):
            shutil.copy2(entry, into / entry.name)
        else:
            os.link(entry, into / entry.name)
            shared.add(entry)
    return shared


if __name__ == "__main__":
    import sys
    import time

    started = time.monotonic()
    shared = copy_workspace(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"copied in {time.monotonic() - started:.1f}s; {len(shared.files)} files hard-linked")
