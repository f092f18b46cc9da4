"""Fuzz: any poetry.lock, pyproject.toml and build env gives Poetry's inputs or a build error; any Poetry
version constraint gives specifier sets or a ValueError (which read() turns into a build error)."""

from __future__ import annotations

import tomli_w
from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import package_managers
from python_buildpack.package_managers import poetry
from python_buildpack.app import App
from support.fuzz import ANY_TEXT, ENV_TEXT, LONG, NUMBER, PATHS, UNICODE, WHITESPACE, app_dir, concatenations

# Pieces of Poetry constraints (requires-poetry, [tool.poetry.dependencies].python), right and wrong.
OPERATORS = st.sampled_from(["^", "~", "~=", ">=", "<=", ">", "<", "==", "!=", "=", "===", "=>", ""])
VERSION = st.one_of(st.sampled_from(["2.5.1", "2.5", "2", "0.0.3", "3.11", "2.*", "2.5.*", "1.0a1", "x", "*", "2.5.*.1", "v2"]), NUMBER)
SEPARATORS = st.sampled_from([",", " ", ", ", "||", " || ", "|", ",,", ""])
CONSTRAINT = st.one_of(ANY_TEXT, concatenations(OPERATORS, VERSION, SEPARATORS, WHITESPACE, UNICODE, LONG))

VALUES = st.recursive(
    st.one_of(st.text(max_size=20), st.integers(), st.booleans(), CONSTRAINT),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=8,
)
GROUP_NAMES = st.sampled_from(["dev", "docs", "main", "test", "Docs_X", "d.e-v"])
POETRY_SETTINGS = st.fixed_dictionaries({}, optional={
    "requires-poetry": st.one_of(CONSTRAINT, VALUES),
    "package-mode": st.one_of(st.booleans(), VALUES),
    "dependencies": st.one_of(st.fixed_dictionaries({}, optional={"python": st.one_of(CONSTRAINT, VALUES)}), VALUES),
    "group": st.one_of(st.dictionaries(GROUP_NAMES, st.just({"dependencies": {}}), max_size=3), VALUES),
    "dev-dependencies": VALUES,
})
PYPROJECT_TABLES = (
    st.fixed_dictionaries({}, optional={
        "project": st.one_of(st.fixed_dictionaries({}, optional={"requires-python": st.one_of(CONSTRAINT, VALUES)}), VALUES),
        "tool": st.one_of(st.fixed_dictionaries({"poetry": st.one_of(POETRY_SETTINGS, VALUES)}), VALUES),
        "dependency-groups": st.one_of(st.dictionaries(GROUP_NAMES, st.just([]), max_size=3), VALUES),
    }).map(tomli_w.dumps)
)


def mostly(valid: st.SearchStrategy, other: st.SearchStrategy, in_ten: int = 8) -> st.SearchStrategy:
    """`valid` in about `in_ten` examples out of ten, else `other`: most examples reach the checks past the parsers."""
    return st.sampled_from(range(10)).flatmap(lambda draw: valid if draw < in_ten else other)


PYPROJECT = mostly(PYPROJECT_TABLES, ANY_TEXT)
VALID_LOCK_VERSIONS = st.sampled_from(["2.1", "2.0", "1.1", "2.2"])
LOCK_VERSIONS = st.one_of(st.sampled_from(["2.1", "2.0", "1.1", "2.2", "3.0", "0.9", "two", "", "2.1.0.0.0", "1!2.0", "2.1+local"]),
                          NUMBER, ANY_TEXT)
SOURCE = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["directory", "file", "git", "legacy", "url"]),
                           "url": st.one_of(PATHS, ANY_TEXT, VALUES)}),
    VALUES,
)
PACKAGE = st.one_of(st.fixed_dictionaries({"name": st.one_of(st.text(max_size=10), VALUES)}, optional={"source": SOURCE}), VALUES)
LOCK_TABLES = st.fixed_dictionaries(
    {"metadata": mostly(st.fixed_dictionaries({"lock-version": mostly(VALID_LOCK_VERSIONS, st.one_of(LOCK_VERSIONS, VALUES))}), VALUES)},
    optional={"package": st.one_of(st.lists(PACKAGE, max_size=3), VALUES)},
).map(tomli_w.dumps)
LOCK = mostly(LOCK_TABLES, ANY_TEXT)
ENV = st.dictionaries(
    st.sampled_from(["BP_PYTHON_INSTALL_GROUPS", "BP_PYTHON_INSTALL_GROUPS", "POETRY_HTTP_BASIC_X_PASSWORD", "POETRY_HTTP_BASIC_X_USERNAME",
                     "POETRY_VIRTUALENVS_CREATE"]),
    st.one_of(ENV_TEXT, st.sampled_from(["dev", "docs,dev", "main", "", "docs;rm"])), max_size=2,
)


@given(mostly(PYPROJECT, st.none(), 9), LOCK, mostly(st.just({}), ENV, 5))
def test_any_poetry_project_gives_its_inputs_or_a_build_error(pyproject, lock, env):
    with app_dir() as app:
        (app / "poetry.lock").write_text(lock, encoding="utf-8")
        if pyproject is not None:
            (app / package_managers.PYPROJECT).write_text(pyproject, encoding="utf-8")
        try:
            choice = package_managers.choose(App(app), {})
            project = package_managers.read(App(app), choice, env)
        except BuildpackError:
            return
        assert choice.manager == package_managers.POETRY
        project.installer_summary()
        assert project.installer_version
        project.warnings(app)
        for version in ("3.11.2", "3.13.5"):
            try:
                project.check_runtime(version)
            except BuildpackError:
                pass
        poetry.PoetryInstaller(lambda: (app / "poetry", app / "cache"), app / "python", app, {}, project.groups).argv()


@given(CONSTRAINT)
def test_any_poetry_constraint_gives_specifier_sets_or_a_value_error(text):
    try:
        specifiers = poetry.poetry_constraint(text)
    except ValueError:
        return
    assert specifiers
    for specifier in specifiers:
        specifier.contains("2.5.1", prereleases=True)
