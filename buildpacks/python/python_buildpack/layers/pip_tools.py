"""The `pip-tools` layer: pip-compile, to pin an app that has only requirements.in.

Build-time only and cached: it never reaches the image. It runs only when the app's
environment cannot be reused, so an unchanged requirements.in costs nothing.
"""

from __future__ import annotations

from pathlib import Path

from cnb import commands
from cnb.layers import Layers
from cnb.log import Logger

from .. import messages

LAYER_NAME = "pip-tools"
PIP_TOOLS_VERSION = "7.6.2"


def _ensure_installed(log: Logger, layers: Layers, python: Path, runtime_sha256: str, env: dict[str, str]) -> Path:
    layer = layers.get(LAYER_NAME)
    wanted = {"pip_tools_version": PIP_TOOLS_VERSION, "runtime_sha256": runtime_sha256}
    if layer.metadata() == wanted:
        log.step(f"Using cached pip-tools {PIP_TOOLS_VERSION}")
    else:
        layer.reset()
        with log.timed(f"Installing pip-tools {PIP_TOOLS_VERSION} (for this build only)"):
            for argv in ([str(python), "-m", "venv", str(layer.path)], [str(layer.path / "bin" / "python"), "-m", "pip", "install", "--quiet", f"pip-tools=={PIP_TOOLS_VERSION}"]):
                code, output = commands.run(log, argv, env=env)
                if code != 0:
                    raise messages.pip_tools_install_failed(output)
    layer.commit(cache=True, metadata=wanted)
    return layer.path / "bin" / "pip-compile"


def compile_requirements(
    log: Logger, layers: Layers, python: Path, runtime_sha256: str, requirements_in: Path, output: Path, env: dict[str, str],
) -> Path:
    """Pin `requirements_in` into `output` (outside the app) and log the pinned result."""
    pip_compile = _ensure_installed(log, layers, python, runtime_sha256, env)
    with log.timed(f"Resolving {requirements_in.name} with pip-compile"):
        argv = [str(pip_compile), "--quiet", "--strip-extras", "--no-header", "--no-emit-index-url", "--output-file", str(output), str(requirements_in)]
        code, lines = commands.run(log, argv, env=env, cwd=requirements_in.parent)
        if code != 0:
            raise messages.pip_compile_failed(requirements_in.name, lines)
    log.detail("Pinned:")
    for line in output.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            log.detail(f"  {line.strip()}")
    return output
