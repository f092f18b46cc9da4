"""Fuzz (SPEC 11): any Procfile, bytes or near-valid lines, parses or is refused with a build error, never a traceback."""

from __future__ import annotations

from cnb.errors import BuildpackError
from cnb.launch import PROCESS_TYPE
from hypothesis import given
from hypothesis import strategies as st
from procfile_buildpack import launch
from procfile_buildpack.procfile import parse, read
from support.fuzz import ANY_TEXT, LONG, UNICODE, WHITESPACE, app_dir, concatenations

PIECES = st.one_of(
    st.sampled_from(
        ["web", "worker", "Web_1", "a.b", "-", "release", ":", "::", "#", " #", "gunicorn app.wsgi", "$PORT", "&&", "'", '"', "\\", "\r"]
    ),
    WHITESPACE, UNICODE, LONG,
)
LINES = st.lists(concatenations(PIECES), max_size=8).map("\n".join)
DATA = st.one_of(
    st.binary(max_size=200), ANY_TEXT.map(str.encode), LINES.map(str.encode),
    st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf"]), LINES.map(str.encode), st.sampled_from([b"", b"\0", b"\xff", b"\xc3", b"\r\n"])).map(
        b"".join
    ),
)


@given(DATA)
def test_any_procfile_parses_or_is_refused_with_a_build_error(data):
    try:
        procfile = parse(data)
    except BuildpackError:
        return
    assert procfile.processes
    for definition in procfile.processes:
        assert PROCESS_TYPE.fullmatch(definition.name) and definition.command
    launch.processes(procfile.processes)


@given(DATA)
def test_any_procfile_file_is_read_or_refused_with_a_build_error(data):
    with app_dir() as app:
        (app / "Procfile").write_bytes(data)
        try:
            read(app)
        except BuildpackError:
            pass
