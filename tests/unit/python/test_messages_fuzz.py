"""Fuzz: any output of pip, pip-compile or venv gives a build error with a title, never a traceback."""

from __future__ import annotations

from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import messages, pip_diagnosis
from support.fuzz import ANY_TEXT, LONG, UNICODE, WHITESPACE, concatenations

PIP_OUTPUT = st.lists(
    st.one_of(
        ANY_TEXT,
        concatenations(
            st.sampled_from(
                [
                    "Looking in indexes: https://u:p@x/simple",
                    "ERROR: Could not find a version that satisfies the requirement django (from versions: none)",
                    "ERROR: No matching distribution found for django", "THESE PACKAGES DO NOT MATCH THE HASHES",
                    "error: subprocess-exited-with-error", "fatal error: Python.h: No such file or directory", "ResolutionImpossible", "{",
                    "}", "{0}", "{index}", " ", "%s",
                ]
            ),
            WHITESPACE, UNICODE, LONG,
            max_size=6,
        ),
    ),
    max_size=8,
)


@given(PIP_OUTPUT, st.one_of(st.none(), st.tuples(st.text(max_size=20), st.text(max_size=20))))
def test_any_pip_output_gives_a_build_error_with_a_title(output, unreachable):
    for error in (
        pip_diagnosis.install_failed(output, unreachable), messages.venv_creation_failed(output),
        messages.tool_install_failed("pip-tools", "7.6.2", output),
        messages.pip_compile_failed("requirements.in", output), messages.pip_check_failed(output),
    ):
        assert isinstance(error, BuildpackError) and error.title
