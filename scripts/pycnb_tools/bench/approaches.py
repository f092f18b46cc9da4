"""The three ways of producing the reference app, each able to start cold and to rebuild:
A. pycnb (`pack build` with our builder), B. the Dockerfile a user would write (BuildKit),
C. the floor: the same install and collectstatic in a fresh container, with no image at all."""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import docker
from docker.errors import ContainerError, ImageNotFound, NotFound

from .. import app, pack, toolchain
from ..builder import BUILDER_IMAGE, GIS_BUILDER_IMAGE
from ..errors import StepError
from ..paths import ROOT
from . import base_images, poetry_project, scenarios
from .measure import PeakMemory

STEP = "bench"
DOCKERFILE = ROOT / "benchmarks" / "dockerfile" / "Dockerfile"
TIMESTAMP = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d+) (.*)$")
# Lines of `pack build --timestamps` that start a phase of the profile: the lifecycle's phases,
# then each section our buildpacks print inside BUILDING.
PHASE_START = re.compile(r"^(===> [A-Z]+|## .+|Saving .+\.\.\.|Adding cache layer .+)$")


@dataclass
class Build:
    seconds: float
    peak_memory: int | None
    phases: dict[str, float] = field(default_factory=dict)


def _timed(argv: list[str], env: dict[str, str], what: str) -> tuple[float, int | None, str]:
    """Run `argv`; its wall time, the containers' peak memory meanwhile, and its output."""
    with PeakMemory() as memory:
        started = time.monotonic()
        result = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        seconds = time.monotonic() - started
    if result.returncode != 0:
        raise StepError(STEP, f"{what} failed (exit {result.returncode}):\n{(result.stdout + result.stderr)[-4000:]}",
                        "read the build output above")
    return seconds, memory.peak, result.stdout + result.stderr


def phase_profile(log: str) -> dict[str, float]:
    """Seconds per phase from `pack build --timestamps` output: the time from each phase's first
    line to the next phase's; cache layer writes are added up under one name."""
    marks: list[tuple[str, datetime]] = []
    last = None
    for line in log.splitlines():
        # pack stamps each write, not each line: a line without a stamp shares the last one.
        match = TIMESTAMP.match(line)
        if match:
            last = datetime.strptime(match.group(1), "%Y/%m/%d %H:%M:%S.%f")
        if last is None:
            continue
        text = (match.group(2) if match else line).strip()
        if not marks:
            marks.append(("pack start-up", last))
        elif PHASE_START.match(text):
            name = ("export: cache layers" if text.startswith("Adding cache layer")
                    else "export: save image" if text.startswith("Saving ") else text.strip("#=> "))
            if marks[-1][0] != name:
                marks.append((name, last))
    phases: dict[str, float] = {}
    for (name, start), (_, end) in zip(marks, [*marks[1:], ("end", last)]):
        phases[name] = round(phases.get(name, 0.0) + (end - start).total_seconds(), 3)
    return phases


class Pycnb:
    key, title = "A", "pycnb (pack build)"
    builder = BUILDER_IMAGE

    def __init__(self, client: docker.DockerClient, index_url: str) -> None:
        self.client, self.index_url = client, index_url
        self.image: str | None = None

    def start_cold(self, repetition: int) -> None:
        """A name no build has used: no previous image, no cache volumes."""
        self.image = f"pycnb-bench/a:r{repetition}-{os.getpid()}"

    def build_env(self) -> dict[str, str]:
        return {"PIP_INDEX_URL": self.index_url}

    def build(self, app_dir: Path) -> Build:
        arguments = app.pack_build_args(self.image, app_dir, builder=self.builder, env=self.build_env())
        argv = [str(toolchain.pack()), *arguments, "--timestamps"]
        seconds, peak, log = _timed(argv, pack.env(), "pack build")
        return Build(seconds, peak, phase_profile(log))

    def finish(self) -> None:
        """The image and its cache volumes, and only those: pack names them after the image
        (`pack-cache-<image, / and : as _>-<digest>.build`); other builds on the same daemon
        (other work trees' tests) have volumes of their own, some in use."""
        _remove_images(self.client, [self.image])
        prefix = "pack-cache-" + re.sub(r"[/:@]", "_", self.image) + "-"
        for volume in self.client.volumes.list():
            if volume.name.startswith(prefix):
                volume.remove(force=True)


class PycnbWithUv(Pycnb):
    """pycnb with uv installing requirements.txt (`BP_PYTHON_INSTALLER=uv`), against A's pip."""

    key, title = "U", "pycnb, BP_PYTHON_INSTALLER=uv (pack build)"

    def start_cold(self, repetition: int) -> None:
        self.image = f"pycnb-bench/u:r{repetition}-{os.getpid()}"

    def build_env(self) -> dict[str, str]:
        return {**super().build_env(), "BP_PYTHON_INSTALLER": "uv", "UV_DEFAULT_INDEX": self.index_url}


