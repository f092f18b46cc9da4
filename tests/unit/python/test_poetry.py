"""Poetry: poetry.lock and pyproject.toml read and checked before any download, with locks made by the real Poetry,
and the installer's `poetry sync` run for real into a virtual environment (exact: what the lock drops is removed)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from cnb.errors import BuildpackError
from cnb.log import Logger
from python_buildpack import package_managers
from python_buildpack.layers import tool as tool_layer
from python_buildpack.package_managers import poetry
from python_buildpack.app import App
from support.package_tools import tool, tool_env

# The proxy PyPI is reached through here serves the simple API but not the versioned JSON API
# (/pypi/<name>/<version>/json) Poetry's built-in PyPI source reads, so test projects name PyPI's simple
# index as their source, as projects that use a mirror do.
SIMPLE_INDEX = "https://pypi.org/simple/"


def run_poetry(app: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(tool("poetry")), *args, "--no-ansi", "--no-interaction"], cwd=app, env=tool_env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def poetry_project(folder: Path, *, index: bool = True) -> Path:
    """`poetry init`, with PyPI's simple index as source unless the project needs no index, as a user makes a project."""
    folder.mkdir(parents=True)
    run_poetry(folder, "init", "--name", folder.name, "--python", ">=3.11")
    if index:
        run_poetry(folder, "source", "add", "--priority=primary", "pypi-simple", SIMPLE_INDEX)
    return folder


