"""The `python` layer: a CPython runtime from the index, reused while nothing about it changed.

Launch-only, reused from the previous image; its build copy is `python-copy` (cnb.reuse), which also
holds the runtime's pip as a zip app for the build (pip_zipapp): pip is not in the image.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from cnb.context import Target
from cnb.layers import CacheDecision, Layers
from cnb.log import Logger
from cnb.reuse import How, LayerPlan, ReuseDecision, ReusableLayer

from .. import messages, pip_zipapp, relocation, runtime_index
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
    # The runtime's text files name the folder it was installed at (`relocation`).
    path: str

    @classmethod
    def wanted(cls, runtime: Runtime, target: Target, path: Path) -> "RuntimeMetadata":
        return cls(runtime.version, target.arch, runtime.distro_name, runtime.distro_version, runtime.sha256, str(path))


def decide(cached: dict, wanted: RuntimeMetadata) -> CacheDecision:
    """Reuse the cached runtime only if nothing it was built from changed."""
    if not cached:
        return CacheDecision(cached=False)
    labels = {
        "python_version": "the Python version",
        "arch": "the architecture",
        "distro_name": "the distribution",
        "distro_version": "the distribution version",
        "sha256": "the runtime archive",
        "path": "the layer's folder",
    }
    return CacheDecision(cached=True, reasons=tuple(
        f"{label} changed ({cached.get(field, 'unknown')} to {getattr(wanted, field)})"
        if field != "sha256" else f"{label} changed (a new build of Python {wanted.python_version})"
        for field, label in labels.items()
        if cached.get(field) != getattr(wanted, field)
    ))


def plan(layers: Layers, runtime: Runtime, target: Target) -> LayerPlan[RuntimeMetadata]:
    layer = ReusableLayer(layers, LAYER_NAME)
    wanted = RuntimeMetadata.wanted(runtime, target, layer.path)
    restored = layer.restore()
    problems = restored.copy_problems
    if restored.copy and not problems and not (layer.copy.path / pip_zipapp.ZIPAPP_NAME).is_file():
        # A copy made before pip moved out of the runtime, or one cut short before its zip app was moved in.
        problems = (f"it has no {pip_zipapp.ZIPAPP_NAME} (pip for the build)",)
    cache = CacheDecision.untrusted(problems) if problems else decide(restored.copy, wanted)
    return LayerPlan(layer, wanted, ReuseDecision.of(restored, asdict(wanted), cache))


def install(log: Logger, plan: LayerPlan[RuntimeMetadata], index: RuntimeIndex, runtime: Runtime, *, needed: bool) -> Path:
    """Make the layer hold `runtime` (its files only if `needed` at build time) and return its `python3`."""
    layer, wanted, decision = plan.layer, plan.wanted, plan.decision
    decision.log(log, f"Python {wanted.python_version}")
    if decision.how is How.KEEP:
        layer.keep(asdict(wanted))
        if needed:
            with log.timed("Unpacking the runtime from the build cache, for this build's steps"):
                layer.materialize()
    elif decision.how is How.MATERIALIZE:
        layer.layer.invalidate()
        with log.timed("Unpacking the runtime from the build cache"):
            layer.materialize()
        _commit(layer, wanted, copy_changed=False)
    else:
        layer.reset()
        with log.timed(f"Installing Python {runtime.version}"), tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "python.tar.gz"
            runtime_index.fetch_archive(index, runtime, archive)
            zipapp = Path(tmp) / pip_zipapp.ZIPAPP_NAME
            _unpack(archive, layer.path, zipapp, runtime.version)
            pip_zipapp.link(layer.path, layer.copy.path / pip_zipapp.ZIPAPP_NAME)
            rewritten = relocation.relocate(layer.path)
            if rewritten:
                log.detail(f"Rewrote {rewritten} files of the runtime (sysconfig, python3-config, pkg-config, scripts) "
                           f"to name {layer.path}")
            _commit(layer, wanted, copy_changed=True)
            # After the copy's archive: committing a changed copy starts its folder anew.
            shutil.move(zipapp, layer.copy.path / pip_zipapp.ZIPAPP_NAME)
    return layer.path / "bin" / "python3"


def _unpack(archive: Path, folder: Path, zipapp: Path, version: str) -> None:
    """Unpack the runtime without pip into `folder`, and pip into `zipapp` (pip_zipapp), at once."""
    # The archive's top-level folder is `python/` (python-build-standalone's layout); the layer
    # itself becomes that folder, so its bin/ and lib/ go on PATH.
    with subprocess.Popen(["tar", "-xzf", str(archive), "-C", str(folder), "--strip-components=1",
                           *(f"--exclude={pattern}" for pattern in pip_zipapp.ARCHIVE_EXCLUDES)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as tar:
        try:
            pip_zipapp.write(archive, zipapp)
        except pip_zipapp.PipMissing:
            tar.kill()
            raise messages.runtime_without_pip(version) from None
        except (tarfile.TarError, OSError) as error:
            tar.kill()
            raise messages.runtime_extract_failed(version, str(error)) from None
        finally:
            errors = tar.communicate()[1]
    if tar.returncode != 0:
        raise messages.runtime_extract_failed(version, errors)


def _commit(layer: ReusableLayer, wanted: RuntimeMetadata, *, copy_changed: bool) -> None:
    # Heroku sets the same: output reaches the log at once, and text I/O is UTF-8.
    layer.layer.set_env("PYTHONUNBUFFERED", "1", action="default")
    layer.layer.set_env("LANG", "C.UTF-8", action="default")
    layer.commit(asdict(wanted), copy_changed=copy_changed)
