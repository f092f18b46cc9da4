"""Bytecode for the modules an installer left without it, compiled a process per core.

pip compiles each module it installs in its one process, after unpacking it: for a Django app's 1,700
modules about 3 s of a cold build on one core, with the other idle. So pip runs with compiling off
(`PIP_COMPILE=0`, layers/venv.py), Poetry without `--compile`, and this step compiles whatever has no
bytecode after any installer, on every core. The files are the ones pip would write: both go through
py_compile, which writes checked hash-based .pyc (PEP 552) while SOURCE_DATE_EPOCH is set.
"""

from __future__ import annotations

from pathlib import Path

from cnb import commands
from cnb.log import Logger

from . import messages

WORKER = Path(__file__).with_name("bytecode_worker.py")


def site_packages(root: Path) -> list[Path]:
    """An environment's (or an install prefix's) site-packages folders."""
    return sorted(root.glob("lib/python*/site-packages"))


def compile_missing(log: Logger, python: Path, roots: list[Path], env: dict[str, str]) -> None:
    """Compile, with `python` (the runtime that will import them), every module under `roots` that has no bytecode."""
    folders = [folder for root in roots for folder in site_packages(root)]
    if not folders:
        return
    with log.timed("Compiling bytecode"):
        code, output = commands.run(log, [str(python), "-I", str(WORKER), *map(str, folders)], env=env, quiet=True)
        if code != 0:
            raise messages.bytecode_failed(output)
        log.detail(f"{output[-1] if output else 0} modules compiled")
