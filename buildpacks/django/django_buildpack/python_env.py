"""The Python layers at build time: pycnb/python keeps its runtime and environment in the previous
image and gives their files only on request (pycnb/python's layers/build_env.py)."""

from __future__ import annotations

import subprocess

from cnb.log import Logger

from . import messages

PROGRAM_ENV_VAR = "PYCNB_PYTHON_ENV"


def materialize(log: Logger, env: dict[str, str]) -> None:
    """Unpack the kept runtime and environment, before the app's Python runs."""
    _run(log, env, "materialize")


def release(log: Logger, env: dict[str, str]) -> None:
    """Remove what `materialize` unpacked, if unchanged, so the export reuses the image's layers."""
    _run(log, env, "release")


def _run(log: Logger, env: dict[str, str], command: str) -> None:
    program = env.get(PROGRAM_ENV_VAR)
    if not program:
        return  # a Python buildpack that keeps its layers as build layers
    result = subprocess.run([program, command], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    for line in result.stderr.splitlines():
        log.detail(line)
    if result.returncode != 0:
        raise messages.python_env_failed(command, result.stderr)
