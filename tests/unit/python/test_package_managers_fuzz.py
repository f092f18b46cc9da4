"""Fuzz: any pyproject.toml, set of manager files and BP_PYTHON_PACKAGE_MANAGER gives a choice or a build error."""

from __future__ import annotations

import tomli_w
from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import package_managers
from python_buildpack.app import App
from support.fuzz import ANY_TEXT, ENV_TEXT, app_dir

REQUIREMENT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["Django==5.2.8", "gunicorn>=23,<24", "pkg @ https://x/y.whl", "x; python_version<'3'", "Django\n-r x"]),
)
VALUES = st.recursive(
    st.one_of(REQUIREMENT, st.integers(), st.booleans()),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(["dependencies", "dynamic", "poetry"]), children, max_size=3)),
    max_leaves=10,
)
PROJECT = st.fixed_dictionaries({}, optional={
    "name": st.text(max_size=5), "dependencies": st.one_of(st.lists(REQUIREMENT, max_size=5), VALUES),
    "dynamic": st.one_of(st.just(["dependencies"]), VALUES),
})
PYPROJECT = st.one_of(
    ANY_TEXT,
    st.fixed_dictionaries({}, optional={"project": st.one_of(PROJECT, VALUES), "tool": VALUES, "build-system": VALUES}).map(tomli_w.dumps),
)
FILES = st.sets(st.sampled_from([name for name, _ in package_managers.MANAGER_FILES]
                                + ["Pipfile", "pdm.lock", "setup.py", "requirments.txt"]))
ENV = st.one_of(st.none(), st.sampled_from(package_managers.MANAGERS), ENV_TEXT)


@given(st.one_of(st.none(), PYPROJECT), FILES, ENV)
def test_any_app_gets_a_package_manager_or_a_build_error(pyproject, files, requested):
    with app_dir() as app:
        for name in files:
            (app / name).write_text("Django==5.2.8\n")
        if pyproject is not None:
            (app / package_managers.PYPROJECT).write_text(pyproject, encoding="utf-8")
        try:
            choice = package_managers.choose(App(app), {package_managers.ENV_VAR: requested} if requested is not None else {})
            choice.summary()
            inputs = package_managers.read(App(app), choice, {})
        except BuildpackError:
            return
        inputs.installer_summary()
        inputs.warnings(app)
        if choice.manager != package_managers.PIP:
            return
        inputs.lists_nothing()
        written = inputs.requirements_file(app, app / "generated.txt")
        assert written.is_file()
        if inputs.from_pyproject:
            assert len(written.read_text().splitlines()) == len(inputs.dependencies) + inputs.install_project
