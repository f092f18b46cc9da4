"""What the run image already has, as the stack recorded it in the build image (stacks/trixie/build.Dockerfile).

The build image is not the run image: a library the build image has (for compilers) may be missing
at run time. So the stack copies the run image's dpkg status file, and the list of files of its C
library, into the build image, and packages are left out only when the run image has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .debian_index import Index, parse_status

RECORD_DIR = Path("/usr/share/pycnb/run-image")
STATUS_FILE = "dpkg-status"
LIBC_FILES = "libc6.list"
# usrmerge (Debian 12+): /lib, /lib64, /bin and /sbin are links into /usr, so a file may be named either way.
MERGED = ("lib/", "lib64/", "bin/", "sbin/")


@dataclass(frozen=True)
class RunImage:
    installed: Index
    libc_files: frozenset[str]  # normalised paths (`usr/lib/x86_64-linux-gnu/libc.so.6`)
    digest: str  # of the record: a new run image discards the layer
    recorded: bool


def normalise(path: str) -> str:
    """`./lib/x/libm.so.6`, `/lib/x/libm.so.6` and `usr/lib/x/libm.so.6` are one file: `usr/lib/x/libm.so.6`."""
    path = path.strip()
    while path.startswith(("/", "./")) or path == ".":
        path = path[2:] if path.startswith("./") else path[1:]
    merged = path.startswith(MERGED) or path + "/" in MERGED
    return "usr/" + path if merged else path


def load(record_dir: Path = RECORD_DIR, fallback: Index | None = None) -> RunImage:
    """The run image's record; without one, `fallback` (Debian's required packages) stands in."""
    import hashlib

    status = record_dir / STATUS_FILE
    if not status.is_file():
        return RunImage(fallback or Index(), frozenset(), "none", False)
    data = status.read_bytes()
    libc_list = record_dir / LIBC_FILES
    entries = libc_list.read_text(encoding="utf-8", errors="replace").splitlines() if libc_list.is_file() else []
    paths = {normalise(entry) for entry in entries} - {""}
    # A .list names folders too; a folder is any entry under which another one lies.
    folders = {parent for path in paths for parent in _parents(path)}
    digest = hashlib.sha256(data + b"\0" + "\n".join(sorted(paths)).encode()).hexdigest()[:16]
    return RunImage(parse_status(data.decode("utf-8", "replace")), frozenset(paths - folders), digest, True)


def libc_clash(package_paths: list[str], libc_files: frozenset[str]) -> list[str]:
    """The files of the run image's C library that a package's files (normalised paths) would replace, sorted."""
    return sorted(set(package_paths) & libc_files)


def required_packages(index: Index) -> Index:
    """Debian's Essential and Priority: required packages and what they depend on, which every Debian image has."""
    required = Index()
    queue = [package for package in index.packages.values() if package.essential or package.priority == "required"]
    while queue:
        package = queue.pop()
        if package.name in required.packages:
            continue
        required.add(package)
        for group in package.depends:
            if not any(name in required.packages or name in required.providers for name in group):
                first = next((index.packages[name] for name in group if name in index.packages), None)
                if first is not None:
                    queue.append(first)
    return required


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]
