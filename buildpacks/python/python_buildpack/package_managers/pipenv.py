"""Pipenv: an app locked with `Pipfile.lock` (and its `Pipfile`), installed with `pipenv sync` into our environment.

Everything is checked before anything is downloaded, as `pipenv install --deploy` would check it:
the lock must match the Pipfile (Pipenv's own hash of the Pipfile, `_meta.hash.sha256`, computed
here the way Pipenv computes it), be a format Pipenv reads, take no package from outside the app,
and name the Python the build runs. Pipenv then runs from its build-only layer (layers/tool.py),
pointed at our environment by `VIRTUAL_ENV` (so it uses the environment's Python and never makes a
virtualenv of its own): `pipenv verify` (Pipenv's own check of the same hash), then `pipenv sync`,
which installs from the lock only and never locks.

`pipenv sync` never uninstalls, so when the lock changes the environment is made anew (`venv
--clear`) rather than updated in place: what the lock no longer lists is gone from the image. A lock
that only gained packages is installed on the environment's skeleton instead, into venv-delta.
`[dev-packages]` never reach the image; `BP_PYTHON_INSTALL_GROUPS` adds other Pipfile categories.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from cnb import commands
from cnb.log import Logger
from packaging.utils import canonicalize_name

from .. import app_files, messages, python_version
from ..app import PIPFILE_LOCK, App
from ..layers import tool, venv as venv_layer, venv_delta
from ..requirements import RequirementsFile
from . import groups as dependency_groups, lock_files
from .interface import InstallContext

if TYPE_CHECKING:
    from .choice import Choice

PIPFILE = "Pipfile"
CACHE_LAYER_NAME = "pipenv-cache"
# Pipenv's settings that would move the environment, make one of its own, pick another Python, or
# skip the lock: pycnb sets where Pipenv installs (Heroku's classic buildpack refuses the same set).
# PIPENV_PYPI_MIRROR and PIP_* pass through.
FORBIDDEN_ENV_VARS = (
    "PIPENV_VENV_IN_PROJECT", "PIPENV_IGNORE_VIRTUALENVS", "PIPENV_SYSTEM", "PIPENV_SKIP_LOCK", "PIPENV_PYTHON",
    "PIPENV_CUSTOM_VENV_NAME", "PIPENV_ACTIVE",
)
# The newest Pipfile.lock format Pipenv 2026.10 writes and reads (`_meta.pipfile-spec`).
PIPFILE_SPEC = 6
# What `pipenv verify` prints when the lock does not match the Pipfile.
STALE_LOCK_OUTPUT = "Pipfile.lock is out-of-date"
# The lock's sections that are not package categories, and the Pipfile sections that are not
# (plette's PIPFILE_SECTIONS, and `pipenv`): neither is hashed as packages.
LOCK_META = "_meta"
PIPFILE_SETTINGS = ("source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv")
# The lock section of each Pipfile section whose name differs.
LOCK_SECTIONS = {"packages": "default", "dev-packages": "develop"}
# The source Pipenv hashes for a Pipfile without [[source]] (plette's DEFAULT_SOURCE_TOML).
DEFAULT_SOURCES = [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}]
# Keys of a locked package that name a folder or file of the user's, rather than an index or a URL.
LOCAL_KEYS = ("path", "file")


@dataclass(frozen=True)
class PipenvProject:
    source: Path  # Pipfile.lock
    files: list[RequirementsFile]  # Pipfile and Pipfile.lock: they key the environment's cache
    python: python_version.VersionRequest | None  # the Python the lock was made for
    categories: tuple[str, ...] = ()  # Pipfile sections installed besides [packages]
    build_system_unused: bool = False  # pyproject.toml has a [build-system], and the lock does not install the app itself
    locked: tuple[str, ...] = ()  # every package of the lock, as `name==version` (or name and entry)

    def addition_texts(self) -> list[str] | None:
        # A lock that only gained packages is installed as a delta (install_delta).
        return ["\n".join(self.locked)]

    @property
    def installer_version(self) -> str:
        return f"pipenv {tool.PIPENV.version}; categories: {','.join(self.categories) or 'none'}"

    def installer_summary(self) -> str:
        return messages.pipenv_installer_summary(tool.PIPENV.version, self.categories, dependency_groups.ENV_VAR)

    def warnings(self, app_dir: Path) -> list[messages.Warning]:
        return [messages.pipenv_build_system_not_used(PIPFILE_LOCK)] if self.build_system_unused else []

    def check_runtime(self, version: str) -> None:
        """The runtime must be the Python the lock names, as `pipenv install --deploy` requires."""
        if self.python is not None and not self.python.matches(version):
            key = self.python.source.removesuffix(f" in {PIPFILE_LOCK}")  # python_full_version or python_version
            raise messages.runtime_not_pipfile_python(version, key, self.python.describe())

    def installer(self, context: InstallContext) -> "PipenvInstaller":
        pipenv = tool.install(context.log, context.caches, tool.PIPENV, context.python, context.runtime_sha256, context.env)
        # Pipenv's cache: kept between builds as one file, never in the image.
        cache_dir, _ = context.caches.open(CACHE_LAYER_NAME)
        return PipenvInstaller(pipenv, context.python, cache_dir, context.app_dir, context.env, self.categories, context.extra_packages)


@dataclass(frozen=True)
class PipenvInstaller:
    pipenv: Path
    python: Path
    cache_dir: Path
    app_dir: Path
    env: dict[str, str]
    categories: tuple[str, ...] = ()
    extra_packages: list[str] = field(default_factory=list)

    def environment(self, venv: Path) -> dict[str, str]:
        return {
            **{name: value for name, value in self.env.items() if name not in FORBIDDEN_ENV_VARS},
            # Pipenv installs into the active virtual environment, with its Python, and makes none of its own.
            "VIRTUAL_ENV": str(venv),
            "PIPENV_PIPFILE": str(self.app_dir / PIPFILE),
            "PIPENV_CACHE_DIR": str(self.cache_dir),
            "PIPENV_VERBOSITY": "-1",
            "PIPENV_NOSPIN": "1",
            "PIPENV_YES": "1",
            "PIPENV_DONT_LOAD_ENV": "1",
            "PIPENV_HIDE_EMOJIS": "1",
            "NO_COLOR": "1",
        }

    def install(self, log: Logger, venv: Path, *, update_in_place: bool) -> None:
        if update_in_place:
            # `pipenv sync` never uninstalls what the lock no longer lists: start from an empty environment.
            with log.timed("Emptying the environment (pipenv sync never uninstalls)"):
                argv = [str(self.python), "-m", "venv", "--clear", "--without-pip", str(venv)]
                code, output = commands.run(log, argv, env=self.env, quiet=True)
                if code != 0:
                    raise messages.venv_creation_failed(output)
        env = self.environment(venv)
        code, output = commands.run(log, [str(self.pipenv), "verify"], env=env, cwd=self.app_dir)
        if code != 0:
            if any(STALE_LOCK_OUTPUT in line for line in output):
                raise messages.pipfile_lock_stale(output=output)
            raise messages.tool_failed("pipenv", "pipenv verify", output)
        argv = [str(self.pipenv), "sync"]
        if self.categories:
            argv += ["--categories", " ".join(["packages", *self.categories])]
        with log.timed(f"Installing dependencies from {PIPFILE_LOCK} with pipenv sync"):
            code, output = commands.run(log, argv, env=env, cwd=self.app_dir)
            if code != 0:
                raise messages.tool_failed("pipenv", " ".join(["pipenv", *argv[1:]]), output)
        venv_layer.install_extra_packages(log, self.python, venv, self.extra_packages, self.env)

    def install_delta(self, log: Logger, venv: Path, prefix: Path, base: dict[str, str]) -> str:
        """`pipenv sync` on the base's skeleton, which has every locked package the base has: only the
        lock's new packages are installed, then moved under `prefix` (layers/venv_delta.py)."""
        return venv_delta.install_in_place(venv, prefix, lambda: self.install(log, venv, update_in_place=False))


