"""Poetry: an app locked with `poetry.lock`, installed with `poetry sync --only main` into our environment.

Poetry runs from its build-only layer (layers/tool.py), never from the app's environment (it would
upgrade or remove its own dependencies there). `VIRTUAL_ENV` names our environment, and an active
virtual environment wins over every `virtualenvs.*` setting, so Poetry neither makes one of its own
nor uses the build image's Python. `poetry sync` refuses a lock that no longer matches pyproject.toml
and is exact: what the lock no longer lists is uninstalled. Only the `main` group reaches the image,
plus the groups `BP_PYTHON_INSTALL_GROUPS` names. The project itself is installed (editable) unless
`package-mode = false`, as `poetry sync` does on a developer's machine.
"""

from __future__ import annotations

import functools
import re
import shlex
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable
from pathlib import Path

from cnb import commands
from cnb.log import Logger
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import app_files, messages
from ..app import PYPROJECT, App
from ..poetry_constraints import poetry_constraint
from ..layers import tool, venv as venv_layer, venv_delta
from ..requirements import RequirementsFile
from . import groups as dependency_groups, lock_files, poetry_lock
from .interface import InstallContext

if TYPE_CHECKING:
    from .choice import Choice

POETRY_LOCK = "poetry.lock"
CACHE_LAYER_NAME = "poetry-cache"
MAIN_GROUP = "main"
# What Poetry prints when pyproject.toml no longer matches the lock's content-hash (poetry/installation/installer.py).
STALE_LOCK_OUTPUT = "pyproject.toml changed significantly since poetry.lock was last generated"
# What Poetry prints when package-mode is on and no package has the project's name (poetry/console/commands/install.py).
NO_PACKAGE_OUTPUT = "No file/folder found for package"
# What Poetry prints when building the project itself fails otherwise, e.g. a `readme` file that
# `poetry init` named but nobody wrote ("Readme path `.../README.md` does not exist").
ROOT_NOT_INSTALLED_OUTPUT = "The current project could not be installed"
# Poetry's settings that would move the environment or the cache, or choose another Python: pycnb sets
# them (Heroku's Python CNB refuses the same set).
FORBIDDEN_ENV_VARS = (
    "POETRY_CACHE_DIR", "POETRY_DATA_DIR", "POETRY_HOME", "POETRY_VIRTUALENVS_CREATE", "POETRY_VIRTUALENVS_IN_PROJECT",
    "POETRY_VIRTUALENVS_PATH", "POETRY_VIRTUALENVS_USE_POETRY_PYTHON",
)
# The poetry.lock format Poetry 2.5 writes, and the formats it reads (poetry/packages/locker.py:
# `_VERSION = "2.1"`, `_READ_VERSION_RANGE = ">=1,<3"`). A newer 2.x lock is read with a warning.
LOCK_VERSION = Version("2.1")
NEWEST_READ_MAJOR = 2
# Where a package comes from in poetry.lock when it is a folder or file of the user's (not an index, a URL or git).
LOCAL_SOURCES = ("directory", "file")
# Without it, keyring looks for a desktop secret service, which a build container does not have.
KEYRING_DEFAULTS = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}


