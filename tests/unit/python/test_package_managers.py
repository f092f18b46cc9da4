"""Choosing the package manager: one tool from the app's files, or an error that says which file to add or remove."""

import pytest

from cnb.errors import BuildpackError
from python_buildpack import package_managers
from python_buildpack.package_managers import pip
from python_buildpack.app import App

ENV_VAR = package_managers.ENV_VAR
PROJECT = "[project]\nname = 'app'\nversion = '1'\ndependencies = ['Django==5.2.8', 'gunicorn>=23']\n"


def app(tmp_path, *names, **files):
    for name in names:
        files.setdefault(name, "")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def choose(app_dir, env=None):
    return package_managers.choose(App(app_dir), env or {})


def failure(app_dir, env=None) -> BuildpackError:
    with pytest.raises(BuildpackError) as raised:
        package_managers.read(App(app_dir), choose(app_dir, env), env or {})
    return raised.value


def test_the_policy_lists_name_each_file_once_and_every_manager():
    names = [name for name, _ in package_managers.MANAGER_FILES] + list(package_managers.OTHER_PYTHON_FILES)
    assert len(names) == len(set(names))
    assert {manager for _, manager in package_managers.MANAGER_FILES} == set(package_managers.MANAGERS)


@pytest.mark.parametrize(("files", "manager", "named_by"), [
    (("requirements.txt",), "pip", ("requirements.txt",)),
    (("requirements.in",), "pip", ("requirements.in",)),
    # pip-compile's workflow commits both: one tool, requirements.txt installed.
    (("requirements.in", "requirements.txt"), "pip", ("requirements.txt", "requirements.in")),
    (("uv.lock", "pyproject.toml"), "uv", ("uv.lock",)),
    (("poetry.lock", "pyproject.toml"), "poetry", ("poetry.lock",)),
    (("Pipfile.lock", "Pipfile"), "pipenv", ("Pipfile.lock",)),
    # Files that name no tool do not compete with one that does.
    (("requirements.txt", "pyproject.toml", "setup.py", "Pipfile", "pdm.lock"), "pip", ("requirements.txt",)),
])
def test_each_file_names_its_manager(tmp_path, files, manager, named_by):
    choice = choose(app(tmp_path, *files))
    assert (choice.manager, choice.files, choice.chosen_by) == (manager, named_by, None)


def test_several_managers_are_an_error_listing_them_all_and_the_env_var(tmp_path):
    error = failure(app(tmp_path, "requirements.txt", "uv.lock", "poetry.lock", "Pipfile.lock"))
    assert error.title == "The app has files of several package managers"
    for line in ("requirements.txt (pip)", "uv.lock (uv)", "poetry.lock (Poetry)", "Pipfile.lock (Pipenv)"):
        assert line in error.details
    assert any(f"{ENV_VAR}=pip|uv|poetry|pipenv" in step for step in error.fix)


def test_the_env_var_picks_one_of_the_managers_present(tmp_path):
    choice = choose(app(tmp_path, "requirements.txt", "uv.lock"), {ENV_VAR: "pip"})
    assert (choice.manager, choice.files) == ("pip", ("requirements.txt",))
    assert choice.summary() == f"pip ({ENV_VAR}=pip, of requirements.txt)"


def test_the_env_var_naming_the_only_manager_present_is_not_mentioned(tmp_path):
    assert choose(app(tmp_path, "requirements.txt"), {ENV_VAR: " pip "}).summary() == "pip (from requirements.txt)"


def test_the_env_var_naming_a_manager_not_present_is_an_error(tmp_path):
    error = failure(app(tmp_path, "requirements.txt", "Pipfile"), {ENV_VAR: "poetry"})
    assert error.title == f"{ENV_VAR}=poetry, but the app has no poetry.lock"
    assert "the app has requirements.txt." in error.details


def test_the_env_var_naming_pip_for_a_lock_free_pyproject_is_pip(tmp_path):
    assert choose(app(tmp_path, **{"pyproject.toml": PROJECT}), {ENV_VAR: "pip"}).summary() == "pip (from pyproject.toml)"
    assert failure(app(tmp_path / "setup", "setup.py"), {ENV_VAR: "pip"}).title.startswith("setup.py alone")


def test_an_unknown_manager_in_the_env_var_is_an_error(tmp_path):
    error = failure(app(tmp_path, "requirements.txt"), {ENV_VAR: "conda"})
    assert error.title == f"Invalid {ENV_VAR}"
    assert "'conda'" in error.details
    assert error.fix[0] == f"Set {ENV_VAR} to one of pip, uv, poetry, pipenv."


@pytest.mark.parametrize(("files", "title"), [
    ({"Pipfile": ""}, "Pipfile without Pipfile.lock"),
    ({"pdm.lock": "", "pyproject.toml": "[tool.pdm]\n"}, "PDM is not supported"),
    ({"setup.py": "from setuptools import setup\nsetup()\n"}, "setup.py alone does not declare the app's dependencies to pycnb"),
    ({"setup.cfg": "[metadata]\nname = app\n"}, "setup.cfg alone does not declare the app's dependencies to pycnb"),
    ({"pyproject.toml": "[tool.poetry]\nname = 'app'\n"}, "pyproject.toml is a Poetry project without poetry.lock"),
    ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, "pyproject.toml declares no dependencies"),
    ({"requirments.txt": "Django\n"}, "Found requirments.txt, expected requirements.txt"),
    ({"venv/pyvenv.cfg": "home = /usr/bin\n"}, "No dependency file, only a committed virtual environment"),
    ({"app.py": ""}, "No file declares the app's dependencies"),
])
def test_apps_without_a_manager_file_are_told_what_to_add(tmp_path, files, title):
    error = failure(app(tmp_path, **files))
    assert error.title == title
    assert error.fix


