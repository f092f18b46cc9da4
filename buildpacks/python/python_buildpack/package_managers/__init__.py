"""Package managers: which one installs the app's dependencies (choice.py), and one module per tool.

Every tool's module has `read(app, choice, env)`, which reads and checks the app's files
before anything is downloaded and returns the tool's inputs: the files that key the environment's
cache, the warnings, and `installer(...)`, which prepares the tool (a build-only layer) and returns
the `layers.venv.Installer` that brings the environment to exactly the locked dependencies.
"""

from __future__ import annotations

from ..app import App
from . import pip, pipenv, poetry, uv
from .choice import (
    ENV_VAR, MANAGER_FILES, MANAGERS, OTHER_PYTHON_FILES, PIP, PIPENV, POETRY, PYPROJECT, UV, Choice, choose, committed_venvs, found,
    is_python_app, warnings,
)

__all__ = [
    "ENV_VAR", "MANAGER_FILES", "MANAGERS", "OTHER_PYTHON_FILES", "PIP", "PIPENV", "POETRY", "PYPROJECT", "UV", "Choice", "choose",
    "committed_venvs", "found", "is_python_app", "read", "warnings",
]

_READERS = {PIP: pip.read, UV: uv.read, POETRY: poetry.read, PIPENV: pipenv.read}


def read(app: App, choice: Choice, env: dict[str, str]):
    """The chosen tool's inputs, read and checked before anything is downloaded."""
    return _READERS[choice.manager](app, choice, env)
