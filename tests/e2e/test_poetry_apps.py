"""A Django app locked with Poetry, made at test time with the real Poetry as its tutorials do (`poetry init`,
`poetry add`, a dev group, `package-mode = false`), built through the real pack: it serves, the dev group
is not in the image, an unchanged rebuild runs no installer, and what `poetry remove` drops is gone."""

import json
import subprocess
import venv

import pytest

from support.images import pack_build, remove_image_and_cache, run_image, unique_image, venv_sbom
from support.logs import summary_value
from support.package_tools import tool, tool_env

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "Django==5.2.8"
# The proxy PyPI is reached through here serves the simple API but not the versioned JSON API
# (/pypi/<name>/<version>/json) Poetry's built-in PyPI source reads: the app names PyPI's simple
# index as its source, as projects behind a mirror do.
SIMPLE_INDEX = "https://pypi.org/simple/"
LIST_DISTRIBUTIONS = "import importlib.metadata as m, json; print(json.dumps(sorted(d.metadata['Name'].lower() for d in m.distributions())))"


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
def rebuild_after_remove(unchanged_rebuild, app, image, docker_client):
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
    assert "sync --only=main --compile --no-interaction --no-ansi" in log
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


def test_a_dependency_poetry_removed_is_gone_from_the_image(docker_client, rebuild_after_remove, image):
    log, installed = rebuild_after_remove
    assert "the dependency files changed" in log, log
    assert "Removing humanize" in log, log
    assert "humanize" not in installed and "django" in installed, installed
    with run_image(docker_client, image) as running:
        status, _ = running.get("/")
        assert status == 200
