"""The app's Python at build time, as pycnb/python hands it to the buildpacks after it.

pycnb/python keeps its runtime and environment in the previous image (cnb.reuse); its `build-env`
layer (python_buildpack/layers/build_env.py) names a program in PROGRAM_ENV_VAR that gives their
files on request (python_buildpack/build_env_program.py), and a digest of what the environment was
made from in KEY_ENV_VAR, and which package manager installed the app's dependencies from which file
(docs/design/package-manager-across-buildpacks.md). Both sides read the names from here.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from .log import Logger

PROGRAM_ENV_VAR = "PYCNB_PYTHON_ENV"
# A digest of everything the environment was made from: a later buildpack keys its own caches by it.
KEY_ENV_VAR = "PYCNB_PYTHON_ENV_KEY"
# The same for the environment layer alone, without what was added on top of it (the venv-delta layer), and
# a JSON file listing what was added: `[{"name", "version", "top_level": [modules], "pth": bool}]`, empty
# when nothing was. A later buildpack whose work imports none of the added modules may key by the first.
BASE_KEY_ENV_VAR = "PYCNB_PYTHON_ENV_BASE_KEY"
ADDED_ENV_VAR = "PYCNB_PYTHON_ENV_ADDED"
# With those two: the app's files the environment was made from (JSON list of paths in the app), which the
# two stand for.
DEPENDENCY_FILES_ENV_VAR = "PYCNB_PYTHON_DEPENDENCY_FILES"
# The tool pycnb/python chose (pip, uv, poetry, pipenv), and the first of the app's files that named it
# (pyproject.toml when pip installs pyproject.toml's dependencies).
PACKAGE_MANAGER_ENV_VAR = "PYCNB_PYTHON_PACKAGE_MANAGER"
DEPENDENCY_FILE_ENV_VAR = "PYCNB_PYTHON_DEPENDENCY_FILE"

# The error a buildpack raises when the program fails: failed(command, its stderr); each words it in its own messages.
Failed = Callable[[str, str], Exception]


def chosen(env: dict[str, str]) -> tuple[str, str] | None:
    """(package manager, dependency file) as pycnb/python chose them, or None when no such buildpack ran before."""
    manager, file = env.get(PACKAGE_MANAGER_ENV_VAR, "").strip(), env.get(DEPENDENCY_FILE_ENV_VAR, "").strip()
    return (manager, file) if manager and file else None


class AppPython:
    """The app's Python for the build's steps that only read it (importing the settings, collecting
    static files): found, or unpacked outside the layers, on first use; removed on exit."""

    def __init__(self, log: Logger, failed: Failed) -> None:
        self.log = log
        self.failed = failed
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._found: tuple[Path, dict[str, str]] | None = None

    def __enter__(self) -> "AppPython":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()

    def get(self, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
        """The `python` to run, and the env it runs with."""
        if self._found is None:
            program = env.get(PROGRAM_ENV_VAR)
            if not program:
                # A Python buildpack whose layers are build layers: the environment is in place.
                self._found = (Path(env["VIRTUAL_ENV"]) / "bin" / "python", env)
            else:
                self._scratch = tempfile.TemporaryDirectory(prefix="pycnb-python-")
                python = Path(_run(self.log, self.failed, env, "read-only", self._scratch.name))
                venv = python.parent.parent
                self._found = (python, {**env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}"})
        return self._found


def release(log: Logger, failed: Failed, env: dict[str, str]) -> None:
    """Remove what was unpacked into the layers' own folders, if unchanged, so the export reuses the image's layers."""
    if env.get(PROGRAM_ENV_VAR):
        _run(log, failed, env, "release")


def _run(log: Logger, failed: Failed, env: dict[str, str], *command: str) -> str:
    result = subprocess.run([env[PROGRAM_ENV_VAR], *command], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    for line in result.stderr.splitlines():
        log.detail(line)
    if result.returncode != 0:
        raise failed(command[0], result.stderr)
    return result.stdout.strip()
