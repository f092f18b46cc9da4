"""Fuzz: no requirements line, typed or random, gives a traceback; pip's rules hold for every input."""

from __future__ import annotations

from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import requirement_lines
from support.fuzz import ANY_TEXT, LINE_FRAGMENT, NAMES, OPTIONS, UNICODE, app_dir, concatenations, lines_of

REQUIREMENTS_TEXT = st.one_of(ANY_TEXT, lines_of(concatenations(LINE_FRAGMENT)))


def check(text: str) -> None:
    with app_dir() as app:
        (app / "lib").mkdir()
        (app / "base.txt").write_text("Django\n")
        try:
            requirement_lines.check(text, "requirements.txt", app)
        except BuildpackError:
            pass


@given(REQUIREMENTS_TEXT)
def test_any_requirements_text_is_accepted_or_refused_with_a_build_error(text):
    check(text)


@given(REQUIREMENTS_TEXT)
def test_logical_lines_never_fail_and_never_keep_a_comment_or_blank_line(text):
    for number, content in requirement_lines.logical_lines(text):
        assert number >= 1
        assert content == content.strip() and content
        assert not content.startswith("#")


@given(st.one_of(ANY_TEXT, OPTIONS, concatenations(OPTIONS, NAMES, UNICODE)))
def test_any_option_is_known_or_not(option):
    assert isinstance(requirement_lines.known_option(option), bool)
