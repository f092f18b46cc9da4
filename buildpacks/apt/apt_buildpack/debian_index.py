"""Debian's archive metadata: control stanzas (Packages indexes, dpkg's status file) and the Release file's hashes.

Formats: Debian Policy 5.1 (control files: `Field: value`, continuation lines start with a space)
and https://wiki.debian.org/DebianRepository/Format (Release, Packages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

# A dependency relation, e.g. `libc6 (>= 2.38)`, `python3:any`, `libfoo [amd64]`: the name is all we use.
_RELATION_NAME = re.compile(r"\s*([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    filename: str = ""
    sha256: str = ""
    size: int = 0
    installed_size_kib: int = 0
    # Each group is a list of alternatives (`a | b`), by name.
    depends: tuple[tuple[str, ...], ...] = ()
    provides: tuple[str, ...] = ()
    priority: str = ""
    essential: bool = False


@dataclass
class Index:
    """A Packages index: real packages by name, and who provides each virtual name."""

    packages: dict[str, Package] = field(default_factory=dict)
    providers: dict[str, list[str]] = field(default_factory=dict)

    def add(self, package: Package) -> None:
        # An index may list a name twice (two versions); the first is kept, as one suite has one version.
        if package.name in self.packages:
            return
        self.packages[package.name] = package
        for virtual in package.provides:
            self.providers.setdefault(virtual, []).append(package.name)

    def knows(self, name: str) -> bool:
        return name in self.packages or name in self.providers


def stanzas(text: str) -> Iterator[dict[str, str]]:
    """Each paragraph of a control file as a dict; continuation lines are joined with newlines."""
    fields: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields, last = {}, ""
        elif line[0] in " \t":
            if last:
                fields[last] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            last = key.strip()
            fields[last] = value.strip()
    if fields:
        yield fields


def relations(value: str) -> tuple[tuple[str, ...], ...]:
    """`a (>= 1) | b, c:any` as (("a", "b"), ("c",)); versions and architecture lists are dropped."""
    groups = []
    for group in value.split(","):
        names = tuple(match.group(1) for part in group.split("|") if (match := _RELATION_NAME.match(part)))
        if names:
            groups.append(names)
    return tuple(groups)


def _int(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else 0


def package(fields: dict[str, str]) -> Package | None:
    name = fields.get("Package", "")
    if not name:
        return None
    depends = relations(fields.get("Pre-Depends", "")) + relations(fields.get("Depends", ""))
    return Package(
        name=name,
        version=fields.get("Version", ""),
        filename=fields.get("Filename", ""),
        sha256=fields.get("SHA256", "").lower(),
        size=_int(fields.get("Size", "")),
        installed_size_kib=_int(fields.get("Installed-Size", "")),
        depends=depends,
        provides=tuple(name for group in relations(fields.get("Provides", "")) for name in group),
        priority=fields.get("Priority", ""),
        essential=fields.get("Essential", "").lower() == "yes",
    )


def parse_packages(text: str) -> Index:
    """A Packages index (from the archive) as an Index."""
    index = Index()
    for fields in stanzas(text):
        if (parsed := package(fields)) is not None:
            index.add(parsed)
    return index


def parse_status(text: str) -> Index:
    """dpkg's status file: only the packages that are installed (`Status: install ok installed`)."""
    index = Index()
    for fields in stanzas(text):
        if fields.get("Status", "").split()[-1:] == ["installed"] and (parsed := package(fields)) is not None:
            index.add(parsed)
    return index


@dataclass(frozen=True)
class IndexFile:
    path: str
    sha256: str
    size: int


def release_sha256(text: str) -> dict[str, IndexFile]:
    """The SHA256 section of a Release (or the signed text of InRelease): file path to hash and size."""
    files: dict[str, IndexFile] = {}
    for fields in stanzas(_signed_text(text)):
        for line in fields.get("SHA256", "").splitlines():
            parts = line.split()
            if len(parts) == 3 and re.fullmatch(r"[0-9a-f]{64}", parts[0]) and parts[1].isdigit():
                files[parts[2]] = IndexFile(parts[2], parts[0], int(parts[1]))
    return files


def release_field(text: str, name: str) -> str:
    for fields in stanzas(_signed_text(text)):
        return fields.get(name, "")
    return ""


def _signed_text(text: str) -> str:
    """The text an InRelease signs, without the OpenPGP armour (RFC 4880 7: the cleartext signature framework)."""
    if not text.startswith("-----BEGIN PGP SIGNED MESSAGE-----"):
        return text
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return body.split("\n-----BEGIN PGP SIGNATURE-----", 1)[0]
