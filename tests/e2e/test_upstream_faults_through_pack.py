"""Upstream faults through the real pack: a hung package index and a refused runtime index, both
with a password in their URL. The build fails in bounded time with the URL named, masked; the
password is nowhere in the build log. (Every other fault is a contract test: test_upstream_faults.)"""

import time
import uuid

import pytest

from support.apps import FIXTURES, copy_app
from support.fault_server import refused_url, serve
from support.images import pack_build

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

PASSWORD = "pw-e2e-3b9f-never-shown"


@pytest.fixture
def image(docker_client):
    name = f"pycnb-test/upstream-fault-{uuid.uuid4().hex[:12]}"
    yield name
    prefix = f"pack-cache-{name.replace('/', '_')}_latest-"
    for volume in docker_client.volumes.list():
        if volume.name.startswith(prefix):
            volume.remove(force=True)


def test_hung_package_index(builder_image, image, tmp_path):
    app = copy_app(FIXTURES / "django-heroku", tmp_path / "app")
    with serve() as server:
        server.add("/simple/django/", "", mode="hang")
        index = server.url.replace("http://", f"http://alice:{PASSWORD}@") + "/simple"
        started = time.monotonic()
        result = pack_build(image, app, env={"PIP_INDEX_URL": index, "PIP_TIMEOUT": "2", "PIP_RETRIES": "1"})
        elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert f"! ERROR: Cannot reach the package index {index.replace(PASSWORD, '****')}" in result.log
    assert "/simple/django/: no answer within 2 seconds" in result.log
    assert PASSWORD not in result.log
    assert "Traceback" not in result.log
    assert elapsed < 120, elapsed


def test_refused_runtime_index(builder_image, image, tmp_path):
    app = copy_app(FIXTURES / "django-heroku", tmp_path / "app")
    index = refused_url("/runtimes/index.json").replace("http://", f"http://alice:{PASSWORD}@")
    result = pack_build(image, app, env={"BP_PYTHON_RUNTIME_INDEX": index, "BP_PYTHON_DOWNLOAD_RETRIES": "1"})
    assert result.returncode != 0
    assert "! ERROR: Cannot read the Python runtime index" in result.log
    assert f"! Reading {index.replace(PASSWORD, '****')} failed after 2 attempts: [Errno 111] Connection refused" in result.log
    assert PASSWORD not in result.log
    assert "Traceback" not in result.log
