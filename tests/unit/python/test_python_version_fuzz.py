"""Fuzz: any .python-version, runtime.txt, pyproject.toml or BP_PYTHON_VERSION is read or refused with a build error."""

from __future__ import annotations

import tomli_w
from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack.app import App
from python_buildpack import python_version
from support.fuzz import ANY_TEXT, ENV_TEXT, LONG, NUMBER, UNICODE, WHITESPACE, app_dir, concatenations, lines_of

VERSION = concatenations(
    NUMBER, st.sampled_from([".", "..", "python-", "-", "v", "rc1", "*", "x", "#", "# comment", "cpython@"]), WHITESPACE, UNICODE
)
SPECIFIER = concatenations(
    st.sampled_from([">=", "==", "~=", "<", "!=", "===", ",", " ", "*", ".*", "+local"]), NUMBER, st.just("."), max_size=10
)
# Nested tables and arrays, of the scalars TOML has, keyed with names pyproject.toml uses.
KEYS = st.one_of(st.sampled_from(["project", "requires-python", "name", "tool", "build-system"]), st.text(max_size=5))
TOML_VALUES = st.recursive(
    st.one_of(st.text(max_size=20), SPECIFIER, st.integers(), st.booleans(), st.floats(allow_nan=False)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)),
    max_leaves=12,
)
PYPROJECT = st.one_of(
    ANY_TEXT,
    st.dictionaries(KEYS, TOML_VALUES, max_size=4).map(tomli_w.dumps),
    st.one_of(SPECIFIER, TOML_VALUES).map(lambda value: tomli_w.dumps({"project": {"requires-python": value}})),
    st.sampled_from(["a = " + "[" * 2000 + "]" * 2000, "a = " + "1" * 5000, "project = 1", "[project]\nrequires-python = ''"]),
)


def resolve(files: dict[str, str], env: dict[str, str] | None = None) -> None:
    with app_dir() as app:
        for name, text in files.items():
            (app / name).write_text(text, encoding="utf-8")
        try:
            resolution = python_version.resolve(App(app), env or {})
        except BuildpackError:
            return
        resolution.request.describe()
        resolution.request.matches("3.13.15")
        resolution.conflicts("3.13.15")


@given(st.one_of(ANY_TEXT, lines_of(VERSION)))
def test_any_python_version_file_is_read_or_refused_with_a_build_error(text):
    resolve({python_version.VERSION_FILE: text})


@given(st.one_of(ANY_TEXT, lines_of(VERSION)))
def test_any_runtime_txt_is_read_or_refused_with_a_build_error(text):
    resolve({python_version.RUNTIME_TXT: text})


@given(PYPROJECT)
def test_any_pyproject_toml_is_read_or_refused_with_a_build_error(text):
    resolve({python_version.PYPROJECT: text})


@given(st.one_of(ENV_TEXT, VERSION, LONG))
def test_any_bp_python_version_is_read_or_refused_with_a_build_error(value):
    resolve({}, {python_version.ENV_VAR: value})
