"""Fuzz: any bytes in an app's text file are read as text or refused with a build error."""

from __future__ import annotations

from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import app_files
from support.fuzz import app_dir

BOMS_AND_ENDINGS = st.sampled_from([b"\xef\xbb\xbf", b"\r\n", b"\r", b"\0", b"\xff", b"\xc3", b"\xed\xa0\x80", b"x"])


@given(st.lists(st.one_of(st.binary(max_size=50), BOMS_AND_ENDINGS), max_size=8).map(b"".join))
def test_any_bytes_are_text_or_a_build_error(data):
    with app_dir() as app:
        (app / "requirements.txt").write_bytes(data)
        try:
            text = app_files.read_text(app / "requirements.txt", app)
        except BuildpackError:
            return
        assert "\0" not in text
