"""Upstream faults, run through the staged Python buildpack against real misbehaving HTTP servers
on 127.0.0.1: a runtime index or package index that refuses, hangs, cuts downloads short or serves
other bytes. Each fails in bounded time with exit code 1, a message naming the URL with its
password masked, no traceback, and nothing half-written that a later build would trust."""

import hashlib
import json
import shutil
import time
import tomllib

import pytest
from cnb.layer_content import fingerprint

from support.fault_server import refused_url, serve
from support.lifecycle import run_phase
from support.package_index import add_project

pytestmark = pytest.mark.docker

PASSWORD = "pw-7d1e-never-shown"
PROJECT = "pycnb-fault-probe"
# Small bounds so that each hung server costs seconds: the buildpack documents these settings.
FAST_PIP = {"PIP_TIMEOUT": "1", "PIP_RETRIES": "1"}
FAST_RUNTIME = {"BP_PYTHON_DOWNLOAD_TIMEOUT": "1", "BP_PYTHON_DOWNLOAD_RETRIES": "1"}


def with_password(url: str) -> str:
    return url.replace("http://", f"http://alice:{PASSWORD}@", 1)


def make_app(path, requirements=f"{PROJECT}==1.0\n"):
    path.mkdir(parents=True)
    (path / "requirements.txt").write_text(requirements)
    (path / ".python-version").write_text("3.13\n")
    return path


def assert_clean_failure(result, title):
    assert result.exit_code == 1, result.output
    assert f"! ERROR: {title}" in result.output, result.output
    assert "Traceback" not in result.output
    assert PASSWORD not in result.output


@pytest.fixture(scope="module")
def warm_layers(builder_image, docker_client, tmp_path_factory):
    """Layers with the runtime installed, from a build through a password-protected local index:
    the index helper works, credentials reach pip, and the pip tests skip the runtime's unpacking."""
    work = tmp_path_factory.mktemp("warm")
    with serve(password=PASSWORD) as server:
        add_project(server, PROJECT, "1.0")
        env = {"PIP_INDEX_URL": with_password(server.url + "/simple"), **FAST_PIP}
        result = run_phase(docker_client, "python", "build", make_app(work / "app"), work / "work", env=env, network="host")
    assert result.exit_code == 0, result.output
    assert list((result.layers / "pycnb_python" / "venv").glob("lib/python3.13/site-packages/pycnb_fault_probe/__init__.py"))
    assert PASSWORD not in result.output and "alice:****@127.0.0.1" in result.output
    return result.layers


def fresh_work(warm_layers, tmp_path):
    """A copy of the warm layers without the environment and its build copy, so pip installs from scratch."""
    work = tmp_path / "work"
    shutil.copytree(warm_layers, work / "layers", symlinks=True)
    for name in ("venv", "venv-copy"):
        shutil.rmtree(work / "layers" / "pycnb_python" / name)
        (work / "layers" / "pycnb_python" / f"{name}.toml").unlink()
    return work


def test_unreachable_package_index(docker_client, warm_layers, tmp_path):
    index = with_password(refused_url("/simple"))
    result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), fresh_work(warm_layers, tmp_path),
                       env={"PIP_INDEX_URL": index, **FAST_PIP}, network="host")
    assert_clean_failure(result, f"Cannot reach the package index {index.replace(PASSWORD, '****')}")
    assert "PIP_TIMEOUT" in result.output
    assert not (result.layers / "pycnb_python" / "venv.toml").exists()


def test_hung_package_index_fails_in_bounded_time(docker_client, warm_layers, tmp_path):
    with serve() as server:
        server.add(f"/simple/{PROJECT}/", "", mode="hang")
        index = with_password(server.url + "/simple")
        started = time.monotonic()
        result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), fresh_work(warm_layers, tmp_path),
                           env={"PIP_INDEX_URL": index, **FAST_PIP}, network="host")
        elapsed = time.monotonic() - started
    assert_clean_failure(result, f"Cannot reach the package index {index.replace(PASSWORD, '****')}")
    assert server.hits(f"/simple/{PROJECT}/") == 3  # PIP_RETRIES=1, then the buildpack's one look to say why
    assert elapsed < 60, elapsed


def test_default_pip_retries_apply_when_the_user_sets_none(docker_client, warm_layers, tmp_path):
    # A failing index (503) rather than a hung one: it proves the retry bound without waiting for
    # the default 15-second timeout (the unit tests check that PIP_TIMEOUT is passed).
    with serve() as server:
        server.add(f"/simple/{PROJECT}/", "", mode="error")
        result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), fresh_work(warm_layers, tmp_path),
                           env={"PIP_INDEX_URL": server.url + "/simple"}, network="host")
    assert_clean_failure(result, f"Cannot reach the package index {server.url}/simple")
    assert "answered HTTP 503 Service Unavailable" in result.output
    assert server.hits(f"/simple/{PROJECT}/") == 4  # PIP_RETRIES=2 by default, not pip's 5; then the buildpack's one look


def test_wheel_with_other_bytes_than_the_index_announced(docker_client, warm_layers, tmp_path):
    with serve() as server:
        add_project(server, PROJECT, "1.0", served=b"not the wheel the index announced")
        index = with_password(server.url + "/simple")
        result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), fresh_work(warm_layers, tmp_path),
                           env={"PIP_INDEX_URL": index, **FAST_PIP}, network="host")
    assert_clean_failure(result, "A downloaded package does not match its hash in the requirements or in the index "
                                 f"{index.replace(PASSWORD, '****')}")
    assert not (result.layers / "pycnb_python" / "venv.toml").exists()


