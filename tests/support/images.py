"""Building apps with the real pack and running the images they give."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from pycnb_tools import app, pack, toolchain
from pycnb_tools.builder import BUILDER_IMAGE
from pycnb_tools.bench.measure import free_port
from pycnb_tools.cli import wait_for_http


@dataclass
class BuildResult:
    returncode: int
    log: str


def pack_build(image: str, app_dir: Path, *, env: dict[str, str] | None = None, extra: list[str] | None = None,
               builder: str = BUILDER_IMAGE) -> BuildResult:
    """`pack build` as a user runs it, with the host's CA bundle as a ca-certificates binding."""
    with tempfile.TemporaryDirectory(prefix="pycnb-test-bindings-") as tmp:
        binding = app.write_ca_binding(Path(tmp), [app.HOST_CA_BUNDLE])
        argv = [str(toolchain.pack()), *app.pack_build_args(image, app_dir, builder=builder, env=env, binding=binding, extra=extra)]
        result = subprocess.run(argv, env={**os.environ, **pack.env()}, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return BuildResult(result.returncode, result.stdout + result.stderr)


@dataclass
class Running:
    container: object
    port: int

    def get(self, path: str = "/", timeout: float = 60) -> tuple[int, str]:
        return wait_for_http(f"http://127.0.0.1:{self.port}{path}", timeout=timeout)


@contextlib.contextmanager
def run_image(docker_client, image: str, *, env: dict[str, str] | None = None, **kwargs) -> Iterator[Running]:
    port = free_port()
    container = docker_client.containers.run(image, detach=True, network_mode="host", environment={"PORT": str(port), **(env or {})},
                                             **kwargs)
    try:
        yield Running(container, port)
    finally:
        container.remove(force=True)


def run_pack(*args: str) -> subprocess.CompletedProcess:
    """Any other pack command, with our pack home, its output captured."""
    return subprocess.run([str(toolchain.pack()), *args], env={**os.environ, **pack.env()}, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def pack_inspect_local(image: str) -> str:
    """The LOCAL section of `pack inspect`: the image in the daemon. (pack also looks the image up
    in a registry, which fails offline and sets the exit code; that part is dropped.)"""
    return run_pack("inspect", image).stdout.split("LOCAL:", 1)[1]


def unique_image(purpose: str) -> str:
    """An image name no other test or work tree uses: builds share one daemon, and pack keys its cache volumes on the name."""
    return f"pycnb-test/{purpose}-{uuid.uuid4().hex[:12]}:latest"


def remove_image_and_cache(docker_client, image: str) -> None:
    """Remove `image` and the build and launch cache volumes pack made for it (named after it)."""
    from docker.errors import APIError, NotFound

    with contextlib.suppress(NotFound, APIError):
        docker_client.images.remove(image, force=True)
    repository, _, tag = image.rpartition(":")
    prefix = f"pack-cache-{repository.replace('/', '_')}_{tag}-"
    for volume in docker_client.volumes.list():
        if volume.name.startswith(prefix):
            with contextlib.suppress(NotFound, APIError):
                volume.remove(force=True)


def image_contents(docker_client, image: str, saved: Path) -> Iterator[tuple[str, tarfile.TarInfo | None, Callable[[], bytes]]]:
    """What `docker save` exports, written to `saved`: (where, entry, read) for every entry of every layer,
    and (where, None, read) for every other blob (the config with its labels, the manifests)."""
    with open(saved, "wb") as file:
        for chunk in docker_client.images.get(image).save():
            file.write(chunk)
    with tarfile.open(saved) as outer:
        for member in outer.getmembers():
            if not member.isfile():
                continue
            blob = outer.extractfile(member).read()
            try:
                layer = tarfile.open(fileobj=io.BytesIO(blob))
            except tarfile.ReadError:
                yield f"image file {member.name}", None, lambda blob=blob: blob
                continue
            with layer:
                for entry in layer.getmembers():
                    def read(layer=layer, entry=entry) -> bytes:
                        return layer.extractfile(entry).read() if entry.isfile() else b""
                    yield f"{member.name}:{entry.name}", entry, read


def venv_sbom(image: str, folder: Path) -> dict[str, str]:
    """Name -> version of every component in the CycloneDX SBOM of the image's environment (`pack sbom download`)."""
    result = run_pack("sbom", "download", image, "--output-dir", str(folder))
    assert result.returncode == 0, result.stdout
    document = json.loads((folder / "layers/sbom/launch/pycnb_python/venv/sbom.cdx.json").read_text())
    return {component["name"]: component["version"] for component in document["components"]}