@dataclass(frozen=True)
class PoetryProject:
    source: Path  # poetry.lock
    files: list[RequirementsFile]  # pyproject.toml and poetry.lock: they key the environment's cache
    requires_python: tuple[str, str, list[SpecifierSet]] | None  # (setting, as written, any of these allows)
    groups: tuple[str, ...] = ()
    lock_warnings: tuple[messages.Warning, ...] = ()
    has_main_group: bool = True
    locked: tuple[str, ...] = ()  # every package of the lock, as `name==version`
    pip_install: poetry_lock.PipInstall | None = None  # what the runtime's pip can add a delta from, without Poetry

    def addition_texts(self) -> list[str] | None:
        # A lock that only gained packages is installed as a delta (install_delta).
        return ["\n".join(self.locked)]

    @property
    def installer_version(self) -> str:
        return f"Poetry {tool.POETRY.version}; groups: {','.join(self.groups) or 'none'}"

    def installer_summary(self) -> str:
        return messages.poetry_installer_summary(tool.POETRY.version, self.groups, dependency_groups.ENV_VAR, self.has_main_group)

    def warnings(self, app_dir: Path) -> list[messages.Warning]:
        return list(self.lock_warnings)

    def check_runtime(self, version: str) -> None:
        if self.requires_python is None:
            return
        setting, text, allowed = self.requires_python
        if not any(specifier.contains(version, prereleases=True) for specifier in allowed):
            raise messages.runtime_outside_requires_python(version, text, PYPROJECT, setting)

    def installer(self, context: InstallContext) -> "PoetryInstaller":
        @functools.cache
        def poetry() -> tuple[Path, Path]:
            """Poetry, unpacked or installed only for a build that runs it, and its download and metadata
            cache: kept between builds as one file, never in the image."""
            executable = tool.install(context.log, context.caches, tool.POETRY, context.python, context.runtime_sha256, context.env)
            return executable, context.caches.open(CACHE_LAYER_NAME)[0]

        return PoetryInstaller(poetry, context.python, context.app_dir, context.env, self.groups, context.extra_packages,
                               self.has_main_group, self.pip_install)


@dataclass(frozen=True)
class PoetryInstaller:
    poetry: Callable[[], tuple[Path, Path]]  # Poetry's executable and cache folder
    python: Path
    app_dir: Path
    env: dict[str, str]
    groups: tuple[str, ...] = ()
    extra_packages: list[str] = field(default_factory=list)
    has_main_group: bool = True
    pip_install: poetry_lock.PipInstall | None = None

    def argv(self, command: str = "sync") -> list[str]:
        groups = ((MAIN_GROUP,) if self.has_main_group else ()) + self.groups
        # Poetry refuses to name a group the project does not have, `main` included (a project that
        # declares no dependencies has none): then only the project itself, if it is a package, is installed.
        selection = [f"--only={group}" for group in groups] or ["--only-root"]
        return [str(self.poetry()[0]), command, *selection, "--no-interaction", "--no-ansi"]

    def install(self, log: Logger, venv: Path, *, update_in_place: bool, command: str = "sync") -> None:
        env = {
            **KEYRING_DEFAULTS,
            **self.env,
            # An active virtual environment is the one Poetry installs into, whatever its virtualenvs.* settings.
            "VIRTUAL_ENV": str(venv),
            "POETRY_CACHE_DIR": str(self.poetry()[1]),
            "POETRY_NO_INTERACTION": "1",
        }
        with log.timed(f"Installing dependencies from {POETRY_LOCK} with poetry {command}"):
            code, output = commands.run(log, self.argv(command), env=env, cwd=self.app_dir)
            if code != 0:
                if any(STALE_LOCK_OUTPUT in line for line in output):
                    raise messages.stale_lock(POETRY_LOCK, "poetry lock", output)
                if any(NO_PACKAGE_OUTPUT in line for line in output):
                    raise messages.poetry_package_not_found(output)
                cause = next((line.strip() for line in output if ROOT_NOT_INSTALLED_OUTPUT in line), None)
                if cause:
                    raise messages.poetry_root_not_installed(cause, output)
                raise messages.tool_failed("poetry", shlex.join(["poetry", *self.argv(command)[1:]]), output)
        venv_layer.install_extra_packages(log, self.python, venv, self.extra_packages, self.env)

    def install_delta(self, log: Logger, venv: Path, prefix: Path, base: dict[str, str]) -> str:
        """The runtime's pip, given every package the groups take from the lock (poetry_lock), finds all but the
        new ones installed and adds those under `prefix`, as it does for requirements.txt, without Poetry.
        Where only Poetry can install the lock, `poetry install` runs on the base's skeleton, which has every
        locked package the base has, so it installs the lock's new packages alone (`install`, not `sync`, which
        would remove the packages other buildpacks asked for); they are then moved under `prefix`."""
        # The packages other buildpacks asked for are already in the base, or Poetry's route adds them with pip
        # (a requirements file with hashes takes no other requirement).
        if self.pip_install is None or not _all_installed(self.extra_packages, base):
            return venv_delta.install_in_place(venv, prefix, lambda: self.install(log, venv, update_in_place=True, command="install"))
        with tempfile.TemporaryDirectory(prefix="pycnb-") as tmp:
            requirements = Path(tmp) / "poetry-lock-requirements.txt"
            requirements.write_text("".join(f"{line}\n" for line in self.pip_install.lines), encoding="utf-8")
            venv_layer.pip_install(log, f"Installing what {POETRY_LOCK} adds, with pip (the lock's pins and hashes)", self.python, venv,
                                   ["--prefix", str(prefix), "--no-warn-script-location", "--no-deps", "--require-hashes",
                                    "--index-url", self.pip_install.index_url, "-r", str(requirements)], self.env, self.app_dir)
        return ""


