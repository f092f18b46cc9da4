"""Fuzz: the download settings and the runtime index location (env vars) are read or refused with a build error."""

from __future__ import annotations

from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import download, package_index, runtime_index
from support.fault_server import refused_url
from support.fuzz import ENV_TEXT, LONG, NUMBER, UNICODE, WHITESPACE, concatenations

SETTING = st.one_of(ENV_TEXT, concatenations(NUMBER, st.sampled_from([".", "-", "e", "inf", "nan", "_", "+", "0x1"]), WHITESPACE, UNICODE))
# Locations that are not URLs (read as local files) or URLs to this machine or malformed: none
# reaches the network.
URL_SCHEMES = st.sampled_from(["http://", "https://", "file://", "HTTP://", "ftp://", ""])
HOSTS = st.sampled_from(
    ["[", "[::1", "user:pa@[", "localhost:port", "127.0.0.1:99999", "127.0.0.1:-1", "\uff0f", "h\u2100", "u:p@127.0.0.1:1"]
)
MALFORMED = st.tuples(URL_SCHEMES, HOSTS, ENV_TEXT.map(lambda path: "/" + path.replace("@", ""))).map("".join)


def _not_a_url(text: str) -> bool:
    try:
        return not download.is_url(text)
    except ValueError:
        return True  # test_any_location_is_a_url_or_not says what is wrong


LOCATIONS = st.one_of(ENV_TEXT.filter(_not_a_url), MALFORMED, LONG)


@given(SETTING, SETTING)
def test_any_download_settings_are_read_or_refused_with_a_build_error(timeout, retries):
    try:
        settings = download.settings({download.TIMEOUT_ENV_VAR: timeout, download.RETRIES_ENV_VAR: retries})
    except BuildpackError:
        return
    assert 0 < settings.timeout <= 3600 and 0 <= settings.retries <= 10


@given(st.one_of(ENV_TEXT, MALFORMED, URL_SCHEMES))
def test_any_location_is_a_url_or_not(location):
    assert isinstance(download.is_url(location), bool)


@given(MALFORMED)
def test_any_url_loses_its_credentials_or_is_a_value_error(url):
    # with_retries turns the ValueError of a malformed URL into the caller's build error.
    try:
        download.without_credentials(url)
    except ValueError:
        pass


@given(LOCATIONS)
def test_any_runtime_index_location_is_read_or_refused_with_a_build_error(location):
    try:
        runtime_index.load(location, download.Settings(timeout=1, retries=0, pause=0))
    except BuildpackError:
        pass


@given(st.one_of(st.none(), SETTING), st.one_of(st.none(), SETTING), st.one_of(st.just(refused_url("/simple")), MALFORMED))
def test_any_pip_timeout_and_index_url_give_a_diagnosis_without_a_traceback(timeout, default_timeout, index):
    # When pip found no versions, the buildpack asks the index itself, with pip's timeout: here an
    # index that refuses at once, or a malformed URL.
    env = {"PIP_INDEX_URL": index}
    env.update({name: value for name, value in (("PIP_TIMEOUT", timeout), ("PIP_DEFAULT_TIMEOUT", default_timeout)) if value is not None})
    package_index.unreachable(["ERROR: Could not find a version that satisfies the requirement django (from versions: none)"], env)
