import hashlib
import json
import time

import pytest

from cnb.context import Target
from cnb.errors import BuildpackError
from python_buildpack import download, runtime_index
from support.fault_server import refused_url, serve
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


def test_runtime_txt_pin_of_a_minor_not_offered_names_the_line_and_the_nearest_newer_minor(tmp_path):
    index = make_index(tmp_path, ["3.11.2", "3.13.15"])
    with pytest.raises(BuildpackError) as raised:
        index.select(VersionRequest("runtime.txt", 3, 12, 4, line=1), TARGET)
    error = raised.value
    assert error.title == "Python 3.12.4 is not available"
    assert "runtime.txt, line 1 asks for Python 3.12.4, and the runtime index has no Python 3.12: it offers 3.13, 3.11." in error.details
    assert error.fix[0] == (
        "Move the app to an offered Python: write `3.13` in a .python-version file and delete runtime.txt (deprecated), "
        "and check that its dependencies support 3.13."
    )
    assert "BP_PYTHON_RUNTIME_INDEX" in error.fix[1]


def test_pin_of_a_missing_patch_of_an_offered_minor_suggests_the_minor_and_the_offered_release(tmp_path):
    index = make_index(tmp_path, ["3.11.2", "3.12.12", "3.13.15"])
    with pytest.raises(BuildpackError) as raised:
        index.select(VersionRequest("runtime.txt", 3, 12, 4, line=1), TARGET)
    error = raised.value
    assert "runtime.txt, line 1 asks for exactly 3.12.4; of Python 3.12 the runtime index has 3.12.12." in error.details
    assert error.fix[:2] == [
        "Ask for `3.12`, the newest 3.12.x with its security fixes: write `3.12` in a .python-version file"
        " and delete runtime.txt (deprecated).",
        "Or pin the release offered: change runtime.txt, line 1 to `python-3.12.12`.",
    ]
    with pytest.raises(BuildpackError) as raised:
        index.select(VersionRequest(".python-version", 3, 12, 4, line=3), TARGET)
    assert raised.value.fix[1] == "Or pin the release offered: change .python-version, line 3 to `3.12.12`."


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
    assert "received 8 bytes, the index says 7" in raised.value.details
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


ENTRY = {"version": "3.13.15", "os": "linux", "arch": "amd64", "distro": {"name": "debian", "version": "13"}, "url": "x.tar.gz",
         "sha256": "0", "size": 1}


# Found by the fuzz tests: each was loaded, then failed with a traceback when selected, or could not be loaded at all.
@pytest.mark.parametrize("text, reason", [
    ("[" * 5000, "its arrays or objects are nested too deeply"),
    (json.dumps({"schema_version": 1, "runtimes": [{**ENTRY, "version": "abc"}]}),
     "runtime version 'abc' is not a release version such as 3.13.15"),
    (json.dumps({"schema_version": 1, "runtimes": [{**ENTRY, "version": "3.14.0rc1"}]}),
     "runtime version '3.14.0rc1' is not a release version"),
    (json.dumps({"schema_version": 1, "runtimes": [{**ENTRY, "version": 3.13}]}), "the version of runtime 3.13 is 3.13, not a string"),
    (json.dumps({"schema_version": 1, "runtimes": [{**ENTRY, "url": None}]}), "the url of runtime '3.13.15' is None, not a string"),
])
def test_an_index_that_selecting_would_trip_over_is_invalid(tmp_path, text, reason):
    (tmp_path / "index.json").write_text(text)
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(str(tmp_path / "index.json"))
    assert raised.value.title == "The Python runtime index is not valid"
    assert reason in raised.value.details


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


FAST = download.Settings(timeout=0.5, retries=2, pause=0)


def test_unreachable_url_is_retried_then_named_with_the_password_masked():
    url = refused_url("/index.json").replace("http://", "http://user:s3cret@")
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(url, FAST)
    assert raised.value.title == "Cannot read the Python runtime index"
    assert "after 3 attempts: [Errno 111] Connection refused" in raised.value.details
    assert "user:****@127.0.0.1" in raised.value.details
    assert "s3cret" not in raised.value.details + "".join(raised.value.fix)


def test_a_hung_index_times_out_in_bounded_time():
    with serve() as server:
        url = server.add("/index.json", "{}", mode="hang")
        started = time.monotonic()
        with pytest.raises(BuildpackError) as raised:
            runtime_index.load(url, FAST)
        assert time.monotonic() - started < 5
    assert "after 3 attempts: no answer within 0.5 seconds" in raised.value.details
    assert server.hits("/index.json") == 3
    assert any("BP_PYTHON_DOWNLOAD_TIMEOUT" in step for step in raised.value.fix)


def test_credentials_in_the_index_url_are_sent_as_basic_auth(tmp_path):
    make_index(tmp_path, ["3.13.15"])
    with serve(password="s3cret") as server:
        server.add("/index.json", (tmp_path / "index.json").read_bytes())
        server.add("/cpython-3.13.15.tar.gz", b"archive")
        index = runtime_index.load(server.url.replace("http://", "http://user:s3cret@") + "/index.json", FAST)
        runtime_index.fetch_archive(index, index.runtimes[0], tmp_path / "out.tar.gz")
    assert (tmp_path / "out.tar.gz").read_bytes() == b"archive"
    assert all(auth == "Basic dXNlcjpzM2NyZXQ=" for _, auth in server.requests)