def test_require_hashes_mismatch(docker_client, warm_layers, tmp_path):
    with serve() as server:
        add_project(server, PROJECT, "1.0")
        app = make_app(tmp_path / "app", f"{PROJECT}==1.0 --hash=sha256:{'0' * 64}\n")
        result = run_phase(docker_client, "python", "build", app, fresh_work(warm_layers, tmp_path),
                           env={"PIP_INDEX_URL": with_password(server.url + "/simple"), **FAST_PIP}, network="host")
    assert_clean_failure(result, "A downloaded package does not match its hash in the requirements or in the index http://alice:****@127.0.0.1")
    assert "pip-compile --generate-hashes" in result.output


def test_truncated_wheel_download(docker_client, warm_layers, tmp_path):
    with serve() as server:
        add_project(server, PROJECT, "1.0", mode="truncate")
        index = with_password(server.url + "/simple")
        result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), fresh_work(warm_layers, tmp_path),
                           env={"PIP_INDEX_URL": index, **FAST_PIP}, network="host")
    assert_clean_failure(result, f"A download from {index.replace(PASSWORD, '****')} was cut short")
    assert not (result.layers / "pycnb_python" / "venv.toml").exists()


def test_unreachable_runtime_index(docker_client, builder_image, tmp_path):
    index = with_password(refused_url("/index.json"))
    result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), tmp_path / "work",
                       env={"BP_PYTHON_RUNTIME_INDEX": index, **FAST_RUNTIME}, network="host")
    assert_clean_failure(result, "Cannot read the Python runtime index")
    assert f"! Reading {index.replace(PASSWORD, '****')} failed after 2 attempts: [Errno 111] Connection refused" in result.output
    assert list((result.layers / "pycnb_python").iterdir()) == []


def test_hung_runtime_index_fails_in_bounded_time(docker_client, builder_image, tmp_path):
    with serve() as server:
        index = with_password(server.add("/index.json", "{}", mode="hang"))
        started = time.monotonic()
        result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), tmp_path / "work",
                           env={"BP_PYTHON_RUNTIME_INDEX": index, **FAST_RUNTIME}, network="host")
        elapsed = time.monotonic() - started
    assert_clean_failure(result, "Cannot read the Python runtime index")
    assert "failed after 2 attempts: no answer within 1 seconds" in result.output
    assert elapsed < 30, elapsed


@pytest.mark.parametrize("mode", ["ok", "truncate"])
def test_runtime_archive_with_a_wrong_checksum_is_never_unpacked(docker_client, builder_image, tmp_path, mode):
    served = b"\x1f\x8b not a CPython archive " * 1000
    announced = served if mode == "truncate" else served[:-1] + b"!"
    entry = {"version": "3.13.15", "os": "linux", "arch": "amd64", "distro": {"name": "debian", "version": "13"},
             "url": "cpython.tar.gz", "sha256": hashlib.sha256(announced).hexdigest(), "size": len(announced)}
    with serve(password=PASSWORD) as server:
        index = with_password(server.add("/runtimes/index.json", json.dumps({"schema_version": 1, "runtimes": [entry]})))
        server.add("/runtimes/cpython.tar.gz", served, mode=mode)
        result = run_phase(docker_client, "python", "build", make_app(tmp_path / "app"), tmp_path / "work",
                           env={"BP_PYTHON_RUNTIME_INDEX": index, **FAST_RUNTIME}, network="host")
        assert server.hits("/runtimes/cpython.tar.gz") == 2
    assert_clean_failure(result, "The Python runtime download is corrupt")
    archive = index.replace(PASSWORD, "****").replace("index.json", "cpython.tar.gz")
    expected = f"received {len(served) // 2} bytes" if mode == "truncate" else "received sha256 " + hashlib.sha256(served).hexdigest()
    assert f"! {archive} after 2 attempts: {expected}" in result.output
    layers = result.layers / "pycnb_python"
    assert not (layers / "python.toml").exists()
    assert list((layers / "python").iterdir()) == []


def test_runtime_layer_metadata_records_its_content(warm_layers):
    # Recorded with the runtime's build copy, the layer the cache keeps.
    metadata = tomllib.loads((warm_layers / "pycnb_python" / "python-copy.toml").read_text())["metadata"]
    assert metadata["content"] == fingerprint(warm_layers / "pycnb_python" / "python").as_metadata()
    assert metadata["content"]["entries"] > 500
    assert metadata["archive"]["size"] == (warm_layers / "pycnb_python" / "python-copy" / "content.tar").stat().st_size


def test_pip_is_kept_for_the_build_beside_the_runtime_not_in_it(warm_layers):
    """pip runs from a zip app in the runtime's build copy (the cache); the launch layer has none of it."""
    runtime = warm_layers / "pycnb_python" / "python"
    assert not list(runtime.glob("lib/python3*/site-packages/pip*")) and not list(runtime.glob("bin/pip*"))
    zipapp = warm_layers / "pycnb_python" / "python-copy" / "pip.pyz"
    links = [path.read_text() for path in runtime.glob("lib/python3*/site-packages/*.pth")]
    assert links == ["/layers/pycnb_python/python-copy/pip.pyz\n"]
    assert zipapp.stat().st_size > 1_000_000
