"""Fuzz (SPEC.md): any Aptfile, bytes or near-valid lines, parses into valid Debian names or is refused with a build error."""

from __future__ import annotations

from apt_buildpack import aptfile
from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import ANY_TEXT, LONG, UNICODE, WHITESPACE, app_dir, concatenations

PIECES = st.one_of(
    st.sampled_from(["libmagic1", "libgdal36", "g++", "/trixie", "/sid", "#", " #", "-y", "apt-get", "install", ";", "$",
                     "https://x/y.deb", ":amd64", "\r", "\t", "Lib", ".", "+"]),
    WHITESPACE, UNICODE, LONG,
)
LINES = st.lists(concatenations(PIECES), max_size=8).map("\n".join)
DATA = st.one_of(st.binary(max_size=200), ANY_TEXT.map(str.encode), LINES.map(str.encode),
                 st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf"]), LINES.map(str.encode),
                           st.sampled_from([b"", b"\0", b"\xff", b"\r\n"])).map(b"".join))


@given(DATA)
def test_any_aptfile_parses_into_debian_names_or_is_refused_with_a_build_error(data):
    try:
        parsed = aptfile.parse(data)
    except BuildpackError as error:
        assert error.title and error.fix
        return
    seen = set()
    for request in parsed.requests:
        assert aptfile.PACKAGE_NAME.fullmatch(request.name) and request.name not in seen
        seen.add(request.name)


@given(DATA)
def test_any_aptfile_on_disk_reads_or_is_refused_with_a_build_error(data):
    with app_dir() as folder:
        (folder / "Aptfile").write_bytes(data)
        try:
            aptfile.read(folder)
        except BuildpackError:
            pass
