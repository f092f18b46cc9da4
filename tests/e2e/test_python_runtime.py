"""The Python buildpack through the real pack: the runtime asked for, and a cache that holds."""

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


def test_rebuild_without_changes_runs_no_installer(example_image, tmp_path):
    image, _ = example_image
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    assert "Runtime cache      reuse" in result.log
    assert "Environment cache  reuse" in result.log
    assert "- Using cached Python 3.13.15" in result.log
    assert "no installer runs" in result.log
    installing = result.log.split("## Installing dependencies", 1)[1].split("[pycnb/django]", 1)[0]
    assert "Running:" not in installing
