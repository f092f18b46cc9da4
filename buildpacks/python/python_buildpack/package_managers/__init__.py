"""Package managers: which one installs the app's dependencies (choice.py, with the table of them), and one module per tool.

Every tool's module has `read(app, choice, env)`, which reads and checks the app's files before
anything is downloaded and returns its `interface.Dependencies`: the files that key the environment's
cache, the warnings, and `installer(context)`, which prepares the tool (a build-only layer) and returns
the `layers.venv.Installer` that brings the environment to exactly the locked dependencies.
"""

from __future__ import annotations

from ..app import App
from .choice import (
    BY_NAME, ENV_VAR, MANAGER_FILES, MANAGERS, OTHER_PYTHON_FILES, PACKAGE_MANAGERS, PIP, PIPENV, POETRY, PYPROJECT, UV, Choice, choose,
    committed_venvs, found, is_python_app, warnings,
)
from .interface import Dependencies, InstallContext

__all__ = [
    "ENV_VAR", "MANAGER_FILES", "MANAGERS", "OTHER_PYTHON_FILES", "PACKAGE_MANAGERS", "PIP", "PIPENV", "POETRY", "PYPROJECT", "UV",
    "Choice", "Dependencies", "InstallContext", "choose", "committed_venvs", "found", "is_python_app", "read", "warnings",
]


def read(app: App, choice: Choice, env: dict[str, str]) -> Dependencies:
    """The chosen tool's inputs, read and checked before anything is downloaded."""
    return BY_NAME[choice.manager].read(app, choice, env)
