"""A poetry.lock as pip requirement lines: what `poetry install --only <groups>` takes from the lock, pinned,
with the lock's hashes and markers, for the runtime's pip to add a lock's new packages to the cached
environment without unpacking and starting Poetry (docs/design/layer-reuse.md).

Only a lock of format 2.1 or later says which groups each package belongs to, and under which markers
(poetry/packages/locker.py: `locked_packages`); an older one gives None, as do the locks and settings
where Poetry would do what pip cannot be told: a package from git, a URL, a file or a folder, packages
from more than one index, an index URL with credentials in it, a package without hashes, a project that is itself a package (Poetry
reinstalls it on every install), and any Poetry setting (a `POETRY_*` variable, such as an index's
credentials, or the project's poetry.toml). Then Poetry itself installs the delta.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from packaging.markers import InvalidMarker, Marker
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI_SIMPLE = "https://pypi.org/simple/"
GROUPS_AND_MARKERS_FROM = Version("2.1")
LOCAL_CONFIG = "poetry.toml"
INDEX_SOURCE = "legacy"  # a package index other than PyPI (`[[tool.poetry.source]]`)


@dataclass(frozen=True)
class PipInstall:
    lines: tuple[str, ...]  # one requirement line per package the groups take, `name==version ; marker --hash=...`
    index_url: str  # the one index they all come from


def pip_install(lock: dict, groups: tuple[str, ...], package_mode: bool, env: dict[str, str], app_dir: Path) -> PipInstall | None:
    """The lines pip installs `groups` from, or None when only Poetry can install them as Poetry would."""
    if package_mode or any(name.startswith("POETRY_") for name in env) or (app_dir / LOCAL_CONFIG).exists():
        return None
    try:
        if Version(str(lock["metadata"]["lock-version"])) < GROUPS_AND_MARKERS_FROM:
            return None
    except (KeyError, TypeError, InvalidVersion):
        return None
    selected = {canonicalize_name(group) for group in groups}
    lines, indexes = [], set()
    for package in lock.get("package", []):
        line_and_index = _line(package, selected)
        if line_and_index is None:
            return None
        if line_and_index[0]:
            lines.append(line_and_index[0])
            indexes.add(line_and_index[1])
    if len(indexes) > 1:
        return None
    return PipInstall(tuple(lines), next(iter(indexes), PYPI_SIMPLE))


def _line(package: object, selected: set[str]) -> tuple[str, str] | None:
    """(the package's line, its index); ("", "") when the groups do not take it; None when pip cannot install it."""
    if not isinstance(package, dict) or not isinstance(package.get("groups"), list):
        return None
    groups = {canonicalize_name(str(group)) for group in package["groups"]} & selected
    if not groups:
        return "", ""
    marker = _marker(package.get("markers"), groups)
    source = package.get("source")
    if source is None:
        index = PYPI_SIMPLE
    elif (isinstance(source, dict) and source.get("type") == INDEX_SOURCE and isinstance(source.get("url"), str)
          and not _has_credentials(source["url"])):
        index = source["url"]
    else:
        return None
    files = package.get("files")
    hashes = [file.get("hash") for file in files if isinstance(file, dict)] if isinstance(files, list) else []
    if marker is None or not hashes or not all(isinstance(value, str) and value.startswith("sha256:") for value in hashes):
        return None
    requirement = f"{canonicalize_name(str(package.get('name', '')))}=={package.get('version', '')}"
    return " ".join([requirement + (f" ; {marker}" if marker else ""), *(f"--hash={value}" for value in hashes)]), index


def _has_credentials(url: str) -> bool:
    """A URL with a user or password in it: Poetry does not print it, pip's command line would be."""
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return True


def _marker(markers: object, groups: set[str]) -> str | None:
    """The marker under which `groups` take the package ("" for always): Poetry writes one string for all its
    groups, or a table by group where a group left out takes it always. None for what pip could not read."""
    if markers is None:
        return ""
    if isinstance(markers, str):
        by_group = dict.fromkeys(groups, markers)
    elif isinstance(markers, dict):
        by_name = {canonicalize_name(str(group)): text for group, text in markers.items()}
        by_group = {group: by_name.get(group, "") for group in groups}
    else:
        return None
    if any(not isinstance(text, str) or not text.strip() for text in by_group.values()):
        return "" if all(isinstance(text, str) for text in by_group.values()) else None
    try:
        return " or ".join(f"({Marker(text)})" for text in sorted(set(by_group.values())))
    except (InvalidMarker, RecursionError):  # packaging's parser recurses per parenthesis
        return None
