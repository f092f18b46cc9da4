"""The benchmark's package index: the reference app's wheels and sdists, downloaded once from
PyPI by pip inside the benchmark's Python image (so it picks what a Linux CPython 3.13 build
picks), laid out as a PEP 503 simple index and served on 127.0.0.1 during the timed runs, so
that network noise does not swamp the figures."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Iterator

import docker
from docker.errors import ContainerError

from .. import app
from ..errors import StepError
from ..paths import cache_dir

STEP = "bench"
# Build requirements pip fetches from the index for the sdists (psycopg2's build backend).
BUILD_REQUIREMENTS = ("setuptools", "wheel")
# A user's PyPI mirror, honoured for the one-time download.
PIP_INDEX_VARS = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_name(filename: str) -> str:
    """The project a wheel or sdist file belongs to (PEP 427 / PEP 625 names)."""
    stem = filename[: -len(".tar.gz")] if filename.endswith(".tar.gz") else filename.rsplit(".", 1)[0]
    return _normalize(stem.split("-")[0]) if filename.endswith(".whl") else _normalize(stem.rsplit("-", 1)[0])


def write_simple_index(root: Path) -> None:
    """simple/<project>/index.html for every file in files/, with sha256 fragments (PEP 503)."""
    projects: dict[str, list[Path]] = {}
    for path in sorted((root / "files").iterdir()):
        projects.setdefault(_project_name(path.name), []).append(path)
    simple = root / "simple"
    shutil.rmtree(simple, ignore_errors=True)
    simple.mkdir()
    links = "".join(f'<a href="{name}/">{name}</a>\n' for name in sorted(projects))
    (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
    for name, files in projects.items():
        (simple / name).mkdir()
        anchors = "".join(
            f'<a href="../../files/{html.escape(path.name)}#sha256={hashlib.sha256(path.read_bytes()).hexdigest()}">'
            f'{html.escape(path.name)}</a>\n'
            for path in files
        )
        (simple / name / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{anchors}</body></html>\n")


def fill(client: docker.DockerClient, image: str, requirement_files: list[Path]) -> Path:
    """The index folder for `requirement_files`, downloaded from PyPI the first time only."""
    key = hashlib.sha256(b"".join(path.read_bytes() for path in requirement_files) + " ".join(BUILD_REQUIREMENTS).encode()).hexdigest()[:16]
    root = cache_dir() / "bench-index" / key
    if (root / "simple" / "index.html").exists():
        return root
    partial = root.with_name(key + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "files").mkdir(parents=True)
    (partial / "requirements").mkdir()
    for number, path in enumerate(requirement_files):
        shutil.copyfile(path, partial / "requirements" / f"{number}.txt")
    # One download per file: pip checks hashes for all files of a run once one has them (pinned tools do).
    downloads = [f"-r /index/requirements/{number}.txt" for number in range(len(requirement_files))] + [" ".join(BUILD_REQUIREMENTS)]
    script = " && ".join(f"python -m pip download --quiet --dest /index/files {arguments}" for arguments in downloads)
    try:
        client.containers.run(
            image, ["sh", "-c", script], remove=True, network_mode="host",
            environment={"PIP_CERT": "/ca.pem", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                         **{name: os.environ[name] for name in PIP_INDEX_VARS if name in os.environ}},
            volumes={str(partial): {"bind": "/index", "mode": "rw"}, str(app.HOST_CA_BUNDLE): {"bind": "/ca.pem", "mode": "ro"}},
        )
    except ContainerError as error:
        output = error.stderr.decode(errors="replace")[-2000:] if error.stderr else ""
        raise StepError(STEP, f"downloading the reference app's packages from PyPI failed:\n{output}",
                        "check that PyPI is reachable (PIP_INDEX_URL is honoured)") from None
    write_simple_index(partial)
    partial.rename(root)
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """The index on 127.0.0.1 for the duration; yields its simple-index URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()
