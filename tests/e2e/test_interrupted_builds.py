"""Builds killed half-way (SIGKILL to the build container pack starts) and caches damaged between
builds: the next build with the same image name and cache succeeds and its image serves HTTP 200.

Each test has its own image name and named cache volumes (a uuid in each), so builds of other
work trees on the same daemon are never touched, and removes them at the end.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pycnb_tools import app as app_args
from pycnb_tools import pack, toolchain
from pycnb_tools.stacks import TRIXIE
from support.apps import FIXTURES, copy_app
from support.images import pack_build, run_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

# Where to kill: a line of pack's output that opens the step, then (when the step is one command)
# a process that must be running in the build container, so that the kill lands inside the step.
# The last item is output the build would print had it finished the step.
POINTS = {
    "runtime-extract": ("- Installing Python 3.13.15", "tar -xzf", "## Installing dependencies"),
    "pip-install": ("- Installing dependencies from requirements.txt", "-m pip --python /layers/pycnb_python/venv/bin/python install",
                    "## Software bill of materials"),
    "pip-install-delta": ("- Installing what requirements.txt adds", "install --prefix /layers/pycnb_python/venv-delta",
                          "## Software bill of materials"),
    "collectstatic": ("- Collecting static files", "manage.py collectstatic", "static files copied"),
    "export": ("===> EXPORTING", None, "Successfully built image"),
}
# Points only a rebuild reaches.
REBUILD_ONLY_POINTS = ("pip-install-delta",)
APP = "django-heroku"
STATIC = "/static/admin/css/base.css"


@dataclass
class Cache:
    """An image name with its own build and launch cache volumes."""

    image: str = field(default_factory=lambda: f"pycnb-test/interrupted-{uuid.uuid4().hex[:12]}")

    @property
    def build_volume(self) -> str:
        return self.image.replace("/", "-") + "-build-cache"

    @property
    def launch_volume_prefix(self) -> str:
        # pack's own name for the launch cache (a second `type=` in --cache replaces the first's
        # name instead of adding one, so only the build cache is named here).
        return f"pack-cache-{self.image.replace('/', '_')}_latest-"

    @property
    def args(self) -> list[str]:
        return ["--cache", f"type=build;format=volume;name={self.build_volume}"]


@pytest.fixture
def cache(docker_client):
    cache = Cache()
    yield cache
    for container in docker_client.containers.list(all=True, filters={"volume": cache.build_volume}):
        container.remove(force=True)
    volumes = [volume for volume in docker_client.volumes.list() if volume.name.startswith(cache.launch_volume_prefix)]
    for remove in (lambda: docker_client.images.remove(cache.image, force=True),
                   lambda: docker_client.volumes.get(cache.build_volume).remove(force=True),
                   *(volume.remove for volume in volumes)):
        try:
            remove()
        except Exception:  # noqa: BLE001 - absent if the test failed before making it
            pass


def build_container(docker_client, cache: Cache):
    """The container pack runs the lifecycle in: the one with this test's build cache mounted."""
    found = docker_client.containers.list(filters={"volume": cache.build_volume})
    return found[0] if found else None


def build_and_kill(docker_client, cache: Cache, app_dir: Path, point: str) -> str:
    """`pack build` until `point` is reached, then SIGKILL its build container; the build's log."""
    marker, process, after = POINTS[point]
    lines: list[str] = []
    reached = threading.Event()
    with tempfile.TemporaryDirectory(prefix="pycnb-test-bindings-") as tmp:
        binding = app_args.write_ca_binding(Path(tmp), [app_args.HOST_CA_BUNDLE])
        argv = [str(toolchain.pack()), *app_args.pack_build_args(cache.image, app_dir, binding=binding, extra=cache.args)]
        build = subprocess.Popen(argv, env={**os.environ, **pack.env()}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, text=True, errors="replace")
        assert build.stdout is not None

        def read() -> None:
            assert build.stdout is not None
            for line in build.stdout:
                lines.append(line)
                if marker in line:
                    reached.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            assert reached.wait(300), f"the build never reached {marker!r}:\n{''.join(lines)}"
            container = build_container(docker_client, cache)
            assert container is not None, "no build container"
            deadline = time.monotonic() + 120
            while process and not any(process in " ".join(row) for row in container.top()["Processes"]):
                assert time.monotonic() < deadline, f"{process!r} never ran:\n{''.join(lines)}"
                time.sleep(0.05)
            container.kill(signal="SIGKILL")
            build.wait(timeout=120)
            reader.join(timeout=30)
        finally:
            if build.poll() is None:
                build.kill()
                for container in docker_client.containers.list(filters={"volume": cache.build_volume}):
                    container.kill()
            build.wait()
            reader.join(timeout=30)
            build.stdout.close()
    log = "".join(lines)
    assert build.returncode != 0, log
    assert after not in log, f"the build finished {point} before it was killed:\n{log}"
    return log


def summary(log: str) -> str:
    """The lines that say what was cached and why, for an assertion's message."""
    return "\n".join(line for line in log.splitlines() if "cache" in line.lower() or line.startswith("  - "))


