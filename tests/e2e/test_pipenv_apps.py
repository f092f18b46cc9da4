"""Pipenv through the real pack: a Django app made at test time with the real Pipenv (`pipenv install`,
`pipenv install --dev`, `django-admin startproject`, its virtualenv outside the app as Pipenv makes it
by default) builds with `pipenv sync`, serves, and holds no dev package; a rebuild with no change runs
no installer; after `pipenv install` of one more package only it is installed, into venv-delta; after
`pipenv uninstall` a rebuild has the package gone from the image. And a Pipenv app whose
Django project sits in app/ (`django-admin startproject app app`, the Pipfile at the top) with a
pyproject.toml [build-system] the lock does not install: found, served from app/, the [build-system] said unused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import package_tools
from support.images import pack_build, remove_image_and_cache, run_image, unique_image, venv_sbom
from support.logs import summary_value

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

SITE_PACKAGES = "/layers/pycnb_python/venv/lib/python*/site-packages"


def pipenv(app: Path, workon: Path, *args: str) -> str:
    """Run the real Pipenv (the version pycnb pins) in `app` as a user does; its virtualenvs in `workon`, outside the app."""
    env = package_tools.tool_env(WORKON_HOME=str(workon), PIPENV_YES="1", PIPENV_NOSPIN="1", PIPENV_VERBOSITY="-1")
    result = subprocess.run([str(package_tools.tool("pipenv")), *args], cwd=app, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"pipenv {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def distributions(docker_client, image: str) -> set[str]:
    """The names of the distributions installed in the image's environment."""
    output = docker_client.containers.run(image, entrypoint=["bash"], command=["-c", f"ls {SITE_PACKAGES}"], remove=True).decode()
    return {line.split("-")[0].lower() for line in output.split() if line.endswith(".dist-info")}


