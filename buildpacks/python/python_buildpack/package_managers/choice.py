"""Which tool installs the app's dependencies: chosen once, from the app's files, before anything is downloaded.

The choice follows Heroku's Python buildpacks (package_manager.rs in heroku/buildpacks-python, and
heroku/heroku-buildpack-python's checks): each lock or requirements file names one tool, and an app
must name exactly one, so that a stale file left by an export tool is never silently preferred.
`BP_PYTHON_PACKAGE_MANAGER` picks one of the tools whose files are present.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnb import dependency_files

from .. import app_files, messages, requirements
from ..app import PYPROJECT, App
from . import pip, pipenv, poetry, uv
from .interface import PackageManager

ENV_VAR = dependency_files.ENV_VAR
PIP, UV, POETRY, PIPENV = dependency_files.PIP, dependency_files.UV, dependency_files.POETRY, dependency_files.PIPENV

# The package managers, one row each: the files that name the tool installing the app's dependencies
# (shared with pycnb/django's detect: cnb/dependency_files.py), in the order the log lists them, how it
# reads them, and its cache (interface.py).
PACKAGE_MANAGERS = (
    PackageManager(PIP, dependency_files.files_of(PIP), pip.read, pip.CACHE_LAYER_NAME),
    PackageManager(UV, dependency_files.files_of(UV), uv.read, uv.CACHE_LAYER_NAME),
    PackageManager(POETRY, dependency_files.files_of(POETRY), poetry.read, poetry.CACHE_LAYER_NAME),
    PackageManager(PIPENV, dependency_files.files_of(PIPENV), pipenv.read, pipenv.CACHE_LAYER_NAME),
)
BY_NAME = {manager.name: manager for manager in PACKAGE_MANAGERS}
MANAGERS = tuple(BY_NAME)
MANAGER_FILES = tuple((name, manager.name) for manager in PACKAGE_MANAGERS for name in manager.files)
# Files of a Python app that name no tool we choose from: detect passes on them (and on misspelt
# requirements files) so that build can say what is missing, instead of pack's "No buildpack groups
# passed detection". Heroku's Python CNB detects on the same list (detect.rs).
OTHER_PYTHON_FILES = (PYPROJECT, "setup.py", "setup.cfg", "Pipfile", "pdm.lock")
# Folders where a virtual environment made on a developer's machine is often committed.
VENV_FOLDERS = (".venv", "venv")


@dataclass(frozen=True)
class Choice:
    manager: str  # one of MANAGERS
    files: tuple[str, ...]  # the app's files that name it (for pip from pyproject.toml: pyproject.toml)
    chosen_by: str | None = None  # f"{ENV_VAR}=..." when the env var picked it among several

    @property
    def from_pyproject(self) -> bool:
        return self.files == (PYPROJECT,)

    def summary(self) -> str:
        return messages.package_manager_summary(self.manager, list(self.files), self.chosen_by)


def _is_file(app_dir: Path, name: str) -> bool:
    return app_files.exists(app_dir / name, file=True)


def committed_venvs(app_dir: Path) -> list[str]:
    """The app's folders that are virtual environments (they hold a pyvenv.cfg, as every venv does, PEP 405)."""
    return [name for name in VENV_FOLDERS if _is_file(app_dir, f"{name}/pyvenv.cfg")]


def is_python_app(app_dir: Path) -> bool:
    """Whether detect passes: any file that makes the app a Python app, even one build will refuse, so that build can explain."""
    names = [name for name, _ in MANAGER_FILES] + list(OTHER_PYTHON_FILES)
    return (any(_is_file(app_dir, name) for name in names) or requirements.misspelt_file(app_dir) is not None
            or bool(committed_venvs(app_dir)))


def found(app_dir: Path) -> dict[str, list[str]]:
    """Each tool named by the app's files, with those files, in MANAGER_FILES order."""
    tools: dict[str, list[str]] = {}
    for name, manager in MANAGER_FILES:
        if _is_file(app_dir, name):
            tools.setdefault(manager, []).append(name)
    return tools


def choose(app: App, env: dict[str, str]) -> Choice:
    """The tool that installs the app's dependencies; an error says why none can be chosen.

    Without a lock or requirements file, a `[project]` table in pyproject.toml is installed by pip
    from its static dependencies.
    """
    app_dir, pyproject = app.dir, app.pyproject()
    tools = found(app_dir)
    requested = env.get(ENV_VAR, "").strip()
    if requested:
        if requested not in MANAGERS:
            raise messages.unknown_package_manager(ENV_VAR, requested, MANAGERS)
        if requested == PIP and not tools:
            return _without_manager_files(app_dir, pyproject)  # pip from pyproject.toml, or the error that fits
        if requested not in tools:
            wanted = [name for name, manager in MANAGER_FILES if manager == requested]
            raise messages.package_manager_not_present(ENV_VAR, requested, wanted, [file for files in tools.values() for file in files])
        return Choice(requested, tuple(tools[requested]), f"{ENV_VAR}={requested}" if len(tools) > 1 else None)
    if len(tools) > 1:
        raise messages.several_package_managers(tools, ENV_VAR)
    if tools:
        ((manager, files),) = tools.items()
        return Choice(manager, tuple(files))
    return _without_manager_files(app_dir, pyproject)


def warnings(app_dir: Path, choice: Choice) -> list[messages.Warning]:
    """What the choice leaves unused that the app might have meant: a Pipfile without its lock, beside pip's files."""
    if choice.manager == PIP and not choice.from_pyproject and _is_file(app_dir, "Pipfile") and not _is_file(app_dir, "Pipfile.lock"):
        return [messages.pipfile_without_lock_not_used(list(choice.files))]
    return []


def _without_manager_files(app_dir: Path, pyproject: dict | None) -> Choice:
    """No lock or requirements file: pyproject.toml's own dependencies, or the error that fits what the app has."""
    if pyproject is not None:
        tool = pyproject.get("tool")
        if isinstance(tool, dict) and "poetry" in tool:
            raise messages.poetry_project_without_lock()
        if isinstance(pyproject.get("project"), dict):
            return Choice(PIP, (PYPROJECT,))
    if _is_file(app_dir, "Pipfile"):
        raise messages.pipfile_without_lock()
    if _is_file(app_dir, "pdm.lock"):
        raise messages.pdm_not_supported()
    misspelt = requirements.misspelt_file(app_dir)
    if misspelt:
        raise messages.misspelt_requirements(misspelt, requirements.REQUIREMENTS_TXT)
    for name in ("setup.py", "setup.cfg"):
        if _is_file(app_dir, name):
            raise messages.setup_py_not_supported(name)
    if pyproject is not None:
        raise messages.pyproject_without_dependencies(PYPROJECT)
    venvs = committed_venvs(app_dir)
    if venvs:
        raise messages.venv_instead_of_dependencies(venvs[0])
    raise messages.no_package_manager_files()
