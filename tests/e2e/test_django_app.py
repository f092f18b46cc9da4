"""The example Django app through the real pack: built, run, answering HTTP from gunicorn."""

import os
import subprocess

import pytest

from pycnb_tools import pack, toolchain
from support.images import run_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def test_image_serves_http_200_from_gunicorn_on_port(docker_client, example_image):
    image, _ = example_image
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200
        assert "The install worked successfully!" in body
        server = running.container.exec_run(["bash", "-c", "cat /proc/1/cmdline | tr '\\0' ' '"]).output.decode()
        assert "gunicorn myproject.wsgi" in server


def test_app_runs_as_the_non_root_run_user(docker_client, example_image):
    image, _ = example_image
    with run_image(docker_client, image) as running:
        running.get("/")
        uid = running.container.exec_run(["stat", "-c", "%u", "/proc/1"]).output.decode().strip()
    assert uid == "1000"


def test_pack_inspect_names_our_builder_and_processes(example_image):
    image, _ = example_image
    # pack also looks the image up in a registry (REMOTE), which fails offline and sets the
    # exit code; the LOCAL section is the image in the daemon.
    result = subprocess.run([str(toolchain.pack()), "inspect", image], env={**os.environ, **pack.env()}, capture_output=True, text=True)
    output = result.stdout.split("LOCAL:", 1)[1]
    assert "pycnb/python" in output and "pycnb/procfile" in output
    assert "web (default)" in output
    assert "pycnb/run:trixie" in output
    assert "Rebasable: true" in output


def test_build_log_has_a_summary_and_sections(example_image):
    _, log = example_image
    assert "## Build summary" in log
    assert "from .python-version: 3.13" in log
    assert "## Installing Python" in log and "## Installing dependencies" in log
