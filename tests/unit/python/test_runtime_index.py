import hashlib
import json

import pytest

from cnb.context import Target
from cnb.errors import BuildpackError
from python_buildpack import runtime_index
from python_buildpack.python_version import VersionRequest

TARGET = Target("linux", "amd64", "debian", "13")


def make_index(tmp_path, versions, payload=b"archive"):
    entries = []
    for version in versions:
        (tmp_path / f"cpython-{version}.tar.gz").write_bytes(payload)
        entries.append({
            "version": version, "os": "linux", "arch": "amd64", "distro": {"name": "debian", "version": "13"},
            "url": f"cpython-{version}.tar.gz", "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload),
        })
    path = tmp_path / "index.json"
    path.write_text(json.dumps({"schema_version": 1, "runtimes": entries}))
    return runtime_index.load(str(path))


def test_minor_request_picks_newest_patch(tmp_path):
    index = make_index(tmp_path, ["3.13.5", "3.13.15", "3.11.2"])
    assert index.select(VersionRequest("test", 3, 13), TARGET).version == "3.13.15"


def test_default_picks_newest(tmp_path):
    index = make_index(tmp_path, ["3.11.2", "3.13.15"])
    assert index.select(VersionRequest("default"), TARGET).version == "3.13.15"


def test_unknown_version_lists_available(tmp_path):
    index = make_index(tmp_path, ["3.11.2", "3.13.15"])
    with pytest.raises(BuildpackError) as raised:
        index.select(VersionRequest(".python-version", 3, 12), TARGET)
    assert raised.value.title == "Python 3.12 is not available"
    assert "3.13.15, 3.11.2" in raised.value.details


def test_other_distro_is_not_offered(tmp_path):
    index = make_index(tmp_path, ["3.13.15"])
    with pytest.raises(BuildpackError):
        index.select(VersionRequest("default"), Target("linux", "amd64", "ubuntu", "24.04"))


def test_archive_is_verified_and_relative_to_index(tmp_path):
    index = make_index(tmp_path, ["3.13.15"])
    destination = tmp_path / "out.tar.gz"
    runtime_index.fetch_archive(index, index.runtimes[0], destination)
    assert destination.read_bytes() == b"archive"


def test_checksum_mismatch_is_an_error_and_leaves_nothing(tmp_path):
    index = make_index(tmp_path, ["3.13.15"])
    (tmp_path / "cpython-3.13.15.tar.gz").write_bytes(b"tampered")
    destination = tmp_path / "out.tar.gz"
    with pytest.raises(BuildpackError) as raised:
        runtime_index.fetch_archive(index, index.runtimes[0], destination)
    assert raised.value.title == "The Python runtime download is corrupt"
    assert not destination.exists()


def test_unreachable_index_names_location(tmp_path):
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(str(tmp_path / "nope.json"))
    assert raised.value.title == "Cannot read the Python runtime index"
    assert str(tmp_path / "nope.json") in raised.value.details


def test_invalid_index(tmp_path):
    (tmp_path / "index.json").write_text('{"schema_version": 1}')
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(str(tmp_path / "index.json"))
    assert raised.value.title == "The Python runtime index is not valid"


@pytest.fixture
def http_root(tmp_path):
    """A real HTTP server on 127.0.0.1 serving `tmp_path`."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_index_and_archive_over_http_with_relative_urls(tmp_path, http_root):
    make_index(tmp_path, ["3.13.15"])
    index = runtime_index.load(f"{http_root}/index.json")
    runtime = index.select(VersionRequest("test", 3, 13), TARGET)
    assert runtime_index.archive_location(index, runtime) == f"{http_root}/cpython-3.13.15.tar.gz"
    destination = tmp_path / "downloaded.tar.gz"
    runtime_index.fetch_archive(index, runtime, destination)
    assert destination.read_bytes() == b"archive"


def test_unreachable_url_is_retried_then_named(monkeypatch):
    monkeypatch.setattr(runtime_index, "RETRY_PAUSE_SECONDS", 0)
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load("http://user:s3cret@127.0.0.1:9/index.json")
    assert raised.value.title == "Cannot read the Python runtime index"
    assert "after 3 attempts" in raised.value.details
    assert "127.0.0.1:9/index.json" in raised.value.details


def test_an_index_path_that_is_a_folder_is_a_user_error(tmp_path):
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(str(tmp_path))
    assert raised.value.title == "Cannot read the Python runtime index"
    assert raised.value.details == f"Reading {tmp_path} failed: is a directory"