def read(app: App, choice: Choice, env: dict[str, str]) -> PipenvProject:
    """Pipfile.lock and the Pipfile, checked before anything is downloaded."""
    app_dir, pyproject = app.dir, app.pyproject()
    lock_files.refuse_settings(env, FORBIDDEN_ENV_VARS, "pipenv")
    lock_path, pipfile_path = app_dir / PIPFILE_LOCK, app_dir / PIPFILE
    lock_text = app.text(PIPFILE_LOCK)
    lock = parse_lock(lock_text)
    if not app_files.exists(pipfile_path, file=True):
        raise messages.pipfile_lock_without_pipfile()
    pipfile_text = app_files.read_text(pipfile_path, app_dir)
    locked_for, actual = lock[LOCK_META]["hash"]["sha256"], pipfile_hash(pipfile_text)
    if locked_for != actual:
        raise messages.pipfile_lock_stale(locked_for, actual)
    _check_local_sources(lock, app_dir)
    categories = _categories(lock, env)
    return PipenvProject(
        lock_path,
        [RequirementsFile(pipfile_path, pipfile_text), RequirementsFile(lock_path, lock_text)],
        python_version.pipfile_lock_request(lock_text),
        categories,
        isinstance((pyproject or {}).get("build-system"), dict) and not _installs_the_app(lock),
        _locked(lock),
    )


