"""Which packages the app declares, read from the file the Python buildpack installs its dependencies from.

Detect asks this for Django, and build for gunicorn and django-heroku (the packages it adds when
the app does not declare them). The answer comes from one file, chosen as the Python buildpack
chooses it (the shared table in cnb/dependency_files.py): a requirements file,
else uv.lock, poetry.lock, Pipfile.lock, else pyproject.toml. `BP_PYTHON_PACKAGE_MANAGER` picks
among several present, as it does there. At build, pycnb/python's own choice is used when it gives
one (`chosen`, from cnb.python_env); detect cannot ask (docs/design/package-manager-across-buildpacks.md).

Only what a deployment installs counts, so that Django kept for tests alone does not make the app
a Django app:
- requirements.txt (else requirements.in) and its `-r` includes: every requirement.
- uv.lock: the packages the root project depends on, transitively, with the extras each
  dependency asks for. The Python buildpack runs `uv sync --locked --no-default-groups`, which
  installs no dependency group (`[package.dev-dependencies]`: `dev` and every other) and none of
  the root's own extras (`[package.optional-dependencies]`). The root is the package whose source
  is the app's folder (`{ editable = "." }` or `{ virtual = "." }`); a workspace whose root is not
  a project has none, and `uv sync` installs every member (`[manifest] members`) instead.
- poetry.lock: the packages of the `main` group (`groups = ["main", ...]` since lock format 2.1,
  Poetry 2; `category = "main"` before Poetry 1.5), except those only an extra pulls in
  (`optional = true`): `poetry sync --only main` installs no other. Lock format 2.0 (Poetry
  1.5-1.8) records no group, so there the main dependencies in pyproject.toml are followed
  through the lock's `[package.dependencies]`.
- Pipfile.lock: the keys of `default` (`develop` is what `pipenv install --dev` adds).
- pyproject.toml, without any of those: `[project].dependencies` and the keys of
  `[tool.poetry.dependencies]` (a Poetry project without its lock: the Python buildpack's build
  explains what is missing).

Lenient on purpose: detect must never fail on a file the Python buildpack will explain. A file
that is a link out of the app, too large, not UTF-8, not TOML or JSON, or shaped unlike what the
tools write declares nothing (or only what could be read of it); nothing here raises.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from cnb.app_files import is_file, read_text_leniently as read_text
from cnb import dependency_files

PACKAGE_MANAGER_ENV_VAR = dependency_files.ENV_VAR
PIP, UV, POETRY, PIPENV = dependency_files.PIP, dependency_files.UV, dependency_files.POETRY, dependency_files.PIPENV
# The files that name the tool installing the app's dependencies, in the order pycnb/python looks for them.
MANAGER_FILES = dependency_files.MANAGER_FILES
REQUIREMENTS_FILES = dependency_files.files_of(PIP)
PYPROJECT = "pyproject.toml"
# What a parser may raise on text of any shape: tomllib.TOMLDecodeError and json.JSONDecodeError
# are ValueErrors; deep nesting overflows the parsers' recursion.
_PARSE_ERRORS = (ValueError, RecursionError, TypeError, AttributeError)
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?<=-r))(?P<path>\S+)")
# The name at the start of a Poetry requirement string, as in `[package.extras]`: "argon2-cffi (>=19.1.0)".
_POETRY_REQUIREMENT_NAME = re.compile(r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")


def declared_packages(app_dir: Path, env: dict[str, str] | None = None, chosen: tuple[str, str] | None = None) -> set[str]:
    """The canonical names of the packages the app's dependency file installs (see the module's docstring)."""
    name, manager = dependency_file(app_dir, env, chosen)
    if manager is None:
        return pyproject_dependencies(app_dir)
    return _READERS[manager](app_dir / name, app_dir)


def dependency_file(app_dir: Path, env: dict[str, str] | None = None, chosen: tuple[str, str] | None = None) -> tuple[str, str | None]:
    """The file the app's dependencies are read from and its tool: (pyproject.toml, None) without a lock or requirements file.

    `chosen` is pycnb/python's (package manager, file) at build, when it ran: that answer is used, not chosen again.
    """
    if chosen is not None and chosen[0] in _READERS:
        manager, name = chosen
        return (PYPROJECT, None) if name == PYPROJECT else (name, manager)
    present = [(name, manager) for name, manager in MANAGER_FILES if is_file(app_dir / name)]
    if not present:
        return PYPROJECT, None
    requested = (env or {}).get(PACKAGE_MANAGER_ENV_VAR, "").strip()
    return next(((name, manager) for name, manager in present if manager == requested), present[0])


def is_lock_file(manager: str | None) -> bool:
    """Whether the tool installs from a lock (uv, Poetry, Pipenv): pycnb/python then adds other buildpacks' packages after it."""
    return manager in (UV, POETRY, PIPENV)


