"""Fuzz: any runtime index (operator input) is loaded or refused with a build error, and a loaded one never fails later."""

from __future__ import annotations

import json

from cnb.context import Target
from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import download, runtime_index
from python_buildpack.python_version import VersionRequest
from support.fuzz import ANY_TEXT, NUMBER, app_dir, concatenations

JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=10,
)
VERSION = st.one_of(concatenations(NUMBER, st.sampled_from([".", "rc1", "+local", "v", "a", ".post1", ""])), JSON)
STRING_OR_ANYTHING = st.one_of(
    st.sampled_from(["linux", "amd64", "debian", "13", "", "python.tar.gz", "/abs.tar.gz", "http://[", "https://x/y"]), JSON
)
ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "version": VERSION,
        "os": STRING_OR_ANYTHING,
        "arch": STRING_OR_ANYTHING,
        "distro": st.one_of(st.fixed_dictionaries({}, optional={"name": STRING_OR_ANYTHING, "version": STRING_OR_ANYTHING}), JSON),
        "url": STRING_OR_ANYTHING,
        "sha256": STRING_OR_ANYTHING,
        "size": st.one_of(st.integers(), st.sampled_from(["1", "1" * 4400, "x"]), JSON),
    },
)
INDEX = st.one_of(
    st.fixed_dictionaries({"schema_version": st.one_of(st.just(1), JSON), "runtimes": st.one_of(st.lists(ENTRY, max_size=4), JSON)}).map(
        json.dumps
    ),
    JSON.map(json.dumps), ANY_TEXT, st.sampled_from(["[" * 5000, '{"schema_version": 1, "runtimes": ' + "[" * 5000 + "]" * 5000 + "}"]),
)
REQUESTS = st.one_of(
    st.builds(VersionRequest, st.just("test"), st.integers(0, 4), st.integers(0, 20), st.one_of(st.none(), st.integers(0, 20))),
    st.just(VersionRequest("default")),
)


@given(st.one_of(INDEX.map(str.encode), st.binary(max_size=100)), REQUESTS)
def test_any_index_is_loaded_or_refused_with_a_build_error(data, request):
    with app_dir() as folder:
        (folder / "index.json").write_bytes(data)
        try:
            index = runtime_index.load(str(folder / "index.json"), download.Settings(retries=0))
        except BuildpackError:
            return
        # A loaded index is trusted by everything after it: selecting and locating must not fail.
        for runtime in index.runtimes:
            runtime_index.archive_location(index, runtime)
        try:
            index.select(request, Target())
        except BuildpackError:
            pass