def _all_installed(requirements: list[str], installed: dict[str, str]) -> bool:
    """Whether each requirement names a distribution `installed` (name to version) has at a version it allows."""
    for text in requirements:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return False
        version = installed.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


def read(app: App, choice: Choice, env: dict[str, str]) -> PoetryProject:
    """poetry.lock and pyproject.toml, checked before anything is downloaded."""
    app_dir, pyproject = app.dir, app.pyproject()
    lock_files.refuse_settings(env, FORBIDDEN_ENV_VARS, "poetry")
    if pyproject is None:
        raise messages.lock_without_pyproject(POETRY_LOCK, "poetry", "poetry init")
    lock_path = app_dir / POETRY_LOCK
    lock_text, lock = lock_files.read_toml(app_dir, POETRY_LOCK, "poetry lock")
    lock_warnings = _check_lock_version(lock)
    poetry_settings = _poetry_settings(pyproject)
    _check_required_version(poetry_settings)
    _check_local_sources(lock, app_dir)
    groups = dependency_groups.selected(env)
    _check_groups(pyproject, poetry_settings, groups)
    has_main_group = _has_main_group(pyproject, poetry_settings)
    return PoetryProject(
        lock_path,
        [app.file(PYPROJECT), RequirementsFile(lock_path, lock_text)],
        _requires_python(app, poetry_settings),
        tuple(group for group in groups if group != MAIN_GROUP),
        lock_warnings,
        has_main_group,
        lock_files.locked_pins(lock),
        poetry_lock.pip_install(lock, ((MAIN_GROUP,) if has_main_group else ()) + tuple(groups),
                                poetry_settings.get("package-mode", True) is not False, env, app_dir),
    )



def _poetry_settings(pyproject: dict) -> dict:
    tools = pyproject.get("tool")
    settings = tools.get("poetry") if isinstance(tools, dict) else None
    return settings if isinstance(settings, dict) else {}


def _check_lock_version(lock: dict) -> tuple[messages.Warning, ...]:
    """`[metadata] lock-version`: Poetry reads 1.x and 2.x locks, and fails on a newer format."""
    metadata = lock.get("metadata")
    if not isinstance(metadata, dict):
        raise messages.invalid_lock(POETRY_LOCK, "it has no [metadata] table, as every poetry.lock has", "poetry lock")
    text = metadata.get("lock-version")
    if not isinstance(text, str):
        raise messages.invalid_lock(POETRY_LOCK, "its [metadata] has no `lock-version` string, as every poetry.lock has", "poetry lock")
    try:
        version = Version(text)
    except (InvalidVersion, ValueError):
        raise messages.invalid_lock(POETRY_LOCK, f"its lock-version {messages.short(text)!r} is not a version", "poetry lock") from None
    found, supported = f'lock-version = "{messages.short(text)}"', f'lock-version = "{LOCK_VERSION}"'
    if version.major > NEWEST_READ_MAJOR:
        raise messages.lock_from_newer_tool(POETRY_LOCK, "poetry", found, tool.POETRY.version, supported)
    if version.major < 1:
        raise messages.invalid_lock(POETRY_LOCK, f"{found} is a format from before Poetry 1.0, which Poetry 2 does not read", "poetry lock")
    if version > LOCK_VERSION:
        return (messages.lock_newer_minor(POETRY_LOCK, "poetry", found, tool.POETRY.version, supported),)
    return ()


