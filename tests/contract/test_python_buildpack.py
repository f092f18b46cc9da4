"""The staged Python buildpack run as the lifecycle runs it, in the build image."""

import tomllib

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.lifecycle import run_phase

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def staged(builder_image):
    """The builder fixture stages the buildpacks (build/buildpacks) on the way."""
    return builder_image


def test_detect_passes_and_provides_python(docker_client, staged, tmp_path):
    result = run_phase(docker_client, "python", "detect", EXAMPLE_APP, tmp_path)
    assert result.exit_code == 0, result.output
    plan = tomllib.loads(result.plan.read_text())
    assert plan == {"provides": [{"name": "python"}], "requires": [{"name": "python"}]}


def test_detect_fails_quietly_without_requirements(docker_client, staged, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("print('hi')\n")
    result = run_phase(docker_client, "python", "detect", app, tmp_path / "work")
    assert (result.exit_code, result.output) == (100, "")


def test_bad_version_file_fails_build_with_message_and_no_traceback(docker_client, staged, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app", **{".python-version": "3.13\nthree-point-eleven\n"})
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work")
    assert result.exit_code == 1
    assert "! ERROR: Invalid Python version in .python-version" in result.output
    assert "! .python-version, line 2: 'three-point-eleven' is not a Python version." in result.output
    assert "Traceback" not in result.output
    assert list((result.layers / "pycnb_python").iterdir()) == []


def test_build_installs_then_reuses_everything(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    first = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host")
    assert first.exit_code == 0, first.output
    layers = first.layers / "pycnb_python"
    runtime = tomllib.loads((layers / "python.toml").read_text())
    assert runtime["types"] == {"build": True, "launch": True, "cache": True}
    assert runtime["metadata"]["python_version"].startswith("3.13.")
    venv = tomllib.loads((layers / "venv.toml").read_text())
    assert venv["types"] == {"build": True, "launch": True, "cache": True}
    assert (layers / "venv" / "env" / "VIRTUAL_ENV.override").read_text() == "/layers/pycnb_python/venv"
    assert tomllib.loads((layers / "pip-cache.toml").read_text())["types"] == {"build": False, "launch": False, "cache": True}
    assert "Installing dependencies from requirements.txt" in first.output

    second = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host")
    assert second.exit_code == 0, second.output
    assert "Using cached Python 3.13." in second.output
    assert "- Using cached virtual environment\n  The requirements files, extra packages and runtime are unchanged: no installer runs" in second.output
    assert "Running:" not in second.output
