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
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

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


def pack(folder: Path, archive: Path, *, compress: bool = False) -> ArchiveRecord:
    """Write `folder`'s content (modes, links and hard links kept) to `archive`, replacing it whole.
    `compress`: through gzip's fastest level, for a copy of source and bytecode read only now and then
    (a tool's environment shrinks about 2.7 times, at about 1 s of CPU per 100 MB)."""
    partial = archive.with_name(archive.name + ".partial")
    compression = ["--use-compress-program", "gzip -1"] if compress else []
    result = subprocess.run(["tar", "-cf", str(partial), *compression, "-C", str(folder), "."], capture_output=True, text=True)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ArchiveError(result.stderr.strip())
    partial.replace(archive)
    return record(archive)


def unpack(archive: Path, folder: Path) -> None:
    """Unpack `archive` into `folder`, made empty first; on failure nothing half-unpacked is left."""
    unpack_all([(archive, folder)])


def unpack_all(pairs: list[tuple[Path, Path]], leave_out: Callable[[str], bool] | None = None) -> None:
    """`unpack` each (archive, folder). Creating a file costs a wait on the disk more than it costs CPU
    (up to 0.7 ms a file where the filesystem is busy discarding deleted blocks), so the files are
    created by several GNU tar processes at once: folders first, then a share of the files each, then
    hard links, whose targets must exist. `leave_out`: member names not to unpack, for a copy that is
    only read; a folder that would hold nothing else is left out too. A compressed archive (`pack`'s
    `compress`) is unpacked whole by one GNU tar: each share would decompress the whole stream again."""
    jobs, touched = [], []
    try:
        for archive, folder in pairs:
            compressed = _compressed(archive)
            members = None if compressed else _members(archive)
            if members is not None and leave_out is not None:
                members = _without(members, leave_out)
            touched.append(folder)
            _reset(folder)
            if members is None:
                _wait([_extract_all(archive, folder)])
            else:
                jobs.append((archive, folder, members))
        for stage in range(3):
            running = []
            for archive, folder, members in jobs:
                for names in (members[stage] if stage != 1 else _shares(members[1], UNPACK_PROCESSES)):
                    running.append(_extract(archive, folder, names))
            _wait(running)
    except (ArchiveError, OSError, tarfile.TarError) as error:
        for folder in touched:
            shutil.rmtree(folder, ignore_errors=True)
        raise ArchiveError(str(error)) from None


def _reset(folder: Path) -> None:
    """`folder`, made empty (whatever was there, a link included)."""
    if folder.exists() or folder.is_symlink():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


# The first bytes of a gzip stream (RFC 1952): what `pack(..., compress=True)` writes.
_GZIP_MAGIC = b"\x1f\x8b"


def _compressed(archive: Path) -> bool:
    with archive.open("rb") as file:
        return file.read(2) == _GZIP_MAGIC


def unpack_matching(archive: Path, folder: Path, wanted: Callable[[str], bool]) -> None:
    """Unpack only the members whose names `wanted` accepts (with the folders above them) into `folder`,
    made empty first; on failure nothing half-unpacked is left."""
    folders, files, links = _members(archive)
    chosen = [name for name in [*files, *links[0]] if wanted(name)]
    parents = {str(parent) for name in chosen for parent in Path(name).parents if str(parent) != "."}
    try:
        _reset(folder)
        _wait([_extract(archive, folder, [name for name in folders[0] if str(Path(name)) in parents])])
        _wait([_extract(archive, folder, chosen)])
    except (ArchiveError, OSError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise ArchiveError(str(error)) from None


# GNU tar processes unpacking one archive's files at once.
UNPACK_PROCESSES = 6


def _members(archive: Path) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """The archive's member names: ([folders], files and symbolic links, [hard links])."""
    folders, files, links = [], [], []
    with tarfile.open(archive) as tar:
        for member in tar:
            (folders if member.isdir() else links if member.islnk() else files).append(member.name)
    return [folders], files, [links]


def _without(members: tuple[list[list[str]], list[str], list[list[str]]],
             leave_out: Callable[[str], bool]) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """`members` without the files and links `leave_out` names, nor the folders only they were in."""
    (folders,), files, (links,) = members
    kept_files = [name for name in files if not leave_out(name)]
    kept_links = [name for name in links if not leave_out(name)]
    holding = {str(parent) for name in [*kept_files, *kept_links] for parent in Path(name).parents}
    filled = {str(parent) for name in [*files, *links, *folders] for parent in Path(name).parents}
    kept_folders = [name for name in folders if not leave_out(name) and (str(Path(name)) in holding or str(Path(name)) not in filled)]
    return [kept_folders], kept_files, [kept_links]


def _shares(names: list[str], count: int) -> list[list[str]]:
    return [names[index::count] for index in range(count) if names[index::count]]


def _extract(archive: Path, folder: Path, names: list[str]) -> subprocess.Popen[bytes] | None:
    if not names:
        return None
    process = subprocess.Popen(
        ["tar", "-xpf", str(archive), "-C", str(folder), "--no-recursion", "--no-wildcards", "--null", "--verbatim-files-from", "-T", "-"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    process.stdin.write(b"\0".join(name.encode("utf-8", "surrogateescape") for name in names) + b"\0")
    process.stdin.close()
    return process


def _extract_all(archive: Path, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["tar", "-xpf", str(archive), "-C", str(folder)], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(running: list[subprocess.Popen[bytes] | None]) -> None:
    errors = []
    for process in running:
        if process is None:
            continue
        assert process.stderr is not None
        stderr = process.stderr.read().decode("utf-8", "replace")
        process.stderr.close()
        if process.wait() != 0:
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
