"""Approach B's base images: each pycnb stack image plus the CPython archive the buildpack
installs, standing in for python:3.13 (build) and python:3.13-slim (run). Rebuilt only when
the stack image or the archive changes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import docker
from docker.errors import APIError, BuildError, ImageNotFound

from .. import runtimes, shell
from ..errors import StepError
from ..paths import ROOT
from ..stacks import TRIXIE

STEP = "bench"
PYTHON_VERSION = "3.13"
BUILD_IMAGE = f"pycnb-bench/python:{PYTHON_VERSION}"
SLIM_IMAGE = f"pycnb-bench/python:{PYTHON_VERSION}-slim"
DOCKERFILE = ROOT / "benchmarks" / "dockerfile" / "python-base.Dockerfile"
INPUTS_LABEL = "io.pycnb.bench.inputs"


def runtime_archive(client: docker.DockerClient) -> tuple[Path, dict]:
    """The newest PYTHON_VERSION archive of the runtime index, and its index entry."""
    index = runtimes.build_all(client)
    entries = [entry for entry in json.loads(index.read_text())["runtimes"] if entry["version"].startswith(PYTHON_VERSION + ".")]
    entry = max(entries, key=lambda item: [int(part) for part in item["version"].split(".")])
    return index.parent / entry["url"], entry


def _build(client: docker.DockerClient, tag: str, stack_image: str, archive: Path, inputs: str) -> None:
    with tempfile.TemporaryDirectory(prefix="pycnb-bench-base-") as context:
        try:
            os.link(archive, Path(context) / "cpython.tar.gz")
        except OSError:
            shutil.copyfile(archive, Path(context) / "cpython.tar.gz")
        shutil.copyfile(DOCKERFILE, Path(context) / "Dockerfile")
        shell.say(f"Building {tag} from {stack_image} and {archive.name}")
        try:
            client.images.build(path=context, tag=tag, buildargs={"STACK_IMAGE": stack_image}, labels={INPUTS_LABEL: inputs},
                                network_mode="host", pull=False, rm=True)
        except (BuildError, APIError) as error:
            raise StepError(STEP, f"building {tag} failed: {error}", f"fix {DOCKERFILE.relative_to(ROOT)}") from None


def ensure(client: docker.DockerClient) -> str:
    """Both base images, up to date; returns the CPython version they carry."""
    archive, entry = runtime_archive(client)
    for tag, stack_image in ((BUILD_IMAGE, TRIXIE.build_image), (SLIM_IMAGE, TRIXIE.run_image)):
        recipe = f"{client.images.get(stack_image).id} {entry['sha256']} {hashlib.sha256(DOCKERFILE.read_bytes()).hexdigest()}"
        inputs = hashlib.sha256(recipe.encode()).hexdigest()
        try:
            current = client.images.get(tag).labels.get(INPUTS_LABEL)
        except ImageNotFound:
            current = None
        if current != inputs:
            _build(client, tag, stack_image, archive, inputs)
    return entry["version"]