@pytest.fixture(scope="module")
def locked(tmp_path_factory) -> Path:
    """A project locked by the real Poetry: six in main, iniconfig in the dev group, package-mode off."""
    app = poetry_project(tmp_path_factory.mktemp("locked") / "app")
    with (app / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n[tool.poetry]\npackage-mode = false\n")
    run_poetry(app, "add", "--lock", "six==1.17.0")
    run_poetry(app, "add", "--lock", "--group", "dev", "iniconfig==2.3.1")
    return app


def copy(app: Path, destination: Path) -> Path:
    shutil.copytree(app, destination)
    return destination


def read(app: Path, env: dict[str, str] | None = None) -> poetry.PoetryProject:
    choice = package_managers.choose(App(app), env or {})
    assert choice.manager == package_managers.POETRY
    return package_managers.read(App(app), choice, env or {})


def failure(app: Path, env: dict[str, str] | None = None) -> BuildpackError:
    with pytest.raises(BuildpackError) as raised:
        read(app, env)
    return raised.value


def set_lock_version(app: Path, version: str) -> None:
    lock = app / "poetry.lock"
    lines = [f'lock-version = "{version}"' if line.startswith("lock-version") else line for line in lock.read_text().splitlines()]
    lock.write_text("\n".join(lines) + "\n")


def test_a_lock_made_by_poetry_is_read_with_its_files_and_no_groups(locked):
    project = read(locked)
    assert [file.path.name for file in project.files] == ["pyproject.toml", "poetry.lock"]
    assert project.groups == ()
    assert project.warnings(locked) == []
    assert project.installer_version == f"Poetry {tool_layer.POETRY.version}; groups: none"
    assert project.installer_summary() == (
        f"Poetry {tool_layer.POETRY.version} (build only): poetry sync --only main, no other group (BP_PYTHON_INSTALL_GROUPS adds some)"
    )
    project.check_runtime("3.13.5")
    with pytest.raises(BuildpackError) as raised:
        project.check_runtime("3.10.4")
    assert raised.value.title == "Python 3.10.4 does not satisfy the project's requires-python (>=3.11)"


def test_the_pinned_poetry_writes_the_lock_format_we_accept(locked):
    assert 'lock-version = "2.1"' in (locked / "poetry.lock").read_text()
    assert str(poetry.LOCK_VERSION) == "2.1"


def test_groups_from_the_env_var_are_installed_besides_main(locked):
    project = read(locked, {"BP_PYTHON_INSTALL_GROUPS": "dev,main"})
    assert project.groups == ("dev",)
    assert "plus groups dev" in project.installer_summary()
    installer = poetry.PoetryInstaller(lambda: (Path("/poetry"), Path("/cache")), Path("/python"), locked, {}, project.groups)
    assert installer.argv() == ["/poetry", "sync", "--only=main", "--only=dev", "--no-interaction", "--no-ansi"]


def test_a_group_the_project_does_not_have_is_refused_before_any_download(locked):
    error = failure(locked, {"BP_PYTHON_INSTALL_GROUPS": "docs"})
    assert error.title == "BP_PYTHON_INSTALL_GROUPS names groups the project does not have: docs"
    assert "main, dev" in error.details


def test_poetry_lock_without_pyproject_is_an_error(locked, tmp_path):
    app = copy(locked, tmp_path / "app")
    (app / "pyproject.toml").unlink()
    error = failure(app)
    assert error.title == "poetry.lock has no pyproject.toml beside it"
    assert any("`poetry init`" in step for step in error.fix)


@pytest.mark.parametrize(("lock", "reason"), [
    ("[[package]\n", "poetry.lock is not valid: "),
    ("[[package]]\nname = 'six'\n", "it has no [metadata] table"),
    ("[metadata]\ncontent-hash = 'x'\n", "its [metadata] has no `lock-version` string"),
    ("[metadata]\nlock-version = 2.1\n", "its [metadata] has no `lock-version` string"),
    ("[metadata]\nlock-version = 'two'\n", "its lock-version 'two' is not a version"),
    ("[metadata]\nlock-version = '0.9'\n", "a format from before Poetry 1.0"),
    ("[metadata]\nlock-version = '" + "1" * 5000 + "'\n", "is not a version"),
])
def test_an_invalid_lock_is_an_error_saying_to_lock_again(tmp_path, lock, reason):
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '1'\n")
    (app / "poetry.lock").write_text(lock)
    error = failure(app)
    assert error.title == "poetry.lock cannot be read"
    assert reason in error.details
    assert error.fix[0] == "Run `poetry lock` to write it again, and commit it."


def test_a_lock_from_a_newer_poetry_major_is_refused(locked, tmp_path):
    app = copy(locked, tmp_path / "app")
    set_lock_version(app, "3.0")
    error = failure(app)
    assert error.title == "poetry.lock was written by a newer Poetry than pycnb installs with"
    assert 'lock-version = "3.0"' in error.details and 'lock-version = "2.1"' in error.details


def test_a_lock_from_a_newer_poetry_minor_is_read_with_a_warning(locked, tmp_path):
    app = copy(locked, tmp_path / "app")
    set_lock_version(app, "2.2")
    (title, body), = read(app).warnings(app)
    assert title == "poetry.lock was written by a newer Poetry"
    assert "poetry lock" in body


@pytest.mark.parametrize(("requires", "allowed"), [
    (">=2.0", True), ("^2.5", True), ("2.5.1", True), ("~2.5", True), (">=2.0,<3.0", True), ("^1.8 || ^2.0", True),
    (">=3.0", False), ("<2.5", False), ("==1.8.3", False), ("~2.4", False),
])
def test_requires_poetry_must_allow_the_pinned_poetry(locked, tmp_path, requires, allowed):
    app = copy(locked, tmp_path / "app")
    text = (app / "pyproject.toml").read_text().replace("[tool.poetry]\n", f"[tool.poetry]\nrequires-poetry = '{requires}'\n")
    (app / "pyproject.toml").write_text(text)
    if allowed:
        read(app)
        return
    error = failure(app)
    assert error.title == f"The project requires Poetry {requires}; pycnb installs with Poetry {tool_layer.POETRY.version}"
    assert "tool.poetry.requires-poetry" in error.details


def test_an_invalid_requires_poetry_is_an_error(locked, tmp_path):
    app = copy(locked, tmp_path / "app")
    text = (app / "pyproject.toml").read_text().replace("[tool.poetry]\n", "[tool.poetry]\nrequires-poetry = 'latest'\n")
    (app / "pyproject.toml").write_text(text)
    error = failure(app)
    assert error.title == "tool.poetry.requires-poetry in pyproject.toml is not a version specifier"
    assert "`>=2.0`" in error.fix[0]


# Our reading of Poetry's constraint syntax, against poetry-core's own, run in the pinned Poetry's environment.
CONSTRAINTS = [
    "^2.5", "^0.2.3", "^0.0.3", "^0", "^1", "~2.5", "~2", "~2.5.1", "~=2.5", "~=2", ">=2.0,<3", ">= 2.0, < 2.5", ">=2 <2.5", "2.5.1",
    "2.5.*", "!=2.5.*", "==2.5.1", "*", ">=2.*", "<3.*", ">= 2.0 <3", ">=2,", "^1.8 || ^2.0", "<2.5 | >2.5", ">2.5.1", "<=2.5.1",
    "=2.5.1", "^3.11", "~3.11", ">=3.11,<4.0", "3.13.*",
]
VERSIONS = ["0.0.3", "0.0.4", "0.2.9", "0.3.0", "1.9.0", "2.0.0", "2.4.9", "2.5.0", "2.5.1", "2.6.0", "3.0.0", "3.11.2", "3.12.0",
            "3.13.5", "4.0.0"]
POETRY_CORE_CHECK = """
import json, sys
from poetry.core.constraints.version import Version, parse_constraint
constraints, versions = json.loads(sys.stdin.read())
print(json.dumps({c: [parse_constraint(c).allows(Version.parse(v)) for v in versions] for c in constraints}))
"""


def test_poetry_constraints_are_read_as_poetry_core_reads_them():
    python = tool("poetry", "python")
    result = subprocess.run([str(python), "-c", POETRY_CORE_CHECK], input=json.dumps([CONSTRAINTS, VERSIONS]), capture_output=True,
                            text=True, check=True)
    expected = json.loads(result.stdout)
    for constraint in CONSTRAINTS:
        ours = [any(spec.contains(version, prereleases=True) for spec in poetry.poetry_constraint(constraint)) for version in VERSIONS]
        assert (constraint, ours) == (constraint, expected[constraint])


@pytest.mark.parametrize("constraint", ["latest", ">=", "^", "2.5.*.1", "^x", "1 || ||", "=>2", "", ",>=2", "~=2.*"])
def test_text_that_is_not_a_poetry_constraint_is_a_value_error(constraint):
    with pytest.raises(ValueError):
        poetry.poetry_constraint(constraint)


def test_the_tool_poetry_python_constraint_is_checked_against_the_runtime(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    # A Poetry 1.x project: no [project] table, the Python constraint among the dependencies.
    (app / "pyproject.toml").write_text("[tool.poetry]\nname = 'app'\nversion = '1'\n\n[tool.poetry.dependencies]\npython = '^3.12'\n")
    (app / "poetry.lock").write_text("[metadata]\nlock-version = '2.0'\n")
    project = read(app)
    project.check_runtime("3.13.5")
    with pytest.raises(BuildpackError) as raised:
        project.check_runtime("3.11.2")
    assert raised.value.title == "Python 3.11.2 does not satisfy the project's tool.poetry.dependencies.python (^3.12)"


def test_a_path_dependency_outside_the_app_is_refused(tmp_path):
    """`poetry add ../shared` from an app next to a shared library, as monorepos do: only the app folder is built."""
    poetry_project(tmp_path / "shared", index=False)
    app = poetry_project(tmp_path / "app", index=False)
    run_poetry(app, "add", "--lock", "../shared")
    assert 'url = "../shared"' in (app / "poetry.lock").read_text()
    error = failure(app)
    assert error.title == "poetry.lock takes shared from a folder outside the app"
    assert "'../shared'" in error.details


def test_a_path_dependency_inside_the_app_is_accepted(tmp_path):
    app = poetry_project(tmp_path / "app", index=False)
    poetry_project(app / "libs" / "shared", index=False)
    run_poetry(app, "add", "--lock", "./libs/shared")
    assert 'url = "libs/shared"' in (app / "poetry.lock").read_text()
    read(app)


@pytest.mark.parametrize("name", poetry.FORBIDDEN_ENV_VARS)
def test_poetry_settings_that_move_the_environment_are_refused(locked, name):
    error = failure(locked, {name: "/tmp/elsewhere"})
    assert error.title == "Env vars that break the install are set"
    assert "make Poetry install outside" in error.details and name in error.details


def test_credentials_for_an_index_pass_through(locked):
    read(locked, {"POETRY_HTTP_BASIC_PRIVATE_USERNAME": "ci", "POETRY_HTTP_BASIC_PRIVATE_PASSWORD": "s3cret-value"})


def test_poetry_sync_installs_exactly_the_lock_into_our_environment(locked, tmp_path):
    """The installer run for real: main only, then after `poetry remove` the package is gone, and Poetry made no venv of its own."""
    app = copy(locked, tmp_path / "app")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    cache = tmp_path / "cache"
    installer = poetry.PoetryInstaller(lambda: (tool("poetry"), cache), Path(sys.executable), app, tool_env())
    stream = io.StringIO()
    installer.install(Logger(stream), environment, update_in_place=False)
    site_packages = next(environment.glob("lib/python3*/site-packages"))
    assert (site_packages / "six.py").is_file()
    assert not list(site_packages.glob("iniconfig*"))  # the dev group
    assert "Running: " in stream.getvalue() and "--only=main" in stream.getvalue()
    run_poetry(app, "remove", "--lock", "six")
    installer.install(Logger(io.StringIO()), environment, update_in_place=True)
    assert not (site_packages / "six.py").exists()
    assert not list(cache.glob("virtualenvs/*/pyvenv.cfg"))
    assert not (app / ".venv").exists()


def test_a_stale_lock_and_a_missing_package_folder_get_their_messages(locked, tmp_path):
    app = copy(locked, tmp_path / "app")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    installer = poetry.PoetryInstaller(lambda: (tool("poetry"), tmp_path / "cache"), Path(sys.executable), app, tool_env())
    pyproject = app / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original.replace('"six (==1.17.0)"', '"six (==1.17.0)",\n    "iniconfig"'))
    with pytest.raises(BuildpackError) as raised:
        installer.install(Logger(io.StringIO()), environment, update_in_place=False)
    assert raised.value.title == "poetry.lock is out of date"
    assert raised.value.fix == ["Run `poetry lock` in the app and commit poetry.lock with pyproject.toml."]
    pyproject.write_text(original.replace("package-mode = false", "package-mode = true"))
    with pytest.raises(BuildpackError) as raised:
        installer.install(Logger(io.StringIO()), environment, update_in_place=False)
    assert raised.value.title == "Poetry found no package to install for the project itself"
    assert "package-mode = false" in raised.value.fix[0]


@pytest.mark.parametrize(("pyproject", "has_main"), [
    ("[project]\nname = 'app'\nversion = '1.0'\n", False),
    ("[project]\nname = 'app'\nversion = '1.0'\ndependencies = []\n", True),
    ("[project]\nname = 'app'\nversion = '1.0'\n[project.optional-dependencies]\nx = ['six']\n", True),
    ("[tool.poetry]\nname = 'app'\nversion = '1.0'\n[tool.poetry.dependencies]\npython = '^3.11'\n", True),
])
def test_a_main_group_is_named_only_when_poetry_gives_the_project_one(tmp_path, pyproject, has_main):
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(pyproject)
    (app / "poetry.lock").write_text("[metadata]\nlock-version = '2.1'\n")
    project = read(app)
    assert project.has_main_group == has_main
    installer = poetry.PoetryInstaller(lambda: (Path("/poetry"), Path("/cache")), Path("/python"), app, {}, (), [], project.has_main_group)
    assert installer.argv()[2] == ("--only=main" if has_main else "--only-root")


def test_a_project_without_dependencies_installs_only_itself(tmp_path):
    """`poetry lock` of a [project] with no dependencies: Poetry has no `main` group and refuses `--only main`."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '1.0'\n")
    run_poetry(app, "lock")
    (app / "app").mkdir()
    (app / "app" / "__init__.py").write_text("")
    project = read(app)
    assert "--only-root" in project.installer_summary()
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    installer = poetry.PoetryInstaller(lambda: (tool("poetry"), tmp_path / "cache"), Path(sys.executable), app, tool_env(), (), [],
                                       project.has_main_group)
    installer.install(Logger(io.StringIO()), environment, update_in_place=False)
    assert list(environment.glob("lib/python3*/site-packages/app.pth"))  # the project itself, editable


def test_a_project_whose_build_fails_gets_what_poetry_named(locked, tmp_path):
    """`poetry init` names a README.md it does not write: building the project itself fails, and the error says so."""
    app = copy(locked, tmp_path / "app")
    pyproject = app / "pyproject.toml"
    text = pyproject.read_text().replace("package-mode = false", "package-mode = true")
    if "readme" not in text:
        text = text.replace("[project]\n", '[project]\nreadme = "README.md"\n', 1)
    pyproject.write_text(text)
    (app / "app").mkdir()
    (app / "app" / "__init__.py").write_text("")
    assert not (app / "README.md").exists()
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    installer = poetry.PoetryInstaller(lambda: (tool("poetry"), tmp_path / "cache"), Path(sys.executable), app, tool_env())
    with pytest.raises(BuildpackError) as raised:
        installer.install(Logger(io.StringIO()), environment, update_in_place=False)
    assert raised.value.title == "Poetry could not install the project itself"
    assert "Readme path" in raised.value.details and "README.md" in raised.value.details
    assert "package-mode = false" in raised.value.fix[1]


def test_the_locked_packages_of_every_group_are_the_lines_a_delta_follows(locked):
    assert read(locked).addition_texts() == ["iniconfig==2.3.1\nsix==1.17.0"]


def test_a_lock_poetry_made_gives_pip_the_main_group_pinned_and_hashed(locked):
    pip_install = read(locked).pip_install
    assert pip_install is not None and pip_install.index_url == SIMPLE_INDEX.rstrip("/")  # as Poetry writes it
    assert len(pip_install.lines) == 1 and pip_install.lines[0].startswith("six==1.17.0 --hash=sha256:"), pip_install.lines
    with_dev = read(locked, {"BP_PYTHON_INSTALL_GROUPS": "dev"}).pip_install
    assert [line.split()[0] for line in with_dev.lines] == ["iniconfig==2.3.1", "six==1.17.0"]


def test_a_delta_of_a_lock_pip_can_install_is_added_by_pip_without_poetry(locked, tmp_path):
    """The lock gained six: the runtime's pip installs it under the delta's prefix, from the lock's pins and
    hashes, and Poetry is neither unpacked nor run."""
    app = copy(locked, tmp_path / "app")
    environment, prefix = tmp_path / "venv", tmp_path / "delta"
    venv.create(environment, with_pip=False)
    project = read(app)

    def no_poetry():
        raise AssertionError("Poetry was asked for")

    # django-heroku, which pycnb/django asked for, is in the base already.
    installer = poetry.PoetryInstaller(no_poetry, Path(sys.executable), app, tool_env(), project.groups, ["django-heroku==0.3.1"],
                                       True, project.pip_install)
    stream = io.StringIO()
    assert installer.install_delta(Logger(stream), environment, prefix, {"django-heroku": "0.3.1"}) == ""
    assert "with pip (the lock's pins and hashes)" in stream.getvalue() and "--require-hashes" in stream.getvalue()
    assert list(prefix.glob("lib/python3*/site-packages/six.py")) and not list(prefix.glob("lib/python3*/site-packages/iniconfig"))


def test_a_lock_only_poetry_can_install_leaves_the_delta_to_poetry(locked, tmp_path):
    app = copy(locked, tmp_path / "app")
    assert read(app, {"POETRY_HTTP_BASIC_PRIVATE_USERNAME": "ci"}).pip_install is None  # Poetry's own settings
    (app / "poetry.toml").write_text("[installer]\nno-binary = [':all:']\n")
    assert read(app).pip_install is None
    (app / "poetry.toml").unlink()
    pyproject = app / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("package-mode = false", "package-mode = true"))
    assert read(app).pip_install is None  # Poetry reinstalls the project itself


@pytest.mark.parametrize(("extra_packages", "base"), [(["django-heroku"], {}), (["django-heroku==0.3.1"], {"django-heroku": "0.2"})])
def test_a_package_another_buildpack_asked_for_that_the_base_lacks_leaves_the_delta_to_poetry(locked, tmp_path, extra_packages, base):
    project = read(locked)
    ran = []
    installer = poetry.PoetryInstaller(lambda: ran.append("poetry") or (tool("poetry"), tmp_path / "cache"), Path(sys.executable),
                                       locked, tool_env(), project.groups, extra_packages, True, project.pip_install)
    with pytest.raises(BuildpackError):  # Poetry, run on no environment at all, fails
        installer.install_delta(Logger(io.StringIO()), tmp_path / "no-venv", tmp_path / "delta", base)
    assert ran and set(ran) == {"poetry"}
