"""Fuzz: any uv.lock, pyproject.toml and groups setting gives uv's inputs or a build error, never a traceback."""

from __future__ import annotations

import tomli_w
from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import package_managers
from python_buildpack.app import App
from support.fuzz import ANY_TEXT, ENV_TEXT, LONG, app_dir

SCALARS = st.one_of(ANY_TEXT, LONG, st.integers(), st.booleans(),
                    st.sampled_from(["..", "../x", "/", ".", "a/../../b", "x\0y", ">=0.1", "==0.13.8"]))
VALUES = st.recursive(SCALARS, lambda children: st.one_of(st.lists(children, max_size=3),
                                                          st.dictionaries(st.text(max_size=8), children, max_size=3)), max_leaves=8)
SOURCE = st.dictionaries(st.sampled_from(["registry", "path", "directory", "editable", "virtual", "git", "url"]), VALUES, max_size=2)
PACKAGE = st.fixed_dictionaries({}, optional={"name": VALUES, "version": VALUES, "source": st.one_of(SOURCE, VALUES)})
LOCK = st.one_of(
    ANY_TEXT,
    st.fixed_dictionaries({}, optional={"version": st.one_of(st.integers(-2, 5), VALUES), "revision": VALUES,
                                        "package": st.one_of(st.lists(PACKAGE, max_size=4), VALUES)}).map(tomli_w.dumps),
)
PYPROJECT = st.one_of(
    ANY_TEXT,
    st.fixed_dictionaries({}, optional={
        "project": st.fixed_dictionaries({}, optional={"requires-python": VALUES, "dependencies": VALUES}),
        "tool": st.one_of(
            st.fixed_dictionaries({}, optional={"uv": st.one_of(st.fixed_dictionaries({}, optional={"required-version": VALUES}), VALUES)}),
            VALUES),
    }).map(tomli_w.dumps),
)


@given(LOCK, st.one_of(st.none(), PYPROJECT), st.one_of(st.none(), ENV_TEXT))
def test_any_uv_project_is_read_or_refused_with_a_build_error(lock, pyproject, groups):
    with app_dir() as app:
        (app / "uv.lock").write_text(lock, encoding="utf-8")
        if pyproject is not None:
            (app / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        env = {} if groups is None else {"BP_PYTHON_INSTALL_GROUPS": groups}
        try:
            project = package_managers.read(App(app), package_managers.choose(App(app), env), env)
            project.installer_summary()
            project.check_runtime("3.13.15")
        except BuildpackError:
            return
        assert project.source.name == "uv.lock"