def _locked(lock: dict) -> tuple[str, ...]:
    """Every package of every category as `name==version` (a package locked by URL or path: its name and
    entry), sorted: what a delta compares (layers/venv_delta.py)."""
    found = set()
    for section, packages in lock.items():
        if section == LOCK_META or not isinstance(packages, dict):
            continue
        for name, entry in packages.items():
            version = entry.get("version") if isinstance(entry, dict) else None
            pinned = isinstance(version, str) and version.startswith("==")
            found.add(f"{canonicalize_name(name)}{version}" if pinned else f"{canonicalize_name(name)} {json.dumps(entry, sort_keys=True)}")
    return tuple(sorted(found))


def parse_lock(text: str) -> dict:
    """Pipfile.lock as Pipenv writes it: `_meta` (hash, pipfile-spec, requires, sources) and a table of packages per category."""
    try:
        lock = json.loads(text)
    except json.JSONDecodeError as error:
        raise messages.invalid_lock(PIPFILE_LOCK, f"it is not JSON ({error})", "pipenv lock") from None
    except (ValueError, RecursionError):
        reason = "it holds a number too long or objects nested too deeply to read"
        raise messages.invalid_lock(PIPFILE_LOCK, reason, "pipenv lock") from None
    if not isinstance(lock, dict):
        raise messages.invalid_lock(PIPFILE_LOCK, f"it is a JSON {type(lock).__name__}, not an object", "pipenv lock")
    meta = lock.get(LOCK_META)
    digest = meta.get("hash") if isinstance(meta, dict) else None
    if not isinstance(digest, dict) or not isinstance(digest.get("sha256"), str):
        reason = "it has no `_meta.hash.sha256`, the Pipfile's hash every Pipfile.lock records"
        raise messages.invalid_lock(PIPFILE_LOCK, reason, "pipenv lock")
    spec = meta.get("pipfile-spec")
    if not isinstance(spec, int) or isinstance(spec, bool):
        raise messages.invalid_lock(PIPFILE_LOCK, "it has no integer `_meta.pipfile-spec`, as every Pipfile.lock has", "pipenv lock")
    if spec > PIPFILE_SPEC:
        found, supported = f'"pipfile-spec": {spec}', f'"pipfile-spec": {PIPFILE_SPEC}'
        raise messages.lock_from_newer_tool(PIPFILE_LOCK, "pipenv", found, tool.PIPENV.version, supported)
    for section in ("default", "develop"):
        if section not in lock:  # Pipenv would rewrite the app's lock to add it
            raise messages.invalid_lock(PIPFILE_LOCK, f'it has no "{section}" section, as every Pipfile.lock has', "pipenv lock")
    for section, packages in lock.items():
        if section == LOCK_META:
            continue
        if not isinstance(packages, dict) or not all(isinstance(package, dict) for package in packages.values()):
            raise messages.invalid_lock(PIPFILE_LOCK, f'"{section}" is not an object of locked packages', "pipenv lock")
    return lock


