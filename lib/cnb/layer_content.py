"""A layer's content fingerprint: every file, folder and link it holds, with file sizes and link targets.

Recorded in the layer's metadata when it is committed and checked before a cached layer is
reused, so a layer that lost a file or had one cut short (a killed build, a damaged cache) is
rebuilt instead of trusted. Sizes, not contents, are compared: reading every byte of a runtime
or an environment on each build would cost seconds; a truncated or missing file changes a size
or the list. Modification times and modes are left out: the lifecycle normalises them when it
caches and restores layers.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

# Python writes bytecode next to the modules it imports, after the layer was committed (the
# SBOM step and later buildpacks import from it); missing bytecode is recompiled, never wrong.
IGNORED_FOLDERS = frozenset({"__pycache__"})


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    entries: int

    def as_metadata(self) -> dict[str, str | int]:
        return {"sha256": self.sha256, "entries": self.entries}

    @classmethod
    def from_metadata(cls, value: object) -> "Fingerprint | None":
        """The recorded fingerprint, or None. The lifecycle keeps a launch layer's metadata in the
        image's JSON label, so a number comes back from it as a float (4811.0)."""
        if not isinstance(value, dict) or not isinstance(value.get("sha256"), str):
            return None
        entries = value.get("entries")
        if isinstance(entries, bool) or not isinstance(entries, (int, float)) or entries != int(entries):
            return None
        return cls(value["sha256"], int(entries))


def fingerprint(root: Path) -> Fingerprint:
    """The fingerprint of the tree at `root` (an absent folder has an empty one)."""
    digest = hashlib.sha256()
    entries = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(name for name in dirs if name not in IGNORED_FOLDERS)
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                record = f"L {relative} -> {os.readlink(path)}"
            elif stat.S_ISDIR(info.st_mode):
                record = f"D {relative}"
            else:
                record = f"F {relative} {info.st_size}"
            digest.update(record.encode("utf-8", "surrogateescape") + b"\0")
            entries += 1
    return Fingerprint(digest.hexdigest(), entries)


def files_of(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under `root`, relative, with a file's or link's size and modification time (None for a
    folder): two calls around a step tell what it added, changed or removed (a fingerprint leaves times out)."""
    found: dict[str, tuple[int, int] | None] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            found[str(path.relative_to(root))] = None if stat.S_ISDIR(info.st_mode) else (info.st_size, info.st_mtime_ns)
    return found
