"""Which Python the app asks for, from its sources in a documented order.

Order (the first source present wins; the build log names it):
1. `BP_PYTHON_VERSION` (Paketo's name, for platforms that set it)
2. `.python-version` (pyenv, uv, Heroku)
3. `runtime.txt` (Heroku classic, deprecated)
4. `python_full_version` or `python_version` in `Pipfile.lock`'s `_meta.requires` (Pipenv, from the
   Pipfile's `[requires]`)
5. `requires-python` in `pyproject.toml` (PEP 621)
6. `python` in `pyproject.toml`'s `[tool.poetry.dependencies]` (Poetry's constraint, `~3.13`, `^3.11`)
7. the newest version in the runtime index
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet

from . import messages
from .app import PIPFILE_LOCK, PYPROJECT, App
from .poetry_constraints import poetry_constraint

VERSION_FILE = ".python-version"
RUNTIME_TXT = "runtime.txt"
# The keys of Pipfile.lock's `_meta.requires` that name a Python version, the more exact first (Pipenv reads them in that order).
PIPFILE_LOCK_KEYS = ("python_full_version", "python_version")
ENV_VAR = "BP_PYTHON_VERSION"
POETRY_PYTHON = "tool.poetry.dependencies.python"

# At most 9 digits a part: int() refuses a run of over 4300 digits, and no version has more than 9.
_VERSION = re.compile(r"^(?P<major>\d{1,9})\.(?P<minor>\d{1,9})(?:\.(?P<patch>\d{1,9}))?$")
_RUNTIME_TXT = re.compile(r"^python-(?P<version>\d{1,9}\.\d{1,9}(?:\.\d{1,9})?)$")


@dataclass(frozen=True)
class VersionRequest:
    """`3.13` (newest patch) or `3.13.15` (exactly), or any version matching `specifier`, or any
    version matching one of `alternatives` (a Poetry constraint with `||`, shown as `written`);
    `line` is the line of `source` that asked, for a file read line by line."""

    source: str
    major: int | None = None
    minor: int | None = None
    patch: int | None = None
    specifier: SpecifierSet | None = None
    line: int | None = None
    alternatives: tuple[SpecifierSet, ...] = ()
    written: str | None = None

    @property
    def where(self) -> str:
        """`runtime.txt, line 1`: where a user finds the request to change it."""
        return f"{self.source}, line {self.line}" if self.line is not None else self.source

    def matches(self, version: str) -> bool:
        if self.specifier is not None:
            return self.specifier.contains(version)
        if self.alternatives:
            return any(specifier.contains(version) for specifier in self.alternatives)
        if self.major is None:
            return True
        parts = [int(part) for part in version.split(".")]
        wanted = [self.major, self.minor] + ([self.patch] if self.patch is not None else [])
        return parts[: len(wanted)] == wanted

    def describe(self) -> str:
        if self.specifier is not None:
            return str(self.specifier)
        if self.written is not None:
            return self.written
        if self.major is None:
            return "newest available"
        return ".".join(str(part) for part in (self.major, self.minor, self.patch) if part is not None)


@dataclass(frozen=True)
class Resolution:
    """The winning request, the sources it overrode, and warnings to show."""

    request: VersionRequest
    overridden: list[VersionRequest]
    warnings: list[tuple[str, str]]

    def conflicts(self, selected_version: str) -> list[VersionRequest]:
        """The overridden sources that the selected version does not satisfy."""
        return [other for other in self.overridden if not other.matches(selected_version)]


def _parse_version(text: str, source: str, line: int | None = None) -> VersionRequest | None:
    match = _VERSION.match(text)
    if not match:
        return None
    patch = match.group("patch")
    return VersionRequest(source, int(match.group("major")), int(match.group("minor")), int(patch) if patch else None, line=line)


def _from_env(env: dict[str, str]) -> VersionRequest | None:
    value = env.get(ENV_VAR, "").strip()
    if not value:
        return None
    request = _parse_version(value, f"{ENV_VAR} env var")
    if request is None:
        raise messages.invalid_version_env_var(ENV_VAR, value)
    return request


def _from_version_file(app: App) -> VersionRequest | None:
    if not (app.dir / VERSION_FILE).is_file():
        return None
    text = app.text(VERSION_FILE)
    versions = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        request = _parse_version(line, VERSION_FILE, number)
        if request is None:
            raise messages.invalid_version_file(VERSION_FILE, number, raw)
        versions.append((number, request))
    if not versions:
        raise messages.empty_version_file(VERSION_FILE)
    if len(versions) > 1:
        raise messages.several_versions_in_file(VERSION_FILE, [number for number, _ in versions])
    return versions[0][1]


def _from_runtime_txt(app: App) -> VersionRequest | None:
    if not (app.dir / RUNTIME_TXT).is_file():
        return None
    lines = [(number, line.strip()) for number, line in enumerate(app.text(RUNTIME_TXT).splitlines(), 1) if line.strip()]
    if len(lines) != 1 or not _RUNTIME_TXT.match(lines[0][1]):
        number, line = lines[0] if lines else (1, "")
        raise messages.invalid_runtime_txt(RUNTIME_TXT, number, line)
    number, line = lines[0]
    return _parse_version(_RUNTIME_TXT.match(line).group("version"), RUNTIME_TXT, number)


def _from_pipfile_lock(app: App) -> VersionRequest | None:
    if not app.has(PIPFILE_LOCK):
        return None
    return pipfile_lock_request(app.text(PIPFILE_LOCK))


def pipfile_lock_request(text: str) -> VersionRequest | None:
    """The Python version Pipfile.lock was locked for (`_meta.requires`), None when it names none.

    A lock that is not JSON, or not shaped like one, names no version here: the Pipenv reader
    refuses it when Pipenv installs the app; when another tool does, the file is not the app's lock.
    `"*"` is Pipenv's "any version".
    """
    try:
        lock = json.loads(text)
    except (ValueError, RecursionError):
        return None
    meta = lock.get("_meta") if isinstance(lock, dict) else None
    requires = meta.get("requires") if isinstance(meta, dict) else None
    if not isinstance(requires, dict):
        return None
    for key in PIPFILE_LOCK_KEYS:
        value = requires.get(key)
        if value is None or (isinstance(value, str) and value.strip() in ("", "*")):
            continue
        request = _parse_version(value.strip(), f"{key} in {PIPFILE_LOCK}") if isinstance(value, str) else None
        if request is None:
            raise messages.invalid_pipfile_lock_python(PIPFILE_LOCK, key, value)
        return request
    return None


def _from_pyproject(app: App) -> VersionRequest | None:
    if app.pyproject() is None:
        return None
    requires = app.requires_python_text()
    if not requires:
        return None
    specifier = app.requires_python()
    if not isinstance(requires, str) or specifier is None:
        raise messages.invalid_requires_python(PYPROJECT, str(requires))
    return VersionRequest(f"requires-python in {PYPROJECT}", specifier=specifier)


def _from_poetry_python(app: App) -> VersionRequest | None:
    """`[tool.poetry.dependencies] python`: Poetry's own statement of the Python the project runs on (Poetry 1 projects have no other)."""
    document = app.pyproject()
    tools = document.get("tool") if document is not None else None
    poetry = tools.get("poetry") if isinstance(tools, dict) else None
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    python = dependencies.get("python") if isinstance(dependencies, dict) else None
    if not isinstance(python, str) or not python.strip():
        return None
    try:
        alternatives = poetry_constraint(python)
        for specifier in alternatives:
            specifier.contains("3.0.0")  # packaging parses the versions on first use
    except ValueError:
        raise messages.invalid_tool_setting(PYPROJECT, POETRY_PYTHON, python, ("3.13", ">=3.11,<4")) from None
    return VersionRequest(f"{POETRY_PYTHON} in {PYPROJECT}", alternatives=tuple(alternatives), written=python.strip())


def resolve(app: App, env: dict[str, str]) -> Resolution:
    """The request from the first source present, and the sources it overrode."""
    found = [
        request
        for request in (
            _from_env(env), _from_version_file(app), _from_runtime_txt(app), _from_pipfile_lock(app), _from_pyproject(app),
            _from_poetry_python(app),
        )
        if request is not None
    ]
    warnings = []
    if any(request.source == RUNTIME_TXT for request in found):
        warnings.append(messages.runtime_txt_deprecated(found[0].source))
    if not found:
        return Resolution(VersionRequest("default: the newest version in the runtime index"), [], warnings)
    return Resolution(found[0], found[1:], warnings)
