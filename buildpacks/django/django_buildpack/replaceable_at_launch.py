"""The launch layer whose exec.d program gives the app's user its own copies of the files in the
replaceable folders (cnb.permissions), before each process that rewrites them, and no other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cnb.launch import PROCESS_TYPE
from cnb.layers import Layers

LAYER_NAME = "replaceable-files"
PROGRAM = "own-replaceable-files"


def write(layers: Layers, buildpack_dir: Path, folders: dict[Path, str], processes: list[str]) -> list[str]:
    """Write the layer for `folders` (absolute path -> why) and the `processes` that rewrite them;
    return the processes it runs for. With no folder or no process, there is no layer."""
    layer = layers.get(LAYER_NAME)
    layer.reset()
    processes = sorted({name for name in processes if PROCESS_TYPE.fullmatch(name)})
    if not folders or not processes:
        # No toml: the lifecycle neither exports the layer nor reuses the previous image's.
        shutil.rmtree(layer.path)
        return []
    document = {"folders": {str(path): reason for path, reason in sorted(folders.items())}}
    (layer.path / "folders.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    source = buildpack_dir / "django_buildpack" / "exec.d" / PROGRAM
    for process in processes:
        program = layer.path / "exec.d" / process / PROGRAM
        program.parent.mkdir(parents=True)
        shutil.copy2(source, program)
        program.chmod(0o755)
    layer.commit(launch=True)
    return processes