@pytest.mark.parametrize("name", ["requirements.txt", "requirements.in", "uv.lock", "poetry.lock", "Pipfile.lock", "pyproject.toml",
                                  "setup.py", "setup.cfg", "Pipfile", "pdm.lock", "requirments.txt", "Requirements.txt",
                                  ".venv/pyvenv.cfg"])
def test_detect_passes_on_any_python_app_file(tmp_path, name):
    assert package_managers.is_python_app(app(tmp_path, name))


@pytest.mark.parametrize("files", [{"app.py": ""}, {"requirements.txt/README": ""}, {"venv/bin/python": ""}, {"package.json": "{}"}])
def test_detect_fails_without_one(tmp_path, files):
    assert not package_managers.is_python_app(app(tmp_path, **files))


def test_committed_venvs_are_found_by_their_pyvenv_cfg(tmp_path):
    app(tmp_path, "requirements.txt", ".venv/pyvenv.cfg", "venv/lib/x.py")
    assert package_managers.committed_venvs(tmp_path) == [".venv"]


# pyproject.toml without a lock: pip installs its static dependencies.

def test_pyproject_static_dependencies_are_installed_by_pip(tmp_path):
    app_dir = app(tmp_path, **{"pyproject.toml": PROJECT})
    choice = choose(app_dir)
    assert (choice.manager, choice.summary()) == ("pip", "pip (from pyproject.toml)")
    inputs = pip.read(App(app_dir), choice, {})
    assert (inputs.dependencies, inputs.install_project, inputs.lists_nothing()) == (("Django==5.2.8", "gunicorn>=23"), False, False)
    written = inputs.requirements_file(app_dir, tmp_path / "generated.txt")
    assert written.read_text() == "Django==5.2.8\ngunicorn>=23\n"
    assert [file.path.name for file in inputs.files] == ["pyproject.toml"]


def test_a_project_with_a_build_system_is_installed_itself_editable(tmp_path):
    text = PROJECT + "\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n"
    app_dir = app(tmp_path, **{"pyproject.toml": text})
    inputs = pip.read(App(app_dir), choose(app_dir), {})
    assert inputs.requirements_file(app_dir, tmp_path / "generated.txt").read_text().splitlines()[-1] == f"-e {app_dir}"


def test_a_project_without_dependencies_lists_nothing(tmp_path):
    app_dir = app(tmp_path, **{"pyproject.toml": "[project]\nname = 'app'\n"})
    assert pip.read(App(app_dir), choose(app_dir), {}).lists_nothing()


@pytest.mark.parametrize(("project", "title"), [
    ("dynamic = ['dependencies']\n", "The dependencies in pyproject.toml are dynamic"),
    ("dependencies = 'Django'\n", "pyproject.toml has a dependency pip cannot read"),
    ("dependencies = [5]\n", "pyproject.toml has a dependency pip cannot read"),
    ("dependencies = ['Django>>5']\n", "pyproject.toml has a dependency pip cannot read"),
    ("dependencies = ['Django\\n-r /etc/passwd']\n", "pyproject.toml has a dependency pip cannot read"),
])
def test_pyproject_dependencies_pip_cannot_install_are_refused(tmp_path, project, title):
    app_dir = app(tmp_path, **{"pyproject.toml": "[project]\nname = 'app'\n" + project})
    with pytest.raises(BuildpackError) as raised:
        pip.read(App(app_dir), choose(app_dir), {})
    assert raised.value.title == title


def test_requirements_txt_wins_over_requirements_in(tmp_path):
    app_dir = app(tmp_path, **{"requirements.txt": "Django\n", "requirements.in": "Django\n"})
    inputs = pip.read(App(app_dir), choose(app_dir), {})
    assert (inputs.source.name, inputs.needs_compiling, inputs.requirements_file(app_dir, tmp_path / "x")) == (
        "requirements.txt", False, app_dir / "requirements.txt")


def test_a_pipfile_without_its_lock_beside_requirements_txt_is_not_used_and_said_so(tmp_path):
    """A Pipfile without Pipfile.lock names no tool (Heroku's rule): pip installs requirements.txt, and a warning says why."""
    folder = app(tmp_path, **{"requirements.txt": "Django==5.2.8\n", "Pipfile": "[packages]\ndjango = '*'\n"})
    choice = choose(folder)
    assert (choice.manager, choice.files) == ("pip", ("requirements.txt",))
    ((title, body),) = package_managers.warnings(folder, choice)
    assert title == "The Pipfile is not used: it has no Pipfile.lock"
    assert "pycnb installs with pip from requirements.txt" in body and "`pipenv lock`" in body
    (folder / "Pipfile.lock").write_text("{}")
    with pytest.raises(BuildpackError) as raised:
        choose(folder)
    assert raised.value.title == "The app has files of several package managers"


def test_no_warning_without_a_pipfile_or_with_pipenv_chosen(tmp_path):
    folder = app(tmp_path, **{"requirements.txt": "Django==5.2.8\n"})
    assert package_managers.warnings(folder, choose(folder)) == []
