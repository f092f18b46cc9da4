"""The reference app as a Poetry project (approach P): the same pins in pyproject.toml, locked by Poetry
against the benchmark's index, and the dependency scenarios made with `poetry add --lock` and
`poetry remove --lock`, as a Poetry user changes an app.

Poetry runs in the benchmark's Python image (the interpreter the index was downloaded for), from a
virtual environment kept in the cache folder and installed from the index's own files with the
hashes the Python buildpack pins (`tools/poetry.txt`), so the host needs no Poetry and no PyPI."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import docker
from docker.errors import ContainerError

from ..errors import StepError
from ..paths import ROOT, cache_dir
from . import base_images, scenarios

STEP = "bench"
# The Poetry the Python buildpack installs for a poetry.lock: the index serves it, and the lock is made with it.
POETRY_PINS = ROOT / "buildpacks" / "python" / "python_buildpack" / "tools" / "poetry.txt"
PYPROJECT = """\
[project]
name = "reference-app"
version = "0.1.0"
requires-python = ">=3.13,<4"
dependencies = [
{dependencies}]

[tool.poetry]
package-mode = false

[[tool.poetry.source]]
name = "bench"
url = "{index_url}"
priority = "primary"
"""


def convert(client: docker.DockerClient, app_dir: Path, index: Path, index_url: str) -> None:
    """requirements.txt's pins become pyproject.toml's dependencies, locked into poetry.lock."""
    requirements = app_dir / "requirements.txt"
    pins = [line.strip() for line in requirements.read_text().splitlines() if line.strip() and not line.startswith("#")]
    (app_dir / "pyproject.toml").write_text(PYPROJECT.format(dependencies="".join(f'    "{pin}",\n' for pin in pins),
                                                             index_url=index_url))
    requirements.unlink()
    _poetry(client, app_dir, index, ["lock"])


def apply(client: docker.DockerClient, scenario: str, app_dir: Path, index: Path, repetition: int) -> None:
    """`scenarios.apply`, with the dependency changes made by Poetry."""
    if scenario == scenarios.ADD_DEPENDENCY:
        _poetry(client, app_dir, index, ["add", "--lock", scenarios.ADDED_DEPENDENCY])
    elif scenario == scenarios.REMOVE_DEPENDENCY:
        _poetry(client, app_dir, index, ["remove", "--lock", scenarios.ADDED_DEPENDENCY.split("==")[0]])
    else:
        scenarios.apply(scenario, app_dir, repetition)


def _environment() -> Path:
    """The host folder mounted at /poetry: Poetry's virtual environment and its cache, per pins."""
    folder = cache_dir() / "bench-poetry" / hashlib.sha256(POETRY_PINS.read_bytes()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _poetry(client: docker.DockerClient, app_dir: Path, index: Path, arguments: list[str]) -> None:
    folder = _environment()
    install = ""
    if not (folder / "ready").exists():
        shutil.rmtree(folder / "venv", ignore_errors=True)
        # The pins name /opt/wheels (the build image's) as a place to look too; here only the index's files count.
        install = ("python -m venv /poetry/venv && /poetry/venv/bin/pip install --quiet --disable-pip-version-check "
                   "--no-index --find-links /index/files --require-hashes -r /pins.txt && touch /poetry/ready && ")
    command = f"{install}cd /app && /poetry/venv/bin/poetry {' '.join(arguments)} --no-interaction --no-ansi"
    try:
        client.containers.run(
            base_images.BUILD_IMAGE, ["sh", "-c", command], remove=True, network_mode="host",
            environment={"POETRY_CACHE_DIR": "/poetry/cache", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
            volumes={str(folder): {"bind": "/poetry", "mode": "rw"}, str(app_dir): {"bind": "/app", "mode": "rw"},
                     str(index): {"bind": "/index", "mode": "ro"}, str(POETRY_PINS): {"bind": "/pins.txt", "mode": "ro"}},
        )
    except ContainerError as error:
        output = error.stderr.decode(errors="replace")[-3000:] if error.stderr else ""
        raise StepError(STEP, f"`poetry {' '.join(arguments)}` on the reference app failed:\n{output}",
                        "run `./pycnb bench` again; if it fails the same way, the index lacks a file Poetry needs") from None