class PycnbWithPoetry(Pycnb):
    """pycnb with the reference app as a Poetry project (pyproject.toml and poetry.lock), against A's pip."""

    key, title = "P", "pycnb, the reference app locked by Poetry (pack build)"

    def __init__(self, client: docker.DockerClient, index_url: str, index: Path) -> None:
        super().__init__(client, index_url)
        self.index = index

    def start_cold(self, repetition: int) -> None:
        self.image = f"pycnb-bench/p:r{repetition}-{os.getpid()}"

    def prepare(self, app_dir: Path) -> None:
        poetry_project.convert(self.client, app_dir, self.index, self.index_url)

    def apply(self, scenario: str, app_dir: Path, repetition: int) -> None:
        poetry_project.apply(self.client, scenario, app_dir, self.index, repetition)


class PycnbGeoDjango(Pycnb):
    """A's build of the reference app with GeoDjango in INSTALLED_APPS: pycnb/django asks pycnb/apt for GDAL,
    GEOS and PROJ (a layer of about 200 MiB), and every Django process at build time loads them."""

    key, title = "G", "pycnb, the reference app with GeoDjango (pack build)"
    scenarios = scenarios.GEODJANGO

    def start_cold(self, repetition: int) -> None:
        self.image = f"pycnb-bench/g:r{repetition}-{os.getpid()}"

    def prepare(self, app_dir: Path) -> None:
        scenarios.add_geodjango(app_dir)


class PycnbGeoDjangoOnGisBuilder(PycnbGeoDjango):
    """G's app on the GIS builder (stacks.GIS): GDAL, GEOS and PROJ are in the stack images, so no apt layer."""

    key, title = "H", "pycnb, the GeoDjango app on the GIS builder (pack build)"
    builder = GIS_BUILDER_IMAGE

    def start_cold(self, repetition: int) -> None:
        self.image = f"pycnb-bench/h:r{repetition}-{os.getpid()}"


class Dockerfile:
    key, title = "B", "Dockerfile (docker buildx build)"

    def __init__(self, client: docker.DockerClient, index_url: str, docker_cli: tuple[str, dict[str, str]]) -> None:
        self.client, self.index_url = client, index_url
        self.docker, self.env = docker_cli
        self.image: str | None = None

    def start_cold(self, repetition: int) -> None:
        """BuildKit's whole cache dropped, pip's cache mount with it; the base images stay, as pulled ones would."""
        self.image = f"pycnb-bench/b:r{repetition}-{os.getpid()}"
        subprocess.run([self.docker, "buildx", "prune", "--all", "--force"], env={**os.environ, **self.env},
                       capture_output=True, check=True)

    def build(self, app_dir: Path) -> Build:
        argv = [self.docker, "buildx", "build", "--network", "host", "--progress", "plain",
                "--build-arg", f"PIP_INDEX_URL={self.index_url}", "--file", str(DOCKERFILE), "--tag", self.image, str(app_dir)]
        seconds, peak, _ = _timed(argv, self.env, "docker buildx build")
        return Build(seconds, peak)

    def finish(self) -> None:
        _remove_images(self.client, [self.image])
        self.client.images.prune(filters={"dangling": True})


FLOOR_SCRIPT = """set -e
[ -d /cache/venv ] || python -m venv /cache/venv
/cache/venv/bin/pip install --quiet -r /src/requirements.txt
cp -r /src /app
cd /app
/cache/venv/bin/python manage.py collectstatic --noinput
"""


class Floor:
    key, title = "C", "floor (install + collectstatic, no image)"
    image = None

    def __init__(self, client: docker.DockerClient, index_url: str) -> None:
        self.client, self.index_url = client, index_url
        self.volume = ""

    def start_cold(self, repetition: int) -> None:
        """An empty volume for the venv and pip's cache, which later rebuilds keep."""
        self.volume = f"pycnb-bench-floor-r{repetition}-{os.getpid()}"
        self.client.volumes.create(self.volume)

    def build(self, app_dir: Path) -> Build:
        with PeakMemory() as memory:
            started = time.monotonic()
            try:
                self.client.containers.run(
                    base_images.BUILD_IMAGE, ["sh", "-c", FLOOR_SCRIPT], remove=True, network_mode="host",
                    environment={"PIP_INDEX_URL": self.index_url, "PIP_CACHE_DIR": "/cache/pip", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
                    volumes={self.volume: {"bind": "/cache", "mode": "rw"}, str(app_dir): {"bind": "/src", "mode": "ro"}},
                )
            except ContainerError as error:
                output = error.stderr.decode(errors="replace")[-3000:] if error.stderr else ""
                raise StepError(STEP, f"the floor's install failed:\n{output}", "read pip's output above") from None
            seconds = time.monotonic() - started
        return Build(seconds, memory.peak)

    def finish(self) -> None:
        try:
            self.client.volumes.get(self.volume).remove(force=True)
        except NotFound:
            pass


def _remove_images(client: docker.DockerClient, images: list[str | None]) -> None:
    for image in images:
        try:
            client.images.remove(image, force=True)
        except ImageNotFound:
            pass