def test_a_truncated_index_is_retried_then_explained():
    with serve() as server:
        url = server.add("/index.json", '{"schema_version": 1, "runtimes": []}', mode="truncate")
        with pytest.raises(BuildpackError) as raised:
            runtime_index.load(url, FAST)
    assert "after 3 attempts: the server closed the connection after 18 bytes, before the end of the response" in raised.value.details


def test_a_not_found_index_is_not_retried():
    with serve() as server:
        with pytest.raises(BuildpackError) as raised:
            runtime_index.load(server.url + "/missing.json", FAST)
    assert raised.value.details.endswith("failed: HTTP 404 Not Found")
    assert server.hits("/missing.json") == 1


def test_server_errors_are_retried_until_it_answers(tmp_path):
    make_index(tmp_path, ["3.13.15"])
    with serve() as server:
        url = server.add("/index.json", (tmp_path / "index.json").read_bytes(), fail_first=2)
        assert runtime_index.load(url, FAST).runtimes[0].version == "3.13.15"
        assert server.hits("/index.json") == 3


@pytest.mark.parametrize("mode, served, expected", [
    ("truncate", b"archive", "received 3 bytes, the index says 7"),
    ("ok", b"archiv", "received 6 bytes, the index says 7"),
    ("ok", b"ARCHIVE",
     "received sha256 " + hashlib.sha256(b"ARCHIVE").hexdigest() + ", the index says " + hashlib.sha256(b"archive").hexdigest()),
])
def test_a_short_or_wrong_archive_is_retried_then_refused_and_nothing_is_left(tmp_path, mode, served, expected):
    make_index(tmp_path, ["3.13.15"])
    destination = tmp_path / "out.tar.gz"
    with serve() as server:
        server.add("/index.json", (tmp_path / "index.json").read_bytes())
        server.add("/cpython-3.13.15.tar.gz", served, mode=mode)
        index = runtime_index.load(server.url + "/index.json", FAST)
        with pytest.raises(BuildpackError) as raised:
            runtime_index.fetch_archive(index, index.runtimes[0], destination)
        assert server.hits("/cpython-3.13.15.tar.gz") == 3
    assert raised.value.title == "The Python runtime download is corrupt"
    assert expected in raised.value.details
    assert not destination.exists()


@pytest.mark.parametrize("env, expected", [
    ({}, download.Settings()),
    ({"BP_PYTHON_DOWNLOAD_TIMEOUT": "2.5", "BP_PYTHON_DOWNLOAD_RETRIES": "0"}, download.Settings(timeout=2.5, retries=0)),
    ({"BP_PYTHON_DOWNLOAD_RETRIES": "010"}, download.Settings(retries=10)),
    ({"BP_PYTHON_DOWNLOAD_RETRIES": "0" * 4301}, download.Settings(retries=0)),  # found by the fuzz tests: int() refused it
])
def test_download_settings_from_env(env, expected):
    assert download.settings(env) == expected


@pytest.mark.parametrize("name, value", [
    ("BP_PYTHON_DOWNLOAD_TIMEOUT", "soon"), ("BP_PYTHON_DOWNLOAD_TIMEOUT", "0"), ("BP_PYTHON_DOWNLOAD_RETRIES", "-1"),
    ("BP_PYTHON_DOWNLOAD_RETRIES", "99"),
    # Found by the fuzz tests: str.isdigit() takes them, int() does not.
    ("BP_PYTHON_DOWNLOAD_RETRIES", "\u00b2"), ("BP_PYTHON_DOWNLOAD_RETRIES", "1" * 4400),
])
def test_invalid_download_settings_are_errors(name, value):
    with pytest.raises(BuildpackError) as raised:
        download.settings({name: value})
    assert raised.value.title == f"Invalid {name}"


def test_credentials_are_taken_out_of_the_url():
    assert download.without_credentials("https://u%40x:p%3Aw@host:8443/i.json") == ("https://host:8443/i.json", "Basic dUB4OnA6dw==")
    assert download.without_credentials("https://host/i.json") == ("https://host/i.json", None)


def test_an_index_path_that_is_a_folder_is_a_user_error(tmp_path):
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(str(tmp_path))
    assert raised.value.title == "Cannot read the Python runtime index"
    assert raised.value.details == f"Reading {tmp_path} failed: is a directory"


def test_a_malformed_url_is_an_error_not_a_crash():
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load("http://user:s3cret@127.0.0.1:notaport/index.json", FAST)
    assert raised.value.title == "Cannot read the Python runtime index"
    assert "s3cret" not in raised.value.details


@pytest.mark.parametrize("location", ["http://[", "https://u:p@[::1/index.json", "A://["])  # found by the fuzz tests
def test_a_url_with_a_malformed_host_is_an_error_not_a_crash(location):
    assert download.is_url(location) == location.startswith("http")
    with pytest.raises(BuildpackError) as raised:
        runtime_index.load(location, FAST)
    assert raised.value.title == "Cannot read the Python runtime index"
