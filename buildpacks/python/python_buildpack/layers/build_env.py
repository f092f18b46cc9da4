"""The `build-env` layer: Python for the buildpacks after this one, when the runtime and environment are kept.

A kept layer has no files during the build (cnb.reuse). This build-only layer gives later buildpacks
what the runtime and environment layers gave them when they were build layers: `VIRTUAL_ENV`, the
environment's `bin/` on `PATH`, and `python`, which first unpacks what is kept. Its program,
named by `PYCNB_PYTHON_ENV` (cnb.python_env), does the same on request (`materialize`), and removes the unpacked files
again when they are unchanged (`release`), so the exporter reuses the previous image's layers.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

from cnb import python_env
from cnb.layers import Layers
from cnb.reuse import STATE_FILE, ReusableLayer, State

from . import venv_delta
from .venv import VenvMetadata

LAYER_NAME = "build-env"
# The names later buildpacks read them by (cnb.python_env).
PROGRAM_ENV_VAR = python_env.PROGRAM_ENV_VAR
KEY_ENV_VAR = python_env.KEY_ENV_VAR
PROGRAM = "pycnb-python-env"
# The program's code, in this buildpack; it runs on the build image's python3 like bin/build.
PROGRAM_MODULE = Path(__file__).resolve().parent.parent / "build_env_program.py"


def environment_key(wanted: VenvMetadata) -> str:
    # Metadata read back from the lifecycle's cache has its integers as floats (2.0): the key must not change.
    fields = {name: int(value) if isinstance(value, float) and value.is_integer() else value for name, value in asdict(wanted).items()}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def write(layers: Layers, venv: Path, runtime: Path, kept: list[ReusableLayer], wanted: VenvMetadata, dependency_file: str,
          base: VenvMetadata | None = None, added: list[dict] | None = None, dependency_files: list[str] = ()) -> None:
    """`base` and `added`: the environment layer's own key and what the delta added on top of it, when known;
    `dependency_files`: the app's files (paths in the app) the environment was made from."""
    layer = layers.get(LAYER_NAME)
    layer.reset()
    bin_dir = layer.path / "bin"
    bin_dir.mkdir()
    state = layer.path / STATE_FILE
    State(state).write(kept, materialized=[entry for entry in kept if entry.path.is_dir()])
    # The build image's python3 by absolute path: `python3` on PATH may be the environment's.
    program = bin_dir / PROGRAM
    program.write_text(f'#!/bin/sh\nexec {sys.executable} -I {PROGRAM_MODULE} {state} {venv} {runtime} "$@"\n', encoding="utf-8")
    # `python` only: buildpacks' own bin/detect and bin/build run `python3`, the build image's, and
    # must not unpack anything.
    (bin_dir / "python").write_text(f'#!/bin/sh\n{program} materialize >&2 || exit $?\nexec {venv}/bin/python "$@"\n', encoding="utf-8")
    for path in bin_dir.iterdir():
        path.chmod(0o755)
    layer.set_env("VIRTUAL_ENV", str(venv), scope="build")
    # The delta's scripts (venv_delta) first: they are the ones the environment's bin/ lacks. On PATH with or
    # without a delta, so that PATH is the same whether a package was added or not (later buildpacks key by the env).
    layer.set_env("PATH", f"{venv.parent / venv_delta.LAYER_NAME}/bin:{venv}/bin", scope="build", action="prepend", delim=":")
    layer.set_env(PROGRAM_ENV_VAR, str(program), scope="build")
    layer.set_env(KEY_ENV_VAR, environment_key(wanted), scope="build")
    if base is not None and added is not None:
        added_file = layer.path / venv_delta.ADDED_FILE
        added_file.write_text(json.dumps(added), encoding="utf-8")
        layer.set_env(python_env.BASE_KEY_ENV_VAR, environment_key(base), scope="build")
        layer.set_env(python_env.ADDED_ENV_VAR, str(added_file), scope="build")
        layer.set_env(python_env.DEPENDENCY_FILES_ENV_VAR, json.dumps(sorted(dependency_files)), scope="build")
    # Which tool installed the app's dependencies from which file: later buildpacks do not choose again.
    layer.set_env(python_env.PACKAGE_MANAGER_ENV_VAR, wanted.package_manager, scope="build")
    layer.set_env(python_env.DEPENDENCY_FILE_ENV_VAR, dependency_file, scope="build")
    layer.set_env("PYTHONUNBUFFERED", "1", scope="build", action="default")
    layer.set_env("LANG", "C.UTF-8", scope="build", action="default")
    layer.commit(build=True)
