import pytest

from python_buildpack import package_index
from support.fault_server import refused_url, serve

NO_VERSIONS = [
    "ERROR: Could not find a version that satisfies the requirement Fault_Probe==1.0 (from versions: none)",
    "ERROR: No matching distribution found for Fault_Probe==1.0",
]


def test_a_refused_index_is_named_with_the_reason():
    index = refused_url("/simple").replace("http://", "http://u:pw@")
    url, reason = package_index.unreachable(NO_VERSIONS, {"PIP_INDEX_URL": index})
    assert url == index
    assert reason.endswith("/simple/fault-probe/: [Errno 111] Connection refused")


@pytest.mark.parametrize("timeout", ["inf", "1e400", "10000000000", "nan", "-1", "0"])  # found by fuzzing: an OverflowError traceback
def test_a_timeout_a_socket_cannot_take_is_left_for_the_default(timeout):
    url, reason = package_index.unreachable(NO_VERSIONS, {"PIP_INDEX_URL": refused_url("/simple"), "PIP_TIMEOUT": timeout})
    assert reason.endswith("/simple/fault-probe/: [Errno 111] Connection refused")


@pytest.mark.parametrize("mode, expected", [("hang", "no answer within 0.5 seconds"), ("error", "answered HTTP 503 Service Unavailable")])
def test_a_hung_or_failing_index_is_named(mode, expected):
    with serve() as server:
        server.add("/simple/fault-probe/", "", mode=mode)
        url, reason = package_index.unreachable(NO_VERSIONS, {"PIP_INDEX_URL": server.url + "/simple/", "PIP_DEFAULT_TIMEOUT": "0.5"})
    assert url == server.url + "/simple/"
    assert expected in reason


@pytest.mark.parametrize("routes", [{}, {"/simple/fault-probe/": "<html></html>"}])
def test_an_index_that_answers_is_not_blamed(routes):
    with serve() as server:
        for path, body in routes.items():
            server.add(path, body)
        assert package_index.unreachable(NO_VERSIONS, {"PIP_INDEX_URL": server.url + "/simple"}) is None


def test_other_failures_ask_nothing():
    assert package_index.unreachable(["ERROR: ResolutionImpossible"], {"PIP_INDEX_URL": "http://127.0.0.1:9/simple"}) is None
    assert package_index.index_url({}) == "https://pypi.org/simple"
