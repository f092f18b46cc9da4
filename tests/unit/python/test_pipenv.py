"""Pipenv: Pipfile.lock is checked before any download (format, the Pipfile's hash as Pipenv computes it, local
sources, env vars, categories, Python), with lock files made by the real Pipenv at the version pycnb pins, and
the installer gives exactly the lock, also when the environment is updated."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnb.errors import BuildpackError
from cnb.log import Logger
from python_buildpack.app import App
from python_buildpack import package_managers, python_version
from python_buildpack.layers import tool
from python_buildpack.package_managers import pipenv
from support import package_tools
from support.package_tools import tool_env

PIPFILE = """\
[packages]
Six = "*"
typing_extensions = {version = "*"}

[dev-packages]
iniconfig = "*"

[docs]
packaging = "*"

[requires]
python_version = "3.11"

[scripts]
serve = "python -m http.server"
"""


def run_pipenv(app: Path, *args: str, workon: Path) -> subprocess.CompletedProcess:
    env = tool_env(WORKON_HOME=str(workon), PIPENV_YES="1", PIPENV_NOSPIN="1", PIPENV_VERBOSITY="-1", PIPENV_DONT_LOAD_ENV="1")
    return subprocess.run([str(package_tools.tool("pipenv")), *args], cwd=app, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    """An app locked by the real `pipenv lock`: its Pipfile and Pipfile.lock texts, and where Pipenv keeps its virtualenvs."""
    app = tmp_path_factory.mktemp("pipenv-app")
    workon = tmp_path_factory.mktemp("pipenv-venvs")
    (app / "Pipfile").write_text(PIPFILE)
    result = run_pipenv(app, "lock", workon=workon)
    assert result.returncode == 0, result.stdout + result.stderr
    return (app / "Pipfile").read_text(), (app / "Pipfile.lock").read_text(), workon


def make_app(folder: Path, pipfile: str | None, lock: str | dict | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if pipfile is not None:
        (folder / "Pipfile").write_text(pipfile)
    if lock is not None:
        (folder / "Pipfile.lock").write_text(lock if isinstance(lock, str) else json.dumps(lock, indent=4))
    return folder


def read(app: Path, env: dict | None = None) -> pipenv.PipenvProject:
    choice = package_managers.choose(App(app), env or {})
    assert choice.manager == package_managers.PIPENV
    return package_managers.read(App(app), choice, env or {})


def failure(app: Path, env: dict | None = None) -> BuildpackError:
    with pytest.raises(BuildpackError) as raised:
        read(app, env)
    return raised.value


def a_lock(pipfile: str = "[packages]\nsix = '*'\n", **sections) -> dict:
    """A lock shaped as Pipenv writes it, for `pipfile`, with its hash."""
    return {
        "_meta": {"hash": {"sha256": pipenv.pipfile_hash(pipfile)}, "pipfile-spec": 6, "requires": {}, "sources": pipenv.DEFAULT_SOURCES},
        "default": {"six": {"hashes": ["sha256:" + "0" * 64], "version": "==1.17.0"}},
        "develop": {},
        **sections,
    }


# Locks made by the real Pipenv.

def test_a_lock_made_by_pipenv_is_read_with_its_files_python_and_no_dev_packages(locked, tmp_path):
    pipfile, lock, _ = locked
    project = read(make_app(tmp_path, pipfile, lock))
    assert [file.path.name for file in project.files] == ["Pipfile", "Pipfile.lock"]
    assert json.loads(lock)["_meta"]["pipfile-spec"] == pipenv.PIPFILE_SPEC
    assert (project.python.source, project.python.describe(), project.categories) == ("python_version in Pipfile.lock", "3.11", ())
    assert project.installer_version == f"pipenv {tool.PIPENV.version}; categories: none"
    assert "no dev-packages" in project.installer_summary()
    project.check_runtime("3.11.2")
    with pytest.raises(BuildpackError) as raised:
        project.check_runtime("3.13.15")
    assert raised.value.title == "Python 3.13.15 is not the Python Pipfile.lock was locked for (python_version 3.11)"
    assert any('python_version = "3.13"' in step for step in raised.value.fix)


SOURCE = '[[source]]\nname = "pypi"\nurl = "{url}"\nverify_ssl = true\n\n'
# Each edit of the Pipfile pipenv lock wrote, and whether the lock still matches it.
EDITS = [
    ("unchanged", lambda text: text, True),
    ("comments and blank lines", lambda text: "# the app's dependencies\n\n" + text.replace("\n[", "\n\n# section\n[") + "\n# end\n", True),
    ("package names in another case and separator",
     lambda text: text.replace("Six", "SIX").replace("typing_extensions", "\"Typing.Extensions\""), True),
    ("sections in another order", lambda text: "[docs]\npackaging = \"*\"\n\n" + text.replace("[docs]\npackaging = \"*\"\n", ""), True),
    ("scripts changed", lambda text: text.replace("http.server", "http.server 8000"), True),
    ("pipenv settings added", lambda text: text + "\n[pipenv]\nallow_prereleases = false\n", True),
    ("the default source written out", lambda text: SOURCE.format(url="https://pypi.org/simple") + text, True),
    ("a package added", lambda text: text.replace('Six = "*"', 'Six = "*"\nidna = "*"'), False),
    ("a dev package's version changed", lambda text: text.replace('iniconfig = "*"', 'iniconfig = ">=2"'), False),
    ("the Python version changed", lambda text: text.replace('python_version = "3.11"', 'python_version = "3.13"'), False),
    ("a category added", lambda text: text + "\n[tests]\npytest = \"*\"\n", False),
    ("another index", lambda text: SOURCE.format(url="https://mirror.example/simple") + text, False),
]


@pytest.mark.parametrize(("edit", "still_matches"), [(edit, matches) for _, edit, matches in EDITS], ids=[name for name, _, _ in EDITS])
def test_the_stale_lock_check_agrees_with_pipenv_verify(locked, tmp_path, edit, still_matches):
    pipfile, lock, workon = locked
    app = make_app(tmp_path, edit(pipfile), lock)
    verify = run_pipenv(app, "verify", workon=workon)
    assert (verify.returncode == 0) == still_matches, verify.stdout + verify.stderr
    if still_matches:
        read(app)
    else:
        error = failure(app)
        assert error.title == "Pipfile.lock is out of date"
        assert error.fix == ["Run `pipenv lock` in the app and commit Pipfile.lock with the Pipfile."]
        assert "Nothing was installed" in error.details


def test_the_installer_gives_exactly_the_lock_and_updating_it_removes_what_it_no_longer_lists(locked, tmp_path):
    pipfile, lock, _ = locked
    app = make_app(tmp_path / "app", pipfile, lock)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    cache = tmp_path / "cache"
    installer = pipenv.PipenvInstaller(package_tools.tool("pipenv"), Path(sys.executable), cache, app, tool_env())
    stream = io.StringIO()
    installer.install(Logger(stream), venv, update_in_place=False)
    assert installed(venv) >= {"six", "typing_extensions"}
    assert not installed(venv) & {"iniconfig", "packaging"}  # [dev-packages] and unselected categories
    assert not (app / ".venv").exists() and sorted(path.name for path in app.iterdir()) == ["Pipfile", "Pipfile.lock"]

    # The lock without typing_extensions: pipenv sync alone would leave it installed.
    pipfile = pipfile.replace("typing_extensions = {version = \"*\"}\n", "")
    document = json.loads(lock)
    del document["default"]["typing-extensions"]
    document["_meta"]["hash"]["sha256"] = pipenv.pipfile_hash(pipfile)
    make_app(app, pipfile, document)
    read(app)
    installer.install(Logger(stream), venv, update_in_place=True)
    assert "six" in installed(venv) and "typing_extensions" not in installed(venv)

    # An extra category, selected by BP_PYTHON_INSTALL_GROUPS.
    project = read(app, {"BP_PYTHON_INSTALL_GROUPS": "docs"})
    assert project.categories == ("docs",)
    pipenv.PipenvInstaller(package_tools.tool("pipenv"), Path(sys.executable), cache, app, tool_env(), project.categories).install(
        Logger(stream), venv, update_in_place=True)
    assert {"six", "packaging"} <= installed(venv) and "iniconfig" not in installed(venv)


def installed(venv: Path) -> set[str]:
    site = next(venv.glob("lib/python*/site-packages"))
    return {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}


# Checks before any download.

@pytest.mark.parametrize(("lock", "reason"), [
    ("{", "it is not JSON"),
    ("<<<<<<< HEAD\n{}\n", "it is not JSON"),
    ("[]", "it is a JSON list, not an object"),
    ("{}", "it has no `_meta.hash.sha256`"),
    ('{"_meta": {"hash": {"sha256": 5}}}', "it has no `_meta.hash.sha256`"),
    ('{"_meta": {"hash": {"sha256": ""}, "pipfile-spec": "6"}}', "it has no integer `_meta.pipfile-spec`"),
    ('{"_meta": {"hash": {"sha256": ""}, "pipfile-spec": 6}, "default": {}}', 'it has no "develop" section'),
    ('{"_meta": {"hash": {"sha256": ""}, "pipfile-spec": 6}, "default": [], "develop": {}}',
     '"default" is not an object of locked packages'),
    ('{"_meta": {"hash": {"sha256": ""}, "pipfile-spec": 6}, "default": {"six": "==1"}, "develop": {}}', '"default" is not an object'),
    ("[" * 100_000, "nested too deeply"),
    ('{"_meta": ' + "1" * 5000 + "}", "a number too long"),
])
def test_an_invalid_lock_is_refused_with_pipenv_lock(tmp_path, lock, reason):
    error = failure(make_app(tmp_path, "[packages]\n", lock))
    assert error.title == "Pipfile.lock cannot be read"
    assert reason in error.details
    assert error.fix[0] == "Run `pipenv lock` to write it again, and commit it."


def test_a_lock_from_a_newer_pipfile_spec_is_refused(tmp_path):
    lock = a_lock()
    lock["_meta"]["pipfile-spec"] = 7
    error = failure(make_app(tmp_path, "[packages]\nsix = '*'\n", lock))
    assert error.title == "Pipfile.lock was written by a newer Pipenv than pycnb installs with"
    assert '"pipfile-spec": 7' in error.details and '"pipfile-spec": 6' in error.details


def test_a_lock_without_its_pipfile_is_refused_with_the_fix(tmp_path):
    error = failure(make_app(tmp_path, None, a_lock()))
    assert error.title == "Pipfile.lock without Pipfile"
    assert "Commit the Pipfile" in error.fix[0] and "pipenv requirements > requirements.txt" in error.fix[1]


@pytest.mark.parametrize(("pipfile", "reason"), [
    ("[packages\n", "it is not valid TOML"),
    ("packages = 5\n", "[packages] is a int, not a table of packages"),
    ("docs = 'x'\n", "[docs] is a str, not a table of packages"),
    ("[packages]\nsix = 1979-05-27\n", "it holds a date or time"),
])
def test_a_pipfile_pipenv_cannot_hash_is_refused(tmp_path, pipfile, reason):
    error = failure(make_app(tmp_path, pipfile, a_lock()))
    assert error.title == "Pipfile cannot be read"
    assert reason in error.details


@pytest.mark.parametrize(("package", "outside"), [
    ({"path": "../shared", "editable": True}, True),
    ({"path": "/opt/lib"}, True),
    ({"file": "file:///home/me/pkg-1.0.whl"}, True),
    ({"file": "../dist/pkg-1.0.whl"}, True),
    ({"path": ".", "editable": True}, False),
    ({"path": "./libs/core"}, False),
    ({"file": "https://example.com/pkg-1.0.whl"}, False),
    ({"git": "https://github.com/x/y.git", "ref": "abc"}, False),
])
def test_local_sources_outside_the_app_are_refused(tmp_path, package, outside):
    lock = a_lock()
    lock["default"]["mypkg"] = package
    app = make_app(tmp_path, "[packages]\nsix = '*'\n", lock)
    if not outside:
        read(app)
        return
    error = failure(app)
    assert error.title == "Pipfile.lock takes mypkg from a folder outside the app"


@pytest.mark.parametrize("name", pipenv.FORBIDDEN_ENV_VARS)
def test_pipenv_settings_that_move_the_environment_are_refused(tmp_path, name):
    error = failure(make_app(tmp_path, "[packages]\nsix = '*'\n", a_lock()), {name: "1"})
    assert error.title == "Env vars that break the install are set"
    assert name in error.details and "Pipenv" in error.details


def test_index_settings_pass_through_to_pipenv_and_ours_win(tmp_path):
    app = make_app(tmp_path, "[packages]\nsix = '*'\n", a_lock())
    env = {"PIPENV_PYPI_MIRROR": "https://mirror.example/simple", "PIP_INDEX_URL": "https://u:p@x/simple", "PIPENV_CACHE_DIR": "/elsewhere"}
    read(app, env)
    installer = pipenv.PipenvInstaller(Path("/pipenv"), Path("/python"), Path("/cache"), app, env)
    given = installer.environment(tmp_path / "venv")
    assert given["PIPENV_PYPI_MIRROR"] == env["PIPENV_PYPI_MIRROR"] and given["PIP_INDEX_URL"] == env["PIP_INDEX_URL"]
    assert (given["VIRTUAL_ENV"], given["PIPENV_CACHE_DIR"], given["PIPENV_PIPFILE"]) == (
        str(tmp_path / "venv"), "/cache", str(app / "Pipfile"))
    assert given["PIPENV_DONT_LOAD_ENV"] == given["PIPENV_YES"] == "1"


@pytest.mark.parametrize(("groups", "categories"), [
    ("docs", ("docs",)), ("develop", ("dev-packages",)), ("dev-packages,docs", ("dev-packages", "docs")), ("default,packages", ()),
])
def test_install_groups_select_pipfile_categories(tmp_path, groups, categories):
    pipfile = "[packages]\nsix = '*'\n[docs]\nsphinx = '*'\n"
    project = read(make_app(tmp_path, pipfile, a_lock(pipfile, docs={})), {"BP_PYTHON_INSTALL_GROUPS": groups})
    assert project.categories == categories
    assert project.installer_version.endswith(f"categories: {','.join(categories) or 'none'}")


def test_an_install_group_the_lock_lacks_is_refused(tmp_path):
    error = failure(make_app(tmp_path, "[packages]\nsix = '*'\n", a_lock()), {"BP_PYTHON_INSTALL_GROUPS": "docs"})
    assert error.title == "BP_PYTHON_INSTALL_GROUPS names 'docs', which Pipfile.lock does not have"
    assert "packages, dev-packages" in error.details


# The Python version: Pipfile.lock's, after .python-version and runtime.txt, before pyproject.toml.

def lock_requiring(**requires) -> dict:
    lock = a_lock()
    lock["_meta"]["requires"] = requires
    return lock


@pytest.mark.parametrize(("files", "source", "described"), [
    ({}, "python_version in Pipfile.lock", "3.11"),
    ({"pyproject.toml": "[project]\nrequires-python = '>=3.12'\n"}, "python_version in Pipfile.lock", "3.11"),
    ({"runtime.txt": "python-3.13.15\n"}, "runtime.txt", "3.13.15"),
    ({".python-version": "3.13\n"}, ".python-version", "3.13"),
])
def test_the_lock_python_version_comes_after_version_files_and_before_pyproject(tmp_path, files, source, described):
    app = make_app(tmp_path, "[packages]\n", lock_requiring(python_version="3.11"))
    for name, text in files.items():
        (app / name).write_text(text)
    resolution = python_version.resolve(App(app), {})
    assert (resolution.request.source, resolution.request.describe()) == (source, described)
    if source != "python_version in Pipfile.lock":
        assert "python_version in Pipfile.lock" in [other.source for other in resolution.overridden]


@pytest.mark.parametrize(("requires", "described", "matches", "refuses"), [
    ({"python_full_version": "3.13.15", "python_version": "3.13"}, "3.13.15", "3.13.15", "3.13.5"),
    ({"python_version": "3.13"}, "3.13", "3.13.5", "3.11.2"),
    ({"python_version": "*", "python_full_version": ""}, None, "3.11.2", None),
    ({}, None, "3.11.2", None),
])
def test_the_lock_python_is_the_runtime_the_build_needs(tmp_path, requires, described, matches, refuses):
    project = read(make_app(tmp_path, "[packages]\nsix = '*'\n", lock_requiring(**requires)))
    assert (project.python.describe() if project.python else None) == described
    project.check_runtime(matches)
    if refuses:
        with pytest.raises(BuildpackError, match="is not the Python Pipfile.lock was locked for"):
            project.check_runtime(refuses)


@pytest.mark.parametrize("value", ["3", "3.x", "latest", 3.11, ["3.11"]])
def test_an_invalid_lock_python_version_is_refused(tmp_path, value):
    app = make_app(tmp_path, "[packages]\n", lock_requiring(python_version=value))
    with pytest.raises(BuildpackError) as raised:
        python_version.resolve(App(app), {})
    assert raised.value.title == "Invalid Python version in Pipfile.lock"
    assert "_meta.requires.python_version" in raised.value.details


def test_a_lock_python_version_is_ignored_when_the_lock_is_not_json(tmp_path):
    app = make_app(tmp_path, "[packages]\n", "{")
    assert python_version.resolve(App(app), {}).request.source.startswith("default")


@pytest.mark.parametrize(("pyproject", "own_entry", "warned"), [
    ("[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n", None, True),
    ("[build-system]\nrequires = ['setuptools']\n", {"editable": True, "path": "."}, False),
    ("[tool.black]\nline-length = 100\n", None, False),
    (None, None, False),
])
def test_a_build_system_beside_a_pipfile_is_not_used_and_said_so(tmp_path, pyproject, own_entry, warned):
    """Pipenv installs what the lock lists; the app itself only when the lock has it (`pipenv install -e .`)."""
    lock = a_lock()
    if own_entry:
        lock["default"]["app"] = own_entry
    app = make_app(tmp_path, "[packages]\nsix = '*'\n", lock)
    if pyproject is not None:
        (app / "pyproject.toml").write_text(pyproject)
    choice = package_managers.choose(App(app), {})
    project = package_managers.read(App(app), choice, {})
    titles = [title for title, _ in project.warnings(app)]
    assert titles == (["pyproject.toml's [build-system] is not used"] if warned else [])


def test_a_lock_that_only_gained_packages_can_be_installed_as_a_delta(tmp_path):
    """addition_texts: every locked package of every category, a URL or path one by its whole entry."""
    lock = a_lock(develop={"Pytest": {"version": "==9.0.1"}, "mylib": {"path": "."}})
    project = read(make_app(tmp_path, "[packages]\nsix = '*'\n", lock))
    assert project.addition_texts() == ['mylib {"path": "."}\npytest==9.0.1\nsix==1.17.0']