def launch(docker_client, image: str, *command: str) -> str:
    """The last line a command prints in the image, run through the launcher."""
    return docker_client.containers.run(image, list(command), entrypoint="launcher", remove=True).decode().strip().splitlines()[-1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """`pipenv install django gunicorn humanize`, `pipenv install --dev pytest`, then `django-admin startproject`."""
    app = tmp_path_factory.mktemp("pipenv") / "app"
    app.mkdir()
    workon = tmp_path_factory.mktemp("pipenv-virtualenvs")
    pipenv(app, workon, "install", "django", "gunicorn", "humanize")
    pipenv(app, workon, "install", "--dev", "pytest")
    pipenv(app, workon, "run", "django-admin", "startproject", "mysite", ".")
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    (app / "Procfile").write_text("web: gunicorn mysite.wsgi\n")
    assert not (app / ".venv").exists()
    return app, workon


@pytest.fixture(scope="module")
def image(docker_client, builder_image, app):
    image = unique_image("pipenv")
    yield image
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def first_build(app, image):
    result = pack_build(image, app[0])
    assert result.returncode == 0, result.log
    return result.log


@pytest.fixture(scope="module")
def rebuild(first_build, app, image):
    result = pack_build(image, app[0])
    assert result.returncode == 0, result.log
    return result.log


def rebuild_after(app, image, *pipenv_args: str) -> str:
    folder, workon = app
    pipenv(folder, workon, *pipenv_args)
    result = pack_build(image, folder)
    assert result.returncode == 0, result.log
    return result.log


@pytest.fixture(scope="module")
def after_install(rebuild, app, image):
    return rebuild_after(app, image, "install", "python-slugify==8.0.4")


@pytest.fixture(scope="module")
def after_uninstall(after_install, app, image):
    return rebuild_after(app, image, "uninstall", "humanize")


def test_a_django_app_made_with_pipenv_builds_with_pipenv_and_serves(docker_client, first_build, image):
    assert summary_value(first_build, "Package manager") == "Pipenv (from Pipfile.lock)"
    assert summary_value(first_build, "Installer").startswith("Pipenv 2026.10.3 (build only): pipenv verify, then pipenv sync")
    # The Python version comes from the lock ([requires] python_version, written by pipenv for the Python it ran with).
    assert "from python_version in Pipfile.lock" in summary_value(first_build, "Python")
    assert "Installing dependencies from Pipfile.lock with pipenv sync" in first_build
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body


def test_dev_packages_and_pipenv_are_not_in_the_image(docker_client, first_build, image):
    installed = distributions(docker_client, image)
    assert {"django", "gunicorn", "humanize"} <= installed
    # The Django buildpack found Django in Pipfile.lock and asked for django-heroku (which brings dj-database-url).
    assert "django_heroku" in installed
    assert not installed & {"pytest", "pipenv", "pip", "virtualenv"}


def test_the_sbom_lists_what_pipenv_installed(first_build, image, tmp_path):
    versions = venv_sbom(image, tmp_path)
    assert "Django" in versions and "humanize" in versions and "pytest" not in versions


def test_a_rebuild_with_no_change_runs_no_installer(rebuild):
    assert "no installer runs" in rebuild
    assert "Installing dependencies from Pipfile.lock with pipenv sync" not in rebuild


def test_after_pipenv_install_only_the_new_packages_are_installed_into_a_small_layer(docker_client, after_install, image):
    log = after_install
    assert "installed on top (venv-delta)" in summary_value(log, "Environment cache"), log
    assert "Installing dependencies from Pipfile.lock with pipenv sync" in log and "Emptying the environment" not in log, log
    assert "Reusing layer 'pycnb/python:venv'" in log and "Adding layer 'pycnb/python:venv-delta'" in log, log
    where = "import slugify, humanize, django; print(slugify.__file__.split('/')[3])"
    assert launch(docker_client, image, "python", "-c", where) == "venv-delta"
    # Its console script, installed with it, is on PATH at launch.
    assert launch(docker_client, image, "slugify", "Hello World") == "hello-world"


def test_after_pipenv_uninstall_a_rebuild_has_the_package_gone(docker_client, after_uninstall, image):
    assert "Emptying the environment (pipenv sync never uninstalls)" in after_uninstall
    installed = distributions(docker_client, image)
    assert "humanize" not in installed and {"django", "gunicorn"} <= installed
    with run_image(docker_client, image) as running:
        status, _ = running.get("/")
        assert status == 200


@pytest.fixture(scope="module")
def subfolder_build(docker_client, builder_image, tmp_path_factory):
    """`pipenv install django`, `django-admin startproject app app` (app/manage.py, app/app/settings.py), a pyproject.toml
    with a setuptools [build-system] for the repository's tools, no Procfile; built once."""
    app = tmp_path_factory.mktemp("pipenv-subfolder") / "repo"
    app.mkdir()
    workon = tmp_path_factory.mktemp("pipenv-subfolder-virtualenvs")
    pipenv(app, workon, "install", "django==5.2.8")
    (app / "app").mkdir()
    pipenv(app, workon, "run", "django-admin", "startproject", "app", "app")
    assert (app / "app" / "manage.py").is_file() and (app / "app" / "app" / "settings.py").is_file()
    with (app / "app" / "app" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    (app / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[tool.black]\nline-length = 100\n'
    )
    image = unique_image("pipenv-subfolder")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image, result.log
    remove_image_and_cache(docker_client, image)


def test_a_pipenv_app_with_its_django_project_in_a_subfolder_is_found_and_serves(docker_client, subfolder_build):
    image, log = subfolder_build
    assert summary_value(log, "Package manager") == "Pipenv (from Pipfile.lock)"
    assert summary_value(log, "Project") == "app/ (app/manage.py: the only manage.py one folder down; BP_DJANGO_MANAGE_PY names another)"
    assert summary_value(log, "Settings") == "app.settings"
    assert "python manage.py migrate --noinput && exec gunicorn app.wsgi:application --bind 0.0.0.0:${PORT:-8000} (in app/)" in log
    assert "static files copied to '/workspace/app/staticfiles'" in log
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body


def test_the_build_system_beside_a_pipfile_is_not_used_and_the_added_gunicorn_is_not_in_the_lock(docker_client, subfolder_build):
    image, log = subfolder_build
    assert "! WARNING: pyproject.toml's [build-system] is not used" in log
    assert summary_value(log, "Added packages") == (
        "gunicorn==27.0.1, django-heroku==0.3.1 (not in Pipfile.lock; pycnb/python adds them with pip after installing the lock)")
    installed = distributions(docker_client, image)
    assert {"django", "gunicorn"} <= installed and "setuptools" not in installed
