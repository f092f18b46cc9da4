"""One-file copies of folders, kept in cache layers: the lifecycle restores one file instead of thousands.

The restorer extracts a cache layer file by file after reading its whole tar once; a layer
holding one uncompressed tar costs a sequential read and write, and GNU tar unpacks it only when a
build step needs the files (docs/design/layer-reuse.md). Size and sha256 are recorded when a copy
is made and checked before it is trusted, so a copy cut short or damaged in the cache is discarded.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .layers import Layer

ARCHIVE_NAME = "content.tar"
# The metadata key under which a copy's size and sha256 are recorded.
ARCHIVE_KEY = "archive"
NO_ARCHIVE = "its archive is missing"
ARCHIVE_CHANGED = "its archive is not the one recorded (cut short or damaged in the cache)"


class ArchiveError(Exception):
    """GNU tar could not write or unpack a copy; the message is tar's own."""


@dataclass(frozen=True)
class ArchiveRecord:
    size: int
    sha256: str

    def as_metadata(self) -> dict[str, Any]:
        return {"size": self.size, "sha256": self.sha256}

    @classmethod
    def from_metadata(cls, value: object) -> "ArchiveRecord | None":
        # Numbers may come back as floats from an image label; a copy's metadata comes from its own TOML.
        if not isinstance(value, dict) or not isinstance(value.get("sha256"), str) or not isinstance(value.get("size"), (int, float)):
            return None
        return cls(int(value["size"]), value["sha256"])


def record(archive: Path) -> ArchiveRecord:
    with archive.open("rb") as file:
        return ArchiveRecord(archive.stat().st_size, hashlib.file_digest(file, "sha256").hexdigest())


def pack(folder: Path, archive: Path) -> ArchiveRecord:
    """Write `folder`'s content (modes, links and hard links kept) to `archive`, replacing it whole."""
    partial = archive.with_name(archive.name + ".partial")
    result = subprocess.run(["tar", "-cf", str(partial), "-C", str(folder), "."], capture_output=True, text=True)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ArchiveError(result.stderr.strip())
    partial.replace(archive)
    return record(archive)


def unpack(archive: Path, folder: Path) -> None:
    """Unpack `archive` into `folder`, made empty first; on failure nothing half-unpacked is left."""
    unpack_all([(archive, folder)])


def unpack_all(pairs: list[tuple[Path, Path]]) -> None:
    """`unpack` each (archive, folder), all at once: creating files is most of the time, and it overlaps."""
    running = []
    for archive, folder in pairs:
        if folder.exists() or folder.is_symlink():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        running.append((folder, subprocess.Popen(["tar", "-xpf", str(archive), "-C", str(folder)], stderr=subprocess.PIPE, text=True)))
    errors = []
    for folder, process in running:
        _, stderr = process.communicate()
        if process.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            errors.append(stderr.strip())
    if errors:
        raise ArchiveError("\n".join(errors))


def problems(layer: Layer, metadata: dict[str, Any]) -> tuple[str, ...]:
    """Why the copy in `layer` (metadata restored from its TOML) cannot be trusted; () if it can.

    Only the size is checked here: the restorer verified the cache tar's digest when it restored it,
    and reading the whole copy again would cost what the copy saves. `verify` reads it."""
    recorded = ArchiveRecord.from_metadata(metadata.get(ARCHIVE_KEY))
    archive = layer.path / ARCHIVE_NAME
    if recorded is None or not archive.is_file():
        return (NO_ARCHIVE,)
    if archive.stat().st_size != recorded.size:
        return (ARCHIVE_CHANGED,)
    return ()


def verify(layer: Layer, metadata: dict[str, Any]) -> tuple[str, ...]:
    """`problems`, and the sha256 of the whole copy."""
    found = problems(layer, metadata)
    if found:
        return found
    recorded = ArchiveRecord.from_metadata(metadata.get(ARCHIVE_KEY))
    return () if record(layer.path / ARCHIVE_NAME) == recorded else (ARCHIVE_CHANGED,)
