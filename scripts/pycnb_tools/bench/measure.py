"""What each build is measured by: peak memory of the build containers, layer sizes of the image
it gives, and the time from `docker run` to the first HTTP 200."""

from __future__ import annotations

import json
import socket
import tarfile
import threading
import time
import urllib.request
from pathlib import Path

import docker

from ..errors import StepError

# Every container the daemon starts, build containers and BuildKit's steps included, sits in
# this cgroup (cgroupfs driver); v1 and v2 name anonymous memory differently.
CGROUPS = (
    (Path("/sys/fs/cgroup/memory/docker/memory.stat"), ("total_rss", "total_shmem")),
    (Path("/sys/fs/cgroup/docker/memory.stat"), ("anon", "shmem")),
)
SAMPLE_SECONDS = 0.05


def _docker_anonymous_memory() -> int | None:
    for path, fields in CGROUPS:
        try:
            stat = dict(line.split() for line in path.read_text().splitlines())
        except OSError:
            continue
        return sum(int(stat.get(field, 0)) for field in fields)
    return None


class PeakMemory:
    """Samples the anonymous memory of all containers every 50 ms while a build runs."""

    def __init__(self) -> None:
        self.peak: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            value = _docker_anonymous_memory()
            if value is not None:
                self.peak = max(self.peak or 0, value)
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def layer_sizes(client: docker.DockerClient, image: str) -> dict[str, int]:
    """Uncompressed bytes of each layer, by digest, read from `docker save` as it streams."""
    sizes: dict[str, int] = {}
    manifest: list = []
    stream = _Reader(client.images.get(image).save(named=False))
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            if member.name == "manifest.json":
                manifest = json.load(archive.extractfile(member))
            elif member.isfile():
                sizes[member.name] = member.size
    return {path: sizes[path] for path in manifest[0]["Layers"]}


class _Reader:
    """A file object over the chunks `docker save` yields."""

    def __init__(self, chunks) -> None:
        self._chunks, self._buffer = iter(chunks), b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        data, self._buffer = (self._buffer, b"") if size < 0 else (self._buffer[:size], self._buffer[size:])
        return data


def changed_bytes(layers: dict[str, int], previous: dict[str, int] | None) -> int:
    """Bytes of the layers a registry push would send: those the previous image did not have."""
    return sum(size for digest, size in layers.items() if previous is None or digest not in previous)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_200(client: docker.DockerClient, image: str, port: int, expected: str, timeout: float = 60) -> float:
    """Seconds from `docker run` to the first 200 on / carrying `expected`; the container is removed."""
    started = time.monotonic()
    container = client.containers.run(image, detach=True, network_mode="host", environment={"PORT": str(port)})
    try:
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:  # noqa: S310 - our container
                    body = response.read().decode()
                    if response.status == 200:
                        elapsed = time.monotonic() - started
                        if body != expected:
                            raise StepError("bench", f"{image} answered {body[:200]!r}, not {expected!r}",
                                            "the build did not pick up the scenario's change: read its log")
                        return elapsed
            except OSError:
                time.sleep(0.01)
        logs = container.logs().decode(errors="replace")[-2000:]
        raise StepError("bench", f"{image} did not answer 200 within {timeout}s:\n{logs}", "read the app's log above")
    finally:
        container.remove(force=True)
