"""A Django app locked with Poetry, made at test time with the real Poetry as its tutorials do (`poetry init`,
`poetry add`, a dev group, `package-mode = false`), built through the real pack: it serves, the dev group
is not in the image, an unchanged rebuild runs no installer, what `poetry add` adds is installed alone into
the small venv-delta layer (by pip from the lock's pins, or by Poetry where a Poetry setting is set), and what
`poetry remove` drops is gone.
And a Poetry 1.8 project (its lock format 2.0, `python = "~3.13"`, package-mode unset so the project itself
is installed, `[build-system]` poetry-core<2): Python 3.13 is chosen from the constraint, and it serves."""

import glob
import json
import os
import re
import shutil
import subprocess
import venv

import pytest

from support.images import pack_build, remove_image_and_cache, run_image, unique_image, venv_sbom
from support.logs import summary_value
from support.package_tools import tool, tool_env

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "Django==5.2.8"
POETRY_1 = "poetry==1.8.5"
# The proxy PyPI is reached through here serves the simple API but not the versioned JSON API
# (/pypi/<name>/<version>/json) Poetry's built-in PyPI source reads: the app names PyPI's simple
# index as its source, as projects behind a mirror do.
SIMPLE_INDEX = "https://pypi.org/simple/"
LIST_DISTRIBUTIONS = ("import importlib.metadata as m, json; "
                      "print(json.dumps(sorted(d.metadata['Name'].lower() for d in m.distributions())))")


