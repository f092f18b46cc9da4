"""The Python buildpack through the real pack: the runtime asked for, and a cache that holds."""

import json

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def python_version_in(docker_client, image: str) -> str:
    # `launcher` sets up the image's environment (PATH, VIRTUAL_ENV) as a process would see it.
    return docker_client.containers.run(image, ["python", "--version"], entrypoint="launcher", remove=True).decode().strip()


def test_python_version_file_311_gives_a_311_image(docker_client, builder_image, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app", **{".python-version": "3.11\n"})
    result = pack_build("pycnb-test/python311", app)
    assert result.returncode == 0, result.log
    assert "Python             3.11.2 (from .python-version: 3.11)" in result.log
    assert python_version_in(docker_client, "pycnb-test/python311") == "Python 3.11.2"


def test_example_runs_python_313(docker_client, example_image):
    image, _ = example_image
    assert python_version_in(docker_client, image) == "Python 3.13.15"


def test_pip_is_not_in_the_image(docker_client, example_image):
    """pip installs at build time only, as in Heroku's images: neither the app's environment nor the
    runtime finds it at run time (an app that needs it lists pip in its requirements)."""
    image, _ = example_image
    script = ("import importlib.util, sys; print(sys.prefix, importlib.util.find_spec('pip'), "
              "importlib.util.find_spec('django') is not None)")
    found = [docker_client.containers.run(image, [python, "-c", script], entrypoint="launcher", remove=True).decode().split()
             for python in ("python", "/layers/pycnb_python/python/bin/python3")]
    assert found == [["/layers/pycnb_python/venv", "None", "True"], ["/layers/pycnb_python/python", "None", "False"]]


def layer_digests(docker_client, image: str) -> dict[str, str]:
    metadata = json.loads(docker_client.images.get(image).labels["io.buildpacks.lifecycle.metadata"])
    python = next(bp for bp in metadata["buildpacks"] if bp["key"] == "pycnb/python")
    return {name: layer["sha"] for name, layer in python["layers"].items()}


def test_rebuild_without_changes_runs_no_installer(docker_client, example_image, tmp_path):
    image, _ = example_image
    before = layer_digests(docker_client, image)
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    assert "Runtime cache      reuse" in result.log
    assert "Environment cache  reuse" in result.log
    assert "- Using cached Python 3.13.15" in result.log
    assert "no installer runs" in result.log
    installing = result.log.split("## Installing dependencies", 1)[1].split("## Software bill of materials", 1)[0]
    assert "Running:" not in installing
    # The same layers, to the byte: the exporter reuses them from the previous image.
    assert layer_digests(docker_client, image) == before
    assert "Reusing layer 'pycnb/python:venv'" in result.log