def _check_required_version(settings: dict) -> None:
    """`[tool.poetry] requires-poetry` (Poetry 2): the project may say which Poetry may install it; ours must be one."""
    required = settings.get("requires-poetry")
    if required is None:
        return
    text = str(required).strip()
    try:
        allowed = any(specifier.contains(tool.POETRY.version, prereleases=True) for specifier in poetry_constraint(text))
    except ValueError:
        raise messages.invalid_tool_setting(PYPROJECT, "tool.poetry.requires-poetry", text, ("2.5.1", ">=2.0")) from None
    if not allowed:
        raise messages.tool_version_required("poetry", "tool.poetry.requires-poetry", text, tool.POETRY.version, PYPROJECT)


def _check_local_sources(lock: dict, app_dir: Path) -> None:
    """A package the lock takes from a folder or file must be in the app: nothing else is in the build."""
    packages = lock.get("package", [])
    for package in packages if isinstance(packages, list) else []:
        source = package.get("source") if isinstance(package, dict) else None
        if not isinstance(source, dict) or source.get("type") not in LOCAL_SOURCES:
            continue
        url = source.get("url")
        if isinstance(url, str) and ("\0" in url or not app_files.stays_inside(app_dir, url)):
            raise messages.local_source_outside_app(POETRY_LOCK, messages.short(str(package.get("name", "?"))), messages.short(url))


def _has_main_group(pyproject: dict, settings: dict) -> bool:
    """Whether Poetry gives the project a `main` group (poetry-core's Factory): it does for a [project].dependencies
    list (even empty), [project].optional-dependencies, or a [tool.poetry.dependencies] table (even with only `python`)."""
    project = pyproject.get("project")
    if isinstance(project, dict) and (project.get("dependencies") is not None or project.get("optional-dependencies")):
        return True
    return "dependencies" in settings


def _check_groups(pyproject: dict, settings: dict, wanted: tuple[str, ...]) -> None:
    """The groups BP_PYTHON_INSTALL_GROUPS names must be the project's: Poetry fails on others, after downloading itself."""
    if not wanted:
        return
    available = [MAIN_GROUP] if _has_main_group(pyproject, settings) else []
    poetry_groups = settings.get("group")
    available += list(poetry_groups) if isinstance(poetry_groups, dict) else []
    if "dev-dependencies" in settings:  # Poetry 1.0's table, read as the `dev` group
        available.append("dev")
    standard_groups = pyproject.get("dependency-groups")  # PEP 735, read by Poetry 2.2 and later
    available += list(standard_groups) if isinstance(standard_groups, dict) else []
    known = {_canonical(name) for name in available}
    missing = [name for name in wanted if _canonical(name) not in known and name != MAIN_GROUP]
    if missing:
        raise messages.unknown_install_groups(dependency_groups.ENV_VAR, missing, list(dict.fromkeys(available)), PYPROJECT)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requires_python(app: App, settings: dict) -> tuple[str, str, list[SpecifierSet]] | None:
    """[project].requires-python (python_version refuses an invalid one), else [tool.poetry.dependencies].python."""
    requires = app.requires_python_text()
    if isinstance(requires, str) and requires.strip():
        specifier = app.requires_python()
        return ("requires-python", requires, [specifier]) if specifier is not None else None
    dependencies = settings.get("dependencies")
    python = dependencies.get("python") if isinstance(dependencies, dict) else None
    if not isinstance(python, str) or not python.strip():
        return None
    setting = "tool.poetry.dependencies.python"
    try:
        return (setting, python, poetry_constraint(python))
    except ValueError:
        raise messages.invalid_tool_setting(PYPROJECT, setting, python, ("3.13", ">=3.11,<4")) from None