def poetry(app, *args):
    result = subprocess.run([str(tool("poetry")), *args, "--no-ansi", "--no-interaction"], cwd=app, env=tool_env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def distributions(docker_client, image):
    output = docker_client.containers.run(image, ["python", "-c", LIST_DISTRIBUTIONS], entrypoint="launcher", remove=True)
    return json.loads(output.decode().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """`django-admin startproject`, then `poetry init` and `poetry add`, with a Procfile as Heroku's Django tutorial has."""
    tools = tmp_path_factory.mktemp("django-venv")
    venv.create(tools, with_pip=True)
    subprocess.run([str(tools / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", DJANGO], check=True)
    app = tmp_path_factory.mktemp("poetry") / "app"
    app.mkdir()
    subprocess.run([str(tools / "bin" / "django-admin"), "startproject", "mysite", str(app)], check=True)
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    poetry(app, "init", "--name", "mysite", "--python", ">=3.11")
    # A web app, not a package to publish: Poetry installs only its dependencies.
    with (app / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n[tool.poetry]\npackage-mode = false\n")
    poetry(app, "source", "add", "--priority=primary", "pypi-simple", SIMPLE_INDEX)
    poetry(app, "add", "--lock", DJANGO, "gunicorn", "humanize")
    poetry(app, "add", "--lock", "--group", "dev", "pytest")
    (app / "Procfile").write_text("web: gunicorn mysite.wsgi\n")
    return app


@pytest.fixture(scope="module")
def image(docker_client, builder_image):
    image = unique_image("poetry")
    yield image
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def first_build(app, image):
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return result.log


@pytest.fixture(scope="module")
def unchanged_rebuild(first_build, app, image, docker_client):
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return result.log, distributions(docker_client, image)


@pytest.fixture(scope="module")
def rebuild_after_add(unchanged_rebuild, app, image, docker_client):
    poetry(app, "add", "--lock", "python-slugify==8.0.4")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return result.log, distributions(docker_client, image)


@pytest.fixture(scope="module")
def rebuild_after_add_with_a_poetry_setting(rebuild_after_add, app, image, docker_client):
    """A second package added while a Poetry setting is set: only Poetry knows what its settings mean."""
    poetry(app, "add", "--lock", "markdown==3.7")
    result = pack_build(image, app, env={"POETRY_INSTALLER_MAX_WORKERS": "2"})
    assert result.returncode == 0, result.log
    return result.log, distributions(docker_client, image)


@pytest.fixture(scope="module")
def rebuild_after_remove(rebuild_after_add_with_a_poetry_setting, app, image, docker_client):
    poetry(app, "remove", "--lock", "humanize")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return result.log, distributions(docker_client, image)


def test_a_poetry_app_builds_with_poetry_and_serves(docker_client, first_build, image):
    log = first_build
    assert summary_value(log, "Package manager") == "Poetry (from poetry.lock)"
    assert summary_value(log, "Requirements") == "pyproject.toml, poetry.lock"
    assert summary_value(log, "Installer").startswith("Poetry 2.5.1 (build only): poetry sync --only main")
    assert "Installing poetry 2.5.1 (for this build only)" in log
    # Poetry's own environment gets its bytecode once, when it is installed (pip writes none: bytecode.py).
    assert re.search(r"Installing poetry 2\.5\.1 \(for this build only\).*?\n\s*\d{3,} modules compiled\n", log, re.DOTALL)
    assert "sync --only=main --no-interaction --no-ansi" in log
    assert summary_value(log, "Added packages") == (
        "django-heroku==0.3.1 (not in poetry.lock; pycnb/python adds them with pip after installing the lock)")
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body


def test_the_dev_group_and_poetry_are_not_in_the_image(docker_client, first_build, image):
    installed = distributions(docker_client, image)
    assert {"django", "gunicorn", "humanize"} <= set(installed), installed
    assert "pytest" not in installed and "iniconfig" not in installed
    assert "poetry" not in installed and "poetry-core" not in installed


def test_the_sbom_lists_what_poetry_installed(first_build, image, tmp_path):
    versions = venv_sbom(image, tmp_path)
    assert "Django" in versions and "humanize" in versions and "pytest" not in versions


def test_an_unchanged_rebuild_runs_no_installer(unchanged_rebuild):
    log, installed = unchanged_rebuild
    assert "no installer runs" in log, log
    assert "sync --only=main" not in log, log  # the command line `Running: ... poetry sync --only=main ...`
    assert "humanize" in installed


def test_a_dependency_poetry_added_is_installed_alone_into_a_small_layer(docker_client, rebuild_after_add, image):
    log, installed = rebuild_after_add
    assert "installed on top (venv-delta)" in summary_value(log, "Environment cache"), log
    # The runtime's pip, from the lock's pins and hashes: Poetry is not even unpacked.
    assert "Installing what poetry.lock adds, with pip (the lock's pins and hashes)" in log, log
    assert "--require-hashes" in log and "poetry install" not in log and "cached poetry" not in log, log
    # Only the lock's new packages: python-slugify and its dependency.
    assert "Successfully installed python-slugify-8.0.4 text-unidecode-" in log, log
    assert "Installing django " not in log.lower() and "Updating" not in log, log
    assert "Adding layer 'pycnb/python:venv-delta'" in log and "Reusing layer 'pycnb/python:venv'" in log, log
    assert {"python-slugify", "text-unidecode", "django", "django-heroku", "humanize"} <= set(installed), installed
    with run_image(docker_client, image) as running:
        status, _ = running.get("/")
        assert status == 200


def test_with_a_poetry_setting_poetry_itself_installs_what_the_lock_adds(docker_client, rebuild_after_add_with_a_poetry_setting, image):
    log, installed = rebuild_after_add_with_a_poetry_setting
    assert "installed on top (venv-delta)" in summary_value(log, "Environment cache"), log
    assert "Running: " in log and "poetry install --only=main" in log, log
    assert "Installing markdown (3.7)" in log and "Installing django " not in log.lower() and "Updating" not in log, log
    assert {"markdown", "python-slugify", "text-unidecode", "django", "humanize"} <= set(installed), installed
    with run_image(docker_client, image) as running:
        status, _ = running.get("/")
        assert status == 200


def test_a_dependency_poetry_removed_is_gone_from_the_image(docker_client, rebuild_after_remove, image):
    log, installed = rebuild_after_remove
    assert "the dependency files changed" in log, log
    assert "Removing humanize" in log, log
    assert "humanize" not in installed and {"django", "python-slugify"} <= set(installed), installed
    with run_image(docker_client, image) as running:
        status, _ = running.get("/")
        assert status == 200


def python_3_13() -> str:
    """A Python 3.13 to run Poetry 1.8 on: it refuses to lock a `~3.13` project from any other Python."""
    candidates = [shutil.which("python3.13"), *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 13)"], capture_output=True).returncode == 0:
            return candidate
    pytest.fail("Poetry 1.8 locks a `python = \"~3.13\"` project only from a Python 3.13: put python3.13 on PATH")


@pytest.fixture(scope="module")
def poetry_1_app(tmp_path_factory):
    """What a Poetry 1.8 user has: `poetry init --python ~3.13` (package-mode unset, [build-system] poetry-core<2),
    `poetry add django`, a README.md, `django-admin startproject mysite .` (so mysite/ is the package), no Procfile."""
    tools = tmp_path_factory.mktemp("poetry-1.8")
    subprocess.run([python_3_13(), "-m", "venv", "--clear", str(tools)], check=True)
    subprocess.run([str(tools / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", POETRY_1, DJANGO],
                   check=True)
    app = tmp_path_factory.mktemp("poetry-1") / "app"
    app.mkdir()
    subprocess.run([str(tools / "bin" / "django-admin"), "startproject", "mysite", str(app)], check=True)
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    (app / "README.md").write_text("# mysite\n")
    env = tool_env(POETRY_VIRTUALENVS_PATH=str(tmp_path_factory.mktemp("poetry-1-virtualenvs")))

    def poetry_1(*args):
        result = subprocess.run([str(tools / "bin" / "poetry"), *args, "--no-ansi", "--no-interaction"], cwd=app, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    poetry_1("init", "--name", "mysite", "--python", "~3.13")
    poetry_1("source", "add", "--priority=primary", "pypi-simple", SIMPLE_INDEX)
    poetry_1("add", "--lock", DJANGO)
    pyproject = app / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('requires = ["poetry-core"]', 'requires = ["poetry-core>=1.0.0,<2.0.0"]'))
    assert 'requires = ["poetry-core>=1.0.0,<2.0.0"]' in pyproject.read_text() and "package-mode" not in pyproject.read_text()
    assert 'lock-version = "2.0"' in (app / "poetry.lock").read_text()
    return app


@pytest.fixture(scope="module")
def poetry_1_build(docker_client, builder_image, poetry_1_app):
    image = unique_image("poetry-1")
    result = pack_build(image, poetry_1_app)
    assert result.returncode == 0, result.log
    yield image, result.log
    remove_image_and_cache(docker_client, image)


def test_a_poetry_1_project_gets_the_python_of_its_constraint_and_installs_itself(docker_client, poetry_1_build):
    image, log = poetry_1_build
    assert summary_value(log, "Python") == "3.13.15 (from tool.poetry.dependencies.python in pyproject.toml: ~3.13)"
    assert summary_value(log, "Package manager") == "Poetry (from poetry.lock)"
    # Poetry 2 builds the project itself in editable mode with its own poetry-core, which the backend's range allows.
    assert "Installing the current project: mysite (0.1.0)" in log, log
    installed = distributions(docker_client, image)
    assert {"mysite", "django", "gunicorn"} <= set(installed), installed


def test_a_poetry_1_project_without_procfile_serves_with_the_added_gunicorn(docker_client, poetry_1_build):
    image, log = poetry_1_build
    added = summary_value(log, "Added packages")
    assert added == "gunicorn==27.0.1, django-heroku==0.3.1 (not in poetry.lock; pycnb/python adds them with pip after installing the lock)"
    assert "Installing packages other buildpacks asked for" in log
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body
