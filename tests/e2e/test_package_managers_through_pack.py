"""Package managers through the real pack: a Django app that declares its dependencies only in
pyproject.toml builds with pip and serves; an app whose lock file names a tool pycnb does not install
with yet fails with the export command instead of pack's "No buildpack groups passed detection"."""

import subprocess
import venv
from pathlib import Path

import pytest

from support.images import pack_build, remove_image_and_cache, run_image, unique_image
from support.logs import summary_value

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "Django==5.2.8"


@pytest.fixture(scope="module")
def pyproject_app(docker_client, builder_image, tmp_path_factory):
    """`django-admin startproject`, then a pyproject.toml with its dependencies and no lock, as `uv init` leaves one."""
    tools = tmp_path_factory.mktemp("django-venv")
    venv.create(tools, with_pip=True)
    subprocess.run([str(tools / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", DJANGO], check=True)
    app = tmp_path_factory.mktemp("pyproject") / "app"
    app.mkdir()
    subprocess.run([str(tools / "bin" / "django-admin"), "startproject", "mysite", str(app)], check=True)
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    (app / "pyproject.toml").write_text(
        f'[project]\nname = "mysite"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = ["{DJANGO}", "gunicorn>=23"]\n'
    )
    image = unique_image("pyproject")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image, result.log
    remove_image_and_cache(docker_client, image)


def test_a_django_app_with_only_pyproject_dependencies_builds_with_pip_and_serves(docker_client, pyproject_app):
    image, log = pyproject_app
    assert summary_value(log, "Package manager") == "pip (from pyproject.toml)"
    assert "! WARNING: The dependencies in pyproject.toml are not locked" in log
    assert "web: exec gunicorn mysite.wsgi:application" in log  # the Django buildpack found Django in pyproject.toml
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body


def test_a_poetry_lock_fails_through_pack_with_the_export_command(builder_image, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["six"]\n')
    (app / "poetry.lock").write_text("[metadata]\nlock-version = '2.1'\n")
    result = pack_build(unique_image("poetry-lock"), app)
    assert result.returncode != 0
    assert "No buildpack groups passed detection" not in result.log
    assert "ERROR: pycnb does not install with Poetry yet" in result.log, result.log
    assert "poetry export -f requirements.txt --output requirements.txt --without-hashes" in result.log