def requirements_packages(path: Path, app_dir: Path) -> set[str]:
    """Canonical names in a requirements file and its -r includes (a file not inside the app is not read)."""
    found: set[str] = set()
    seen: set[Path] = set()
    pending = [path]
    while pending:  # a loop, not recursion: a chain of includes may be as long as the app has files
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        text = read_text(path, app_dir)
        for line in text.splitlines() if text is not None else []:
            line = line.split(" #", 1)[0].strip()
            include = _INCLUDE.match(line)
            if include:
                pending.append(path.parent / include.group("path"))
            elif line and not line.startswith(("#", "-")):
                found.update(_requirement_names([line]))
    return found


def uv_lock_packages(path: Path, app_dir: Path) -> set[str]:
    """Canonical names of the packages `uv sync --no-default-groups` installs from uv.lock, the projects themselves left out."""
    lock = _toml(path, app_dir)
    packages = [package for package in _list(lock.get("package")) if isinstance(package, dict)]
    by_name = _by_name(packages)
    roots = {name for name, tables in by_name.items() if any(_is_app_folder(table.get("source")) for table in tables)}
    if not roots:
        roots = {name for name in map(_name, _list(_dict(lock.get("manifest")).get("members"))) if name}

    def needs(name: str, extra: str | None) -> Iterable[tuple[str, str | None]]:
        for table in by_name.get(name, []):
            optional = _dict(table.get("optional-dependencies"))
            for dependency in _list(table.get("dependencies") if extra is None else optional.get(extra)):
                dependency = _dict(dependency)
                needed = _name(dependency.get("name"))
                if needed:
                    yield needed, None
                    yield from ((needed, asked) for asked in _list(dependency.get("extra")) if isinstance(asked, str))

    return _reachable({(root, None) for root in roots}, needs) - roots


def poetry_lock_packages(path: Path, app_dir: Path) -> set[str]:
    """Canonical names of the packages `poetry sync --only main` installs from poetry.lock."""
    packages = [package for package in _list(_toml(path, app_dir).get("package")) if isinstance(package, dict)]
    if not packages:  # unreadable, or nothing to install
        return set()
    if any("groups" in package or "category" in package for package in packages):
        return {
            name
            for package in packages
            if (name := _name(package.get("name")))
            and package.get("optional") is not True
            and ("main" in _list(package.get("groups")) or package.get("category") == "main")
        }
    # Lock format 2.0 (Poetry 1.5-1.8): no groups recorded; follow pyproject.toml's main dependencies.
    by_name = _by_name(packages)

    def needs(name: str, extra: str | None) -> Iterable[tuple[str, str | None]]:
        for table in by_name.get(name, []):
            if extra is not None:
                for requirement in _list(_dict(table.get("extras")).get(extra)):
                    match = _POETRY_REQUIREMENT_NAME.match(requirement) if isinstance(requirement, str) else None
                    if match:
                        yield canonicalize_name(match.group("name")), None
                continue
            for needed, constraint in _dict(table.get("dependencies")).items():
                needed_name = _name(needed)
                if needed_name and not (isinstance(constraint, dict) and constraint.get("optional") is True):
                    yield needed_name, None
                    extras = constraint.get("extras") if isinstance(constraint, dict) else None
                    yield from ((needed_name, asked) for asked in _list(extras) if isinstance(asked, str))

    return _reachable(_pyproject_requirements(app_dir), needs)


