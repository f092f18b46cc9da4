"""Build-only caches kept as one file each: the restorer restores one archive, not thousands of files.

A download cache (pip's, uv's, Poetry's, Pipenv's) or a tool's environment is needed only by builds that
run an installer, yet the lifecycle restores every cache layer file by file on every build and tars it
again at export (uv's cache alone holds thousands of unpacked wheel files). Here each such cache is a
cache layer holding one uncompressed tar; a build that needs the files unpacks it into a scratch folder
of the build container, outside the layers volume, and archives it again at the end; a build that does
not declares the layer again unchanged (docs/design/layer-reuse.md). The scratch path is the same on
every build, so a tool's environment (its scripts name their interpreter by path) unpacks where it was made.
A cache an installer links files from (uv's) is unpacked instead beside the layers, on the filesystem the
environment is installed to, so the installer can hard-link rather than copy; it is removed once archived,
so the lifecycle never sees it. A cache named `compressed` (a tool's environment: source and bytecode,
read only by builds that run the tool) is kept gzip-compressed, since every build restores, hashes and
exports each cache layer whole, whether it reads it or not.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import archive
from .layer_content import files_of
from .layers import Layer, Layers

# Outside the layers volume: the build container's own filesystem, gone with the container.
SCRATCH = Path(tempfile.gettempdir()) / "pycnb-caches"


class OneFileCaches:
    """The build-only caches of one buildpack, by layer name."""

    def __init__(self, layers: Layers, names: tuple[str, ...], scratch: Path = SCRATCH,
                 linked_from: frozenset[str] = frozenset(), compressed: frozenset[str] = frozenset()) -> None:
        self.layers, self.names, self.linked_from, self.compressed = layers, names, linked_from, compressed
        self.root = scratch / layers.path.name
        self.opened: dict[str, dict[str, Any]] = {}
        # Each archive's files as unpacked (layer_content.files_of), to see whether the build changed them.
        self.unpacked: dict[str, dict[str, tuple[int, int] | None]] = {}

    def folder(self, name: str) -> Path:
        # Beside the layers, not a layer: no `<name>.toml`, and gone before the build step ends.
        return self.layers.path / f".{name}.unpacked" if name in self.linked_from else self.root / name

    def open(self, name: str, wanted: dict[str, Any] | None = None) -> tuple[Path, bool]:
        """The cache's folder, unpacked from its layer the first time a build asks for it; and whether it
        held what `wanted` describes (with no `wanted`, any intact archive will do). A missing, damaged or
        outdated archive gives an empty folder."""
        folder, layer = self.folder(name), self.layers.get(name)
        if name in self.opened:
            return folder, self.opened[name] == (wanted or {}) and any(folder.iterdir())
        recorded = layer.metadata()
        usable = not archive.problems(layer, recorded) and (wanted is None or _without_record(recorded) == wanted)
        try:
            if usable:
                archive.unpack(layer.path / archive.ARCHIVE_NAME, folder)
                self.unpacked[name] = files_of(folder)
        except archive.ArchiveError:
            usable = False
        if not usable:
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
        self.opened[name] = wanted or {}
        return folder, usable

    def close(self) -> None:
        """Archive every opened cache whose files the build changed into its layer; declare the others again
        as they were restored (a tool's environment that only ran, a download cache that served every file).
        The archives are written side by side: each is a GNU tar (and gzip) process, and a cold build of a
        Poetry app writes three (Poetry's environment, its cache and pip's)."""
        changed = []
        for name in self.names:
            layer = self.layers.get(name)
            if name not in self.opened or (name in self.unpacked and files_of(self.folder(name)) == self.unpacked[name]):
                layer.keep_cached()
            else:
                changed.append(name)
        if changed:
            with ThreadPoolExecutor(max_workers=len(changed)) as pool:
                for written in [pool.submit(_archive, self.layers.get(name), self.folder(name), self.opened[name],
                                            compress=name in self.compressed) for name in changed]:
                    written.result()
        for name in self.names:
            if name in self.opened and name in self.linked_from:
                shutil.rmtree(self.folder(name))


def _archive(layer: Layer, folder: Path, metadata: dict[str, Any], *, compress: bool) -> None:
    layer.reset()
    recorded = archive.pack(folder, layer.path / archive.ARCHIVE_NAME, compress=compress)
    layer.commit(cache=True, metadata={**metadata, archive.ARCHIVE_KEY: recorded.as_metadata()})


def _without_record(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in metadata.items() if key != archive.ARCHIVE_KEY}
