"""uv's inputs: uv.lock and pyproject.toml are checked before anything is downloaded, each problem with its fix."""

import pytest

from cnb.errors import BuildpackError
from python_buildpack import package_managers
from python_buildpack.layers import tool
from python_buildpack.package_managers import uv
from python_buildpack.app import App

PYPROJECT = "[project]\nname = 'app'\nversion = '1.0'\nrequires-python = '>=3.12'\ndependencies = ['Django==5.2.8']\n"
LOCK = "version = 1\nrevision = 5\nrequires-python = '>=3.12'\n"


def app(tmp_path, lock=LOCK, pyproject=PYPROJECT):
    if lock is not None:
        (tmp_path / "uv.lock").write_text(lock)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    return tmp_path


def read(app_dir, env=None):
    env = env or {}
    choice = package_managers.choose(App(app_dir), env)
    return package_managers.read(App(app_dir), choice, env)


def failure(app_dir, env=None) -> BuildpackError:
    with pytest.raises(BuildpackError) as raised:
        read(app_dir, env)
    return raised.value


def test_a_uv_project_keys_its_cache_on_pyproject_and_the_lock(tmp_path):
    project = read(app(tmp_path))
    assert isinstance(project, uv.UvProject)
    assert [file.path.name for file in project.files] == ["pyproject.toml", "uv.lock"]
    assert project.installer_version == f"uv {tool.UV.version}; groups: none"
    assert project.installer_summary() == (f"uv {tool.UV.version} (build only): uv sync --locked, no dev or default groups"
                                           " (BP_PYTHON_INSTALL_GROUPS adds some)")


def test_groups_from_the_env_var_key_the_cache_and_show_in_the_summary(tmp_path):
    project = read(app(tmp_path), {"BP_PYTHON_INSTALL_GROUPS": "docs, metrics,docs"})
    assert project.groups == ("docs", "metrics")
    assert "groups: docs,metrics" in project.installer_version
    assert "plus groups docs, metrics" in project.installer_summary()


@pytest.mark.parametrize(("settings", "left_out"), [
    ("", "dev"),
    ("[tool.uv]\ndefault-groups = 'all'\n", "dev, lint, test"),
    ("[tool.uv]\ndefault-groups = ['lint', 'missing']\n", "lint"),
    ("[tool.uv]\ndefault-groups = []\n", None),
])
def test_the_summary_names_the_groups_a_plain_uv_sync_would_add(tmp_path, settings, left_out):
    """As on Heroku, `default-groups` does not reach the image; the summary says what it left out."""
    groups = "[dependency-groups]\ndev = ['pytest']\nlint = ['ruff']\ntest = ['pytest-django']\n"
    project = read(app(tmp_path, pyproject=PYPROJECT + groups + settings))
    summary = project.installer_summary()
    if left_out is None:
        assert summary.endswith("no dev or default groups (BP_PYTHON_INSTALL_GROUPS adds some)")
    else:
        assert summary.endswith(f"no dev or default groups (left out: {left_out}; BP_PYTHON_INSTALL_GROUPS adds groups)")
    assert "groups: none" in project.installer_version
    chosen = read(app(tmp_path, pyproject=PYPROJECT + groups + settings), {"BP_PYTHON_INSTALL_GROUPS": "lint"}).installer_summary()
    assert "plus groups lint" in chosen and "left out: lint" not in chosen and "lint;" not in chosen


def test_the_runtime_must_satisfy_requires_python(tmp_path):
    project = read(app(tmp_path))
    project.check_runtime("3.13.15")
    with pytest.raises(BuildpackError) as raised:
        project.check_runtime("3.11.2")
    assert raised.value.title == "Python 3.11.2 does not satisfy the project's requires-python (>=3.12)"


