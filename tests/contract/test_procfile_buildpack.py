"""The staged Procfile buildpack run as the lifecycle runs it, in the build image."""

import tomllib

import pytest

from support.apps import FIXTURES, copy_app
from support.lifecycle import run_phase

pytestmark = pytest.mark.docker


def test_detect_passes_with_a_procfile_and_fails_quietly_without(docker_client, builder_image, tmp_path):
    app = copy_app(FIXTURES / "procfile-processes", tmp_path / "app")
    assert run_phase(docker_client, "procfile", "detect", app, tmp_path / "with").exit_code == 0
    (app / "Procfile").unlink()
    without = run_phase(docker_client, "procfile", "detect", app, tmp_path / "without")
    assert (without.exit_code, without.output) == (100, "")


def test_build_writes_bash_processes_with_web_default(docker_client, builder_image, tmp_path):
    app = copy_app(FIXTURES / "procfile-processes", tmp_path / "app")
    result = run_phase(docker_client, "procfile", "build", app, tmp_path / "work")
    assert result.exit_code == 0, result.output
    launch = tomllib.loads((result.layers / "pycnb_procfile" / "launch.toml").read_text())
    assert [(p["type"], p["command"][:2], p["default"]) for p in launch["processes"]] == [
        ("web", ["bash", "-c"], True), ("worker", ["bash", "-c"], False), ("release", ["bash", "-c"], False),
    ]


def test_a_bad_line_fails_the_build_with_line_and_caret(docker_client, builder_image, tmp_path):
    app = copy_app(FIXTURES / "procfile-processes", tmp_path / "app", Procfile="web: gunicorn myproject.wsgi\nworker python worker.py\n")
    result = run_phase(docker_client, "procfile", "build", app, tmp_path / "work")
    assert result.exit_code == 1
    assert "line 2" in result.output and "^" in result.output
    assert "Traceback" not in result.output
