"""The `python` layer: a CPython runtime from the index, reused while nothing about it changed."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from cnb.context import Target
from cnb.layers import Layer, Layers
from cnb.log import Logger

from .. import runtime_index
from ..runtime_index import Runtime, RuntimeIndex

LAYER_NAME = "python"


@dataclass(frozen=True)
class RuntimeMetadata:
    """What the cached runtime was built from; any difference means reinstalling."""

    python_version: str
    arch: str
    distro_name: str
    distro_version: str
    sha256: str

    @classmethod
    def wanted(cls, runtime: Runtime, target: Target) -> "RuntimeMetadata":
        return cls(runtime.version, target.arch, runtime.distro_name, runtime.distro_version, runtime.sha256)


def reasons_to_discard(cached: dict, wanted: RuntimeMetadata) -> list[str]:
    """Every reason the cached layer cannot be reused; empty means reuse it."""
    if not cached:
        return ["there is no cached runtime"]
    labels = {
        "python_version": "the Python version",
        "arch": "the architecture",
        "distro_name": "the distribution",
        "distro_version": "the distribution version",
        "sha256": "the runtime archive",
    }
    return [
        f"{label} changed ({cached.get(field, 'unknown')} to {getattr(wanted, field)})"
        if field != "sha256" else f"{label} changed (a new build of Python {wanted.python_version})"
        for field, label in labels.items()
        if cached.get(field) != getattr(wanted, field)
    ]


def plan(layers: Layers, runtime: Runtime, target: Target) -> tuple[Layer, RuntimeMetadata, list[str]]:
    layer = layers.get(LAYER_NAME)
    wanted = RuntimeMetadata.wanted(runtime, target)
    return layer, wanted, reasons_to_discard(layer.metadata(), wanted)


def install(log: Logger, layer: Layer, wanted: RuntimeMetadata, reasons: list[str], index: RuntimeIndex, runtime: Runtime) -> Path:
    """Make the layer hold `runtime` and return its `python3`."""
    if not reasons:
        log.step(f"Using cached Python {wanted.python_version}")
    else:
        if reasons != ["there is no cached runtime"]:
            log.step("Discarding cached Python since:")
            for reason in reasons:
                log.detail(f"- {reason}")
        layer.reset()
        with log.timed(f"Installing Python {runtime.version}"), tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "python.tar.gz"
            runtime_index.fetch_archive(index, runtime, archive)
            # The archive's top-level folder is `python/` (python-build-standalone's layout);
            # the layer itself becomes that folder, so its bin/ and lib/ go on PATH.
            subprocess.run(["tar", "-xzf", str(archive), "-C", str(layer.path), "--strip-components=1"], check=True)
    # Heroku sets the same: output reaches the log at once, and text I/O is UTF-8.
    layer.set_env("PYTHONUNBUFFERED", "1", action="default")
    layer.set_env("LANG", "C.UTF-8", action="default")
    layer.commit(build=True, launch=True, cache=True, metadata=asdict(wanted))
    return layer.path / "bin" / "python3"