@pytest.mark.parametrize(("lock", "pyproject", "env", "title"), [
    (LOCK, None, {}, "uv.lock has no pyproject.toml beside it"),
    ("version = 1\n[[package]\n", PYPROJECT, {}, "uv.lock cannot be read"),
    ("revision = 5\n", PYPROJECT, {}, "uv.lock cannot be read"),
    ("version = 2\n", PYPROJECT, {}, "uv.lock was written by a newer uv than pycnb installs with"),
    (LOCK, PYPROJECT + "[tool.uv]\nrequired-version = '>=0.20'\n", {},
     f"The project requires uv >=0.20; pycnb installs with uv {tool.UV.version}"),
    (LOCK, PYPROJECT + "[tool.uv]\nrequired-version = '0.4.0'\n", {},
     f"The project requires uv 0.4.0; pycnb installs with uv {tool.UV.version}"),
    (LOCK, PYPROJECT + "[tool.uv]\nrequired-version = 'soon'\n", {},
     "tool.uv.required-version in pyproject.toml is not a version specifier"),
    (LOCK + "[[package]]\nname = 'shared'\nversion = '1'\nsource = { editable = '../shared' }\n", PYPROJECT, {},
     "uv.lock takes shared from a folder outside the app"),
    (LOCK + "[[package]]\nname = 'abs'\nversion = '1'\nsource = { path = '/opt/wheels/abs.whl' }\n", PYPROJECT, {},
     "uv.lock takes abs from a folder outside the app"),
    (LOCK, PYPROJECT, {"UV_PROJECT_ENVIRONMENT": "/tmp/env"}, "Env vars that break the install are set"),
    (LOCK, PYPROJECT, {"BP_PYTHON_INSTALL_GROUPS": "docs;rm -rf"}, "BP_PYTHON_INSTALL_GROUPS names an invalid group 'docs;rm -rf'"),
])
def test_bad_uv_inputs_fail_before_any_download(tmp_path, lock, pyproject, env, title):
    error = failure(app(tmp_path, lock, pyproject), env)
    assert error.title == title
    assert error.fix


def test_workspace_members_and_the_project_itself_are_local_sources_inside_the_app(tmp_path):
    lock = LOCK + ("[[package]]\nname = 'app'\nversion = '1.0'\nsource = { virtual = '.' }\n"
                   "[[package]]\nname = 'core'\nversion = '1.0'\nsource = { editable = 'packages/core' }\n")
    assert read(app(tmp_path, lock)).source.name == "uv.lock"


def test_the_required_version_that_allows_ours_passes(tmp_path):
    pyproject = PYPROJECT + f"[tool.uv]\nrequired-version = '>={tool.UV.version.rsplit('.', 1)[0]}'\n"
    assert read(app(tmp_path, pyproject=pyproject)).groups == ()


@pytest.mark.parametrize(("value", "with_uv"), [("", False), ("pip", False), ("uv", True), (" uv ", True)])
def test_uv_installs_requirements_txt_only_when_asked(tmp_path, value, with_uv):
    (tmp_path / "requirements.txt").write_text("Django==5.2.8\n")
    inputs = read(tmp_path, {"BP_PYTHON_INSTALLER": value})
    assert inputs.with_uv is with_uv
    assert inputs.installer_version == (f"uv {tool.UV.version}" if with_uv else "")
    assert ("uv pip sync" in inputs.installer_summary()) is with_uv


def test_an_unknown_installer_is_an_error_naming_the_choices(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django==5.2.8\n")
    error = failure(tmp_path, {"BP_PYTHON_INSTALLER": "conda"})
    assert error.fix == ["Set BP_PYTHON_INSTALLER to one of pip, uv, or unset it."]


def test_a_build_index_the_lock_was_not_made_against_is_a_warning_with_credentials_masked(tmp_path):
    lock = LOCK + "[[package]]\nname = 'six'\nversion = '1.17.0'\nsource = { registry = 'https://pypi.org/simple' }\n"
    project = read(app(tmp_path, lock), {"UV_DEFAULT_INDEX": "https://user:s3cret@mirror.example/simple/"})
    [(title, body)] = project.warnings(tmp_path)
    assert title == "uv.lock was locked against another package index than this build's"
    assert "https://pypi.org/simple" in body and "s3cret" not in body and "mirror.example" in body
    same = read(app(tmp_path, lock), {"UV_INDEX_URL": "https://pypi.org/simple/"})
    assert same.warnings(tmp_path) == []


def test_the_locked_packages_are_the_lines_a_delta_follows(tmp_path):
    lock = LOCK + "\n[[package]]\nname = 'Django'\nversion = '5.2.8'\n\n[[package]]\nname = 'app'\nversion = '1.0'\n"
    assert read(app(tmp_path, lock=lock)).addition_texts() == ["app==1.0\ndjango==5.2.8"]
