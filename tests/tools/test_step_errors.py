"""Each tool step's failure is one message naming the step and the fix, never a traceback."""

import os
import subprocess
import sys

import pytest

from support.apps import ROOT

PYCNB = ROOT / "pycnb"


def run_pycnb(*args, env=None, cache=None):
    environment = {**os.environ, **(env or {})}
    if cache is not None:
        environment["PYCNB_CACHE_DIR"] = str(cache)
        # The tooling venv lives in the cache: reuse this interpreter instead of making another.
        environment["PYTHONPATH"] = str(ROOT / "scripts")
        argv = [sys.executable, "-m", "pycnb_tools", *args]
    else:
        argv = [str(PYCNB), *args]
    return subprocess.run(argv, env=environment, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=ROOT)


def assert_step_error(result, step, problem, fix):
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"ERROR [{step}] {problem}" in result.stderr
    assert f"To fix: {fix}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_go_missing(tmp_path):
    result = run_pycnb("toolchain", env={"PATH": "/nonexistent"}, cache=tmp_path)
    assert_step_error(result, "toolchain", "Go is not installed", "install Go 1.26 or newer")


def test_no_docker_daemon_and_no_way_to_start_one(tmp_path):
    result = run_pycnb("docker", env={"DOCKER_HOST": f"unix://{tmp_path}/nothing.sock", "PATH": "/nonexistent"}, cache=tmp_path)
    assert_step_error(result, "docker", "no Docker daemon answers, and one can only be started as root on Debian",
                      "start Docker Engine 25 or newer yourself")


@pytest.mark.docker
def test_runtime_source_not_found(docker_client, tmp_path):
    env = {"PYCNB_CPYTHON_SOURCE": "python.org", "PYCNB_CPYTHON_MIRROR": "http://127.0.0.1:9/python", "PYCNB_RUNTIME_VERSIONS": "3.12.99"}
    result = run_pycnb("runtimes", env=env, cache=tmp_path)
    assert_step_error(result, "runtimes", "no source of Python 3.12.99 could be fetched", "set PYCNB_CPYTHON_SOURCE")


@pytest.mark.docker
def test_configured_runtime_version_that_debian_does_not_have(docker_client, tmp_path):
    env = {"PYCNB_CPYTHON_SOURCE": "debian", "PYCNB_RUNTIME_VERSIONS": "3.13.99"}
    result = run_pycnb("runtimes", env=env, cache=tmp_path)
    assert_step_error(result, "runtimes",
                      "no source of Python 3.13.99 could be fetched (debian: Debian has no source package of Python 3.13.99 (it has ",
                      "set PYCNB_CPYTHON_SOURCE")
    assert "Compiling" not in result.stdout + result.stderr


def test_configured_runtime_version_that_is_not_a_version(tmp_path):
    result = run_pycnb("runtimes", env={"PYCNB_RUNTIME_VERSIONS": "3.13.15,3.13"}, cache=tmp_path)
    assert_step_error(result, "runtimes", "PYCNB_RUNTIME_VERSIONS: '3.13' is not an exact CPython version", "write versions as 3.X.Y")


def test_unknown_runtime_source(tmp_path):
    result = run_pycnb("runtimes", env={"PYCNB_CPYTHON_SOURCE": "ftp-mirror"}, cache=tmp_path)
    assert_step_error(result, "runtimes", "unknown CPython source 'ftp-mirror'", "use a comma-separated list")


@pytest.mark.docker
def test_pack_failing_names_the_step(builder_image, tmp_path):
    app = tmp_path / "not-python"
    app.mkdir()
    (app / "index.html").write_text("<p>hi</p>\n")
    result = run_pycnb("build", str(app), "--tag", "pycnb-test/not-python")
    assert result.returncode == 1
    assert "ERROR [pack]" in result.stderr and "To fix: read the build log above" in result.stderr
    assert "No buildpack groups passed detection." in result.stdout + result.stderr
