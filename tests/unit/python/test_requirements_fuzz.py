"""Fuzz: any requirements file, with any includes, is read or refused with a build error."""

from __future__ import annotations

from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import requirements
from support.fuzz import ANY_TEXT, LINE_FRAGMENT, LONG, WHITESPACE, app_dir, concatenations, lines_of

INCLUDES = st.sampled_from(
    [
        "-r base.txt", "-rbase.txt", "--requirement=base.txt", "-c constraints.txt", "-r requirements.txt", "-r sub/more.txt",
        "-r ../x.txt", "-r /etc/passwd", '-r "base.txt"', "-r 'unbalanced", "-r missing.txt", "-r sub", "-r .", "-r ", "-r  # x",
    ]
)
TEXT = st.one_of(ANY_TEXT, lines_of(concatenations(INCLUDES, LINE_FRAGMENT, WHITESPACE, LONG, max_size=4)))
FILE_CONTENT = st.one_of(st.binary(max_size=200), TEXT.map(str.encode))


@given(FILE_CONTENT, FILE_CONTENT, FILE_CONTENT)
def test_any_requirements_files_are_read_or_refused_with_a_build_error(main, base, more):
    with app_dir() as app:
        (app / "sub").mkdir()
        for path, content in [(app / "requirements.txt", main), (app / "base.txt", base), (app / "sub" / "more.txt", more)]:
            path.write_bytes(content)
        try:
            files = requirements.collect(app / "requirements.txt", app)
        except BuildpackError:
            return
        requirements.lists_nothing(files)
        requirements.digest(files, app)
