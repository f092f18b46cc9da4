"""Unpacking .deb files into the layer, without root: dpkg-deb streams each package's files as a tar.

Maintainer scripts are not run (they would need root and the real /): the packages that need them to
work (services, alternatives) are not what an Aptfile is for; libraries and tools work unpacked.
"""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from . import messages
from .run_image import normalise

# What the slim stacks leave out (stacks/trixie/base): documentation, manuals, translations.
SKIPPED = ("usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/", "usr/share/lintian/", "usr/share/bug/")
_PC_PREFIX = re.compile(rb"^prefix=/usr\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Unpacked:
    files: int
    bytes: int


def _members(deb: Path, name: str):
    """(tar, member) pairs of the package's file system tar, in order, streamed from dpkg-deb."""
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|*") as tar:
                for member in tar:
                    yield tar, member
        except tarfile.TarError as error:
            process.kill()
            raise messages.unpack_failed(name, f"{error}\n{process.stderr.read().decode(errors='replace')}") from None
        process.stdout.read()  # the tar's padding, so that dpkg-deb is not stopped by a closed pipe
        errors = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise messages.unpack_failed(name, errors)


def paths(deb: Path, name: str) -> list[str]:
    """The normalised paths of the package's files (not folders)."""
    return [normalise(member.name) for _, member in _members(deb, name) if not member.isdir()]


def unpack(deb: Path, name: str, destination: Path) -> Unpacked:
    files = size = 0
    for tar, member in _members(deb, name):
        path = normalise(member.name)
        if not path or (path + "/").startswith(SKIPPED):
            continue
        member.name = path
        if member.islnk():
            member.linkname = normalise(member.linkname)
        try:
            tar.extract(member, destination, filter="tar")
        except (tarfile.TarError, OSError) as error:
            raise messages.unpack_failed(name, f"{member.name}: {error}") from None
        if member.isfile():
            files += 1
            size += member.size
    return Unpacked(files, size)


def relocate(layer: Path, system: Path = Path("/")) -> list[str]:
    """Absolute links that point at a file of the layer point into the layer; pkg-config files name the layer as prefix.

    A link to a file the layer lacks but the image has points at the image's file: a -dev package's
    `libjpeg.so -> libjpeg.so.62`, whose library is left out because the run image has it (SPEC 9). Dangling,
    it would make the linker take the static `libjpeg.a` beside it, which no Python extension can link.
    The build image has the library too, for its own headers, and the run image has it at launch.
    Returns those links, as `link -> target`."""
    system_links = []
    for root, folders, names in os.walk(layer):
        for entry in folders + names:
            path = Path(root) / entry
            if path.is_symlink():
                target = os.readlink(path)
                if target.startswith("/") and (layer / normalise(target)).exists():
                    path.unlink()
                    path.symlink_to(os.path.relpath(layer / normalise(target), path.parent))
                elif not target.startswith("/") and not path.exists():
                    in_image = os.path.normpath(path.parent.relative_to(layer) / target)
                    if not in_image.startswith("..") and (system / in_image).exists():
                        path.unlink()
                        path.symlink_to(f"/{in_image}")
                        system_links.append(f"{path.relative_to(layer)} -> /{in_image}")
            elif entry.endswith(".pc") and path.is_file():
                text = path.read_bytes()
                fixed = _PC_PREFIX.sub(b"prefix=" + str(layer / "usr").encode(), text)
                if fixed != text:
                    path.write_bytes(fixed)
    return system_links


def link_library_alternatives(layer: Path, triplet: str) -> list[str]:
    """What `update-alternatives` would do for libraries, since maintainer scripts do not run: Debian
    installs interchangeable implementations (libblas3, liblapack3, OpenBLAS) in a folder of their own,
    `usr/lib/<triplet>/blas/libblas.so.3`, and their postinst links `usr/lib/<triplet>/libblas.so.3` to one.
    Each such library gets that link, to the first folder (by name) that has it. Returns the links made."""
    libraries = layer / "usr" / "lib" / triplet
    if not libraries.is_dir():
        return []
    made = []
    for folder in sorted(path for path in libraries.iterdir() if path.is_dir() and not path.is_symlink()):
        for library in sorted(folder.glob("lib*.so.*")):
            link = libraries / library.name
            if not (link.exists() or link.is_symlink()):
                link.symlink_to(f"{folder.name}/{library.name}")
                made.append(f"{library.name} -> {folder.name}/{library.name}")
    return made
