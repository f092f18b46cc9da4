"""Fuzz: any Pipfile, Pipfile.lock and Pipenv settings give Pipenv's inputs or a build error, never a traceback;
the Python version read from any Pipfile.lock is a request or a build error."""

from __future__ import annotations

import json

import tomli_w
from cnb.errors import BuildpackError
from hypothesis import event, given
from hypothesis import strategies as st
from python_buildpack.app import App
from python_buildpack import package_managers, python_version
from python_buildpack.package_managers import pipenv
from support.fuzz import ANY_TEXT, ENV_TEXT, LONG, NUMBER, UNICODE, app_dir

KEYS = st.sampled_from(["_meta", "hash", "sha256", "pipfile-spec", "requires", "python_version", "python_full_version", "sources",
                        "default", "develop", "docs", "six", "path", "file", "editable", "version", "hashes", "index", "markers"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10), NUMBER, UNICODE, LONG,
    st.sampled_from(["*", "3.13", "3.13.15", "3", "==1.17.0", "../outside", "/etc", ".", "file:///etc/x.whl", "file:lib", "https://x/y.whl",
                     "0" * 64]),
)
JSON = st.recursive(SCALARS, lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(KEYS, children, max_size=4)),
                    max_leaves=12)
PACKAGE = st.dictionaries(st.sampled_from(["path", "file", "version", "editable", "hashes"]), SCALARS, max_size=3)
SECTION = st.dictionaries(st.sampled_from(["six", "Django", "my_pkg", "x"]), st.one_of(PACKAGE, JSON), max_size=3)
META = st.fixed_dictionaries({}, optional={
    "hash": st.one_of(st.fixed_dictionaries({"sha256": st.one_of(st.just(""), st.text(max_size=5))}), JSON),
    "pipfile-spec": st.one_of(st.integers(0, 9), JSON),
    "requires": st.one_of(st.dictionaries(st.sampled_from(["python_version", "python_full_version"]), SCALARS, max_size=2), JSON),
    "sources": JSON,
})
LOCK = st.fixed_dictionaries({}, optional={
    "_meta": st.one_of(META, JSON), "default": st.one_of(SECTION, JSON), "develop": st.one_of(SECTION, JSON),
    "docs": st.one_of(SECTION, JSON),
})
# Shaped as Pipenv writes it, with any packages and Python: most of these reach the later checks.
WELL_FORMED_LOCK = st.fixed_dictionaries({
    "_meta": st.fixed_dictionaries(
        {"hash": st.just({"sha256": ""}), "pipfile-spec": st.integers(5, 7)},
        optional={"requires": st.dictionaries(st.sampled_from(["python_version", "python_full_version"]), SCALARS, max_size=2)},
    ),
    "default": st.dictionaries(st.sampled_from(["six", "Django", "my_pkg"]), PACKAGE, max_size=3),
    "develop": st.dictionaries(st.sampled_from(["pytest"]), PACKAGE, max_size=1),
}, optional={"docs": st.dictionaries(st.sampled_from(["sphinx"]), PACKAGE, max_size=1)})
PIPFILE_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.text(max_size=8), st.sampled_from(["*", ">=1", "3.13"])),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)),
    max_leaves=8,
)
PIPFILE_TABLES = st.dictionaries(
    st.sampled_from(["source", "packages", "dev-packages", "docs", "requires", "scripts", "pipenv", "default", "develop"]),
    st.one_of(st.dictionaries(st.sampled_from(["six", "Django", "my_pkg", "python_version"]), PIPFILE_VALUES, max_size=3), PIPFILE_VALUES),
    max_size=4,
).map(tomli_w.dumps)
PIPFILE = st.one_of(PIPFILE_TABLES, PIPFILE_TABLES, ANY_TEXT)
ENV = st.one_of(
    st.just({}),
    st.dictionaries(st.sampled_from(["BP_PYTHON_INSTALL_GROUPS", "PIPENV_PYPI_MIRROR"]),
                    st.one_of(ENV_TEXT, st.sampled_from(["docs", "develop", "dev-packages,docs", "default", ",", "x y"])), max_size=2),
    st.dictionaries(st.sampled_from(pipenv.FORBIDDEN_ENV_VARS), ENV_TEXT, max_size=1),
)
# Well-formed locks drawn about half the time, so that the checks after the format's are reached.
LOCKS = st.one_of(WELL_FORMED_LOCK.map(json.dumps), WELL_FORMED_LOCK.map(json.dumps), ANY_TEXT, LOCK.map(json.dumps), JSON.map(json.dumps))


@given(st.one_of(PIPFILE, st.none()), LOCKS, ENV, st.booleans())
def test_any_pipfile_and_lock_give_pipenv_inputs_or_a_build_error(pipfile, lock, env, hash_matches):
    with app_dir() as app:
        (app / "Pipfile.lock").write_text(lock, encoding="utf-8")
        if pipfile is not None:
            (app / "Pipfile").write_text(pipfile, encoding="utf-8")
            if hash_matches:  # most locks are fresh: put the Pipfile's hash in, when the lock has a place for it
                try:
                    document = json.loads(lock)
                    document["_meta"]["hash"]["sha256"] = pipenv.pipfile_hash(pipfile)
                    (app / "Pipfile.lock").write_text(json.dumps(document), encoding="utf-8")
                except (ValueError, TypeError, KeyError, BuildpackError):
                    pass
        try:
            project = package_managers.read(App(app), package_managers.choose(App(app), {}), env)
        except BuildpackError as error:
            event(error.title[:40])
            return
        event("read")
        assert [file.path.name for file in project.files] == ["Pipfile", "Pipfile.lock"]
        project.installer_summary()
        assert project.installer_version.startswith("pipenv ")
        try:
            project.check_runtime("3.13.15")
        except BuildpackError:
            pass


@given(LOCKS)
def test_any_lock_gives_a_python_version_request_or_a_build_error(lock):
    try:
        request = python_version.pipfile_lock_request(lock)
    except BuildpackError:
        return
    if request is not None:
        assert request.major is not None and request.matches("3.13.15") in (True, False)