def assert_serves(docker_client, image: str) -> None:
    with run_image(docker_client, image) as running:
        status, body = running.get(STATIC)
        assert status == 200 and "DJANGO Admin styles" in body


@pytest.mark.parametrize("point", [point for point in POINTS if point not in REBUILD_ONLY_POINTS])
def test_a_build_killed_during_a_step_is_followed_by_one_that_works(docker_client, builder_image, cache, tmp_path, point):
    app = copy_app(FIXTURES / APP, tmp_path / "app")
    build_and_kill(docker_client, cache, app, point)

    again = pack_build(cache.image, app, extra=cache.args)
    assert again.returncode == 0, again.log
    assert_serves(docker_client, cache.image)

    # And the cache this build left is whole: the next one reuses everything.
    third = pack_build(cache.image, app, extra=cache.args)
    assert third.returncode == 0, third.log
    assert "- Using cached Python 3.13.15" in third.log and "- Using cached virtual environment" in third.log, summary(third.log)


def test_a_build_killed_while_updating_a_cached_environment(docker_client, builder_image, cache, tmp_path):
    app = copy_app(FIXTURES / APP, tmp_path / "app")
    first = pack_build(cache.image, app, extra=cache.args)
    assert first.returncode == 0, first.log
    # A changed line (not only added ones, which go into a delta layer): the environment is updated in place.
    (app / "requirements.txt").write_text((app / "requirements.txt").read_text().replace("whitenoise==6.12.0", "whitenoise==6.11.0"))
    build_and_kill(docker_client, cache, app, "pip-install")

    again = pack_build(cache.image, app, extra=cache.args)
    assert again.returncode == 0, again.log
    assert "- Updating cached virtual environment since:\n  - the dependency files changed" in again.log
    assert_serves(docker_client, cache.image)


def test_a_build_killed_while_installing_added_requirements_into_the_delta(docker_client, builder_image, cache, tmp_path):
    app = copy_app(FIXTURES / APP, tmp_path / "app")
    first = pack_build(cache.image, app, extra=cache.args)
    assert first.returncode == 0, first.log
    (app / "requirements.txt").write_text((app / "requirements.txt").read_text() + "six==1.17.0\n")
    build_and_kill(docker_client, cache, app, "pip-install-delta")

    again = pack_build(cache.image, app, extra=cache.args)
    assert again.returncode == 0, again.log
    assert "installing only what they add, into a layer of its own (venv-delta)" in again.log, summary(again.log)
    assert_serves(docker_client, cache.image)
    found = docker_client.containers.run(cache.image, ["python", "-c", "import six; print(six.__version__)"], entrypoint="launcher",
                                         remove=True)
    assert found.decode().strip() == "1.17.0"


def edit_cache_volume(docker_client, cache: Cache, script: str) -> str:
    """Run a Python `script` as root in the build image with the build cache volume at /cache."""
    output = docker_client.containers.run(
        TRIXIE.build_image, ["python3", "-c", script], user="root", remove=True,
        volumes={cache.build_volume: {"bind": "/cache", "mode": "rw"}}, network_mode="none",
    )
    return output.decode()


# Rewrites the cached layer tarball that holds `target` without the member named `target`,
# under the same file name: the cache now holds a layer that lost a file.
DELETE_FROM_CACHED_LAYER = """
import glob, io, os, sys, tarfile
target = {target!r}
for path in glob.glob("/cache/committed/*.tar"):
    with tarfile.open(path) as tar:
        members = tar.getmembers()
        if not any(m.name.endswith(target) for m in members):
            continue
        kept = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in members if not m.name.endswith(target)]
    with tarfile.open(path + ".new", "w", format=tarfile.PAX_FORMAT) as out:
        for member, data in kept:
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    os.replace(path + ".new", path)
    print("edited", path)
"""


# The runtime and the environment are cached as one archive each, their layers' build copies.
@pytest.mark.parametrize("target, layer, what", [
    ("venv-copy/content.tar", "venv-copy", "virtual environment"),
    ("python-copy/content.tar", "python-copy", "Python 3.13.15"),
])
def test_a_cached_layer_that_lost_a_file_is_rebuilt_not_trusted(docker_client, builder_image, cache, tmp_path, target, layer, what):
    # Through pack, the lifecycle checks a cached layer's tarball against the digest it recorded
    # and skips restoring one that differs; the buildpack then finds metadata without files and
    # says so. (A layer damaged where no digest guards it, as in a kept layers folder, is caught by
    # the buildpack's own content check: tests/contract/test_damaged_layers.py.)
    app = copy_app(FIXTURES / APP, tmp_path / "app")
    first = pack_build(cache.image, app, extra=cache.args)
    assert first.returncode == 0, first.log
    assert "edited" in edit_cache_volume(docker_client, cache, DELETE_FROM_CACHED_LAYER.format(target=target))

    again = pack_build(cache.image, app, extra=cache.args)
    assert again.returncode == 0, again.log
    assert f"Skipping restore for layer pycnb/python:{layer}: expected layer contents to have SHA" in again.log
    assert f"- Discarding cached {what} since:\n  - its archive is missing" in again.log
    assert_serves(docker_client, cache.image)