def pipfile_hash(text: str) -> str:
    """The hash Pipenv records in `_meta.hash.sha256`: sha256 of the Pipfile's sections as sorted, compact JSON.

    As pipenv.utils.pipfile.Pipfile.calculate_hash (Pipenv 2026.10): sources (pypi.org when none),
    [requires], and every package section, with package names in PEP 503 form.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise messages.invalid_pipfile(f"it is not valid TOML ({error})") from None
    except (ValueError, RecursionError):
        raise messages.invalid_pipfile("it holds a number too long or arrays or tables nested too deeply to read") from None
    data: dict = {
        LOCK_META: {"sources": document.get("source", DEFAULT_SOURCES), "requires": document.get("requires", {})},
        "default": _canonical_section(document, "packages"),
        "develop": _canonical_section(document, "dev-packages"),
    }
    for section in document:
        if section not in PIPFILE_SETTINGS and section not in ("default", "develop"):
            data[section] = _canonical_section(document, section)
    try:
        content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):  # TOML dates and times are not JSON: Pipenv cannot hash them either
        raise messages.invalid_pipfile("it holds a date or time, or values nested too deeply, which Pipenv cannot hash") from None
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _canonical_section(document: dict, section: str) -> dict:
    packages = document.get(section, {})
    if not isinstance(packages, dict):
        raise messages.invalid_pipfile(f"[{section}] is a {type(packages).__name__}, not a table of packages")
    return {canonicalize_name(name): value for name, value in packages.items()}


def _check_local_sources(lock: dict, app_dir: Path) -> None:
    """A package the lock takes from a folder or file must be in the app: nothing else is in the build."""
    for section, packages in lock.items():
        if section == LOCK_META:
            continue
        for name, package in packages.items():
            for key in LOCAL_KEYS:
                location = package.get(key)
                folder = _local_path(location) if isinstance(location, str) else None
                if folder is not None and not app_files.stays_inside(app_dir, folder):
                    raise messages.local_source_outside_app(PIPFILE_LOCK, name, location)


def _installs_the_app(lock: dict) -> bool:
    """Whether a locked package is the app's own folder (`pipenv install -e .` writes `"path": "."`)."""
    for section, packages in lock.items():
        if section == LOCK_META:
            continue
        for package in packages.values():
            location = package.get("path")
            folder = _local_path(location) if isinstance(location, str) else None
            if folder is not None and os.path.normpath(folder) == ".":
                return True
    return False


def _local_path(location: str) -> str | None:
    """The path a `path` or `file` entry names on this machine: None for a URL of another scheme."""
    if location.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(location).path) or "."
    if "://" in location:
        return None
    return location


def _categories(lock: dict, env: dict[str, str]) -> tuple[str, ...]:
    """The Pipfile categories BP_PYTHON_INSTALL_GROUPS adds to [packages], each checked to be in the lock.

    Either name of a section is accepted: the Pipfile's (`dev-packages`) or the lock's (`develop`).
    """
    pipfile_names = {lock_name: pipfile_name for pipfile_name, lock_name in LOCK_SECTIONS.items()}
    present = [pipfile_names.get(section, section) for section in lock if section != LOCK_META]
    categories: list[str] = []
    for name in dependency_groups.selected(env):
        category = pipfile_names.get(name, name)
        if category not in present:
            raise messages.unknown_pipenv_category(name, present, dependency_groups.ENV_VAR)
        if category != "packages" and category not in categories:
            categories.append(category)
    return tuple(categories)
