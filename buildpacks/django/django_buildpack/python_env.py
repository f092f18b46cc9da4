"""The app's Python at build time. pycnb/python keeps its runtime and environment in the previous
image; its program (`PYCNB_PYTHON_ENV`, pycnb/python's layers/build_env.py) gives their files on request."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from cnb.log import Logger

from . import messages

PROGRAM_ENV_VAR = "PYCNB_PYTHON_ENV"


class AppPython:
    """The app's Python for the build's steps that only read it (importing the settings, collecting
    static files): found, or unpacked outside the layers, on first use; removed on exit."""

    def __init__(self, log: Logger) -> None:
        self.log = log
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
                python = Path(_run(self.log, env, "read-only", self._scratch.name))
                venv = python.parent.parent
                self._found = (python, {**env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}"})
        return self._found


def release(log: Logger, env: dict[str, str]) -> None:
    """Remove what was unpacked into the layers' own folders, if unchanged, so the export reuses the image's layers."""
    if env.get(PROGRAM_ENV_VAR):
        _run(log, env, "release")


def _run(log: Logger, env: dict[str, str], *command: str) -> str:
    result = subprocess.run([env[PROGRAM_ENV_VAR], *command], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    for line in result.stderr.splitlines():
        log.detail(line)
    if result.returncode != 0:
        raise messages.python_env_failed(command[0], result.stderr)
    return result.stdout.strip()
