"""The `venv` layer: the app's dependencies in a virtual environment, reused while its key holds.

The key covers every requirements file's content, the extra packages other buildpacks asked
for, and the exact runtime (which fixes the Python version, distro, arch and pip). When it
holds, no installer runs at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from cnb import commands
from cnb.layers import CacheDecision, Layer, Layers
from cnb.log import Logger

from .. import messages

LAYER_NAME = "venv"
PIP_CACHE_LAYER_NAME = "pip-cache"
# Bump when the layout of the layer changes, to discard every cached environment.
LAYER_SCHEMA = 1
# With SOURCE_DATE_EPOCH set, py_compile writes hash-based .pyc files (PEP 552), so the same
# inputs give the same bytes. 315532801 is 1980-01-01T00:00:01Z, the earliest time a zip
# (and so a wheel) can record; Heroku's Python CNB uses the same value.
SOURCE_DATE_EPOCH = "315532801"


@dataclass(frozen=True)
class VenvMetadata:
    layer_schema: int
    python_version: str
    runtime_sha256: str
    requirements_digest: str
    extra_packages: list[str]


def decide(cached: dict, wanted: VenvMetadata) -> CacheDecision:
    """Reuse the environment only while its key (every input of the install) is unchanged."""
    if not cached:
        return CacheDecision(cached=False)
    reasons = []
    if cached.get("layer_schema") != wanted.layer_schema:
        reasons.append("the buildpack's environment layout changed")
    if cached.get("python_version") != wanted.python_version:
        reasons.append(f"the Python version changed ({cached.get('python_version')} to {wanted.python_version})")
    elif cached.get("runtime_sha256") != wanted.runtime_sha256:
        reasons.append("the Python runtime was rebuilt")
    if cached.get("requirements_digest") != wanted.requirements_digest:
        reasons.append("the requirements files changed")
    if cached.get("extra_packages") != wanted.extra_packages:
        reasons.append("the packages other buildpacks asked for changed")
    return CacheDecision(cached=True, reasons=tuple(reasons))


def plan(layers: Layers, wanted: VenvMetadata) -> tuple[Layer, CacheDecision]:
    layer = layers.get(LAYER_NAME)
    return layer, decide(layer.metadata(), wanted)


def install(
    log: Logger, layers: Layers, layer: Layer, wanted: VenvMetadata, decision: CacheDecision,
    python: Path, requirements_file: Path, app_dir: Path, env: dict[str, str],
) -> None:
    # pip's wheel cache: kept between builds, never in the image. Declared on every build,
    # else the lifecycle would drop it from the cache.
    pip_cache = layers.get(PIP_CACHE_LAYER_NAME)
    pip_cache.path.mkdir(parents=True, exist_ok=True)
    pip_cache.commit(cache=True)
    decision.log(log, "virtual environment")
    if decision.reuse:
        log.detail("The requirements files, extra packages and runtime are unchanged: no installer runs")
    else:
        layer.reset()
        pip_env = {
            **env,
            "PIP_CACHE_DIR": str(pip_cache.path),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_PROGRESS_BAR": "off",
            "PYTHONUNBUFFERED": "1",
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        }
        with log.timed("Creating virtual environment"):
            code, output = commands.run(log, [str(python), "-m", "venv", "--without-pip", str(layer.path)], env=pip_env, quiet=True)
            if code != 0:
                raise messages.venv_creation_failed(output)
        venv_python = str(layer.path / "bin" / "python")
        # The runtime's own pip installs into the environment (`--python`), so pip itself
        # is not one of the app's packages.
        pip = [str(python), "-m", "pip", "--python", venv_python]
        with log.timed(f"Installing dependencies from {requirements_file.relative_to(app_dir)}"):
            code, output = commands.run(log, [*pip, "install", "-r", str(requirements_file), *wanted.extra_packages], env=pip_env, cwd=app_dir)
            if code != 0:
                raise messages.pip_install_failed(output)
        code, output = commands.run(log, [*pip, "check"], env=pip_env, quiet=True)
        if code != 0:
            raise messages.pip_check_failed(output)
    layer.set_env("VIRTUAL_ENV", str(layer.path))
    layer.commit(build=True, launch=True, cache=True, metadata=asdict(wanted))