def pipfile_lock_packages(path: Path, app_dir: Path) -> set[str]:
    """Canonical names in Pipfile.lock's `default` section (what `pipenv install --deploy` installs)."""
    text = read_text(path, app_dir)
    try:
        lock = json.loads(text) if text is not None else None
    except _PARSE_ERRORS:
        return set()
    default = lock.get("default") if isinstance(lock, dict) else None
    return {name for name in map(_name, _dict(default)) if name}


def pyproject_dependencies(app_dir: Path) -> set[str]:
    """Canonical names in pyproject.toml's [project].dependencies and [tool.poetry.dependencies] (but
    `python`, and the optional ones only an extra installs)."""
    return {name for name, _ in _pyproject_requirements(app_dir)}


def _pyproject_requirements(app_dir: Path) -> set[tuple[str, str | None]]:
    """pyproject_dependencies, each as (name, None) and (name, extra) for every extra it is asked with."""
    pyproject = _toml(app_dir / PYPROJECT, app_dir)
    found: set[tuple[str, str | None]] = set()
    for requirement in _list(_dict(pyproject.get("project")).get("dependencies")):
        try:
            parsed = Requirement(requirement) if isinstance(requirement, str) else None
        except InvalidRequirement:
            continue
        if parsed:
            name = canonicalize_name(parsed.name)
            found.update({(name, None)} | {(name, extra) for extra in parsed.extras})
    poetry = _dict(_dict(_dict(pyproject.get("tool")).get("poetry")).get("dependencies"))
    for key, constraint in poetry.items():
        name = _name(key)
        if name and name != "python" and not (isinstance(constraint, dict) and constraint.get("optional") is True):
            extras = constraint.get("extras") if isinstance(constraint, dict) else None
            found.update({(name, None)} | {(name, extra) for extra in _list(extras) if isinstance(extra, str)})
    return found


_READERS: dict[str, Callable[[Path, Path], set[str]]] = {
    PIP: requirements_packages,
    UV: uv_lock_packages,
    POETRY: poetry_lock_packages,
    PIPENV: pipfile_lock_packages,
}


def _by_name(packages: list[dict]) -> dict[str, list[dict]]:
    """A lock's package tables by canonical name (a lock may hold several versions of one package)."""
    by_name: dict[str, list[dict]] = {}
    for package in packages:
        name = _name(package.get("name"))
        if name:
            by_name.setdefault(name, []).append(package)
    return by_name


def _reachable(start: set[tuple[str, str | None]], needs: Callable[[str, str | None], Iterable[tuple[str, str | None]]]) -> set[str]:
    """The names reachable from `start` ((name, extra) pairs) by `needs`, the start included; cycles are fine."""
    seen = set(start)
    stack = list(start)
    while stack:
        for step in needs(*stack.pop()):
            if step not in seen:
                seen.add(step)
                stack.append(step)
    return {name for name, _ in seen}


def _toml(path: Path, app_dir: Path) -> dict:
    """The file as TOML, or {} for one that cannot be read or parsed."""
    text = read_text(path, app_dir)
    try:
        return tomllib.loads(text) if text is not None else {}
    except _PARSE_ERRORS:
        return {}


def _requirement_names(requirements: Iterable[Any]) -> set[str]:
    """Canonical names of the PEP 508 requirement strings among `requirements`; others are skipped."""
    found = set()
    for requirement in requirements:
        if not isinstance(requirement, str):
            continue
        try:
            found.add(canonicalize_name(Requirement(requirement).name))
        except InvalidRequirement:
            continue
    return found


def _is_app_folder(source: Any) -> bool:
    """Whether a uv.lock `source` is the app's own folder: the root project."""
    source = _dict(source)
    return source.get("editable") == "." or source.get("virtual") == "."


def _name(value: Any) -> str | None:
    return canonicalize_name(value) if isinstance(value, str) and value.strip() else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
