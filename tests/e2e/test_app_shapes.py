"""Apps shaped unlike the tutorial's, through the real pack: a Django project nested in backend/
behind root links (the backend/frontend repository layout; one also has a Pipfile without its lock
at the top, which pip's requirements.txt wins over), an app whose requirements.txt is empty, and
`wagtail start`'s project as it comes; the nested one without a Procfile and the wagtail one use
startproject's default SQLite database, which the default web process migrates in each new container."""

import subprocess
import venv
from pathlib import Path

import pytest

from support.images import pack_build, pack_inspect_local, remove_image_and_cache, run_image, unique_image
from support.logs import summary_value

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "Django==5.2.8"
WAGTAIL = "wagtail==8.0.1"


def installed(tmp_path_factory, name: str, requirement: str) -> Path:
    """The `bin/` of a virtual environment of its own with `requirement` installed from PyPI, as a user has it."""
    env_dir = tmp_path_factory.mktemp(f"{name}-venv")
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement],
                   check=True)
    return env_dir / "bin"


@pytest.fixture(scope="module")
def django_admin(tmp_path_factory) -> Path:
    """django-admin from a Django installed into a virtual environment of its own."""
    return installed(tmp_path_factory, "django", DJANGO) / "django-admin"


def nested_project(django_admin: Path, app: Path, procfile: str | None, pipfile: str | None = None) -> Path:
    """`django-admin startproject mysite backend`, the requirements in backend/, and the root links
    (and a Pipfile left at the top without its lock, when given)."""
    backend = app / "backend"
    backend.mkdir(parents=True)
    subprocess.run([str(django_admin), "startproject", "mysite", str(backend)], check=True)
    with (backend / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    # No gunicorn: the Django buildpack adds its known-good pin.
    (backend / "requirements.txt").write_text(f"{DJANGO}\n")
    (app / "manage.py").symlink_to("backend/manage.py")
    (app / "requirements.txt").symlink_to("backend/requirements.txt")
    (app / ".python-version").write_text("3.13\n")
    if procfile:
        (app / "Procfile").write_text(procfile)
    if pipfile:
        (app / "Pipfile").write_text(pipfile)
    return app


def build(app: Path, purpose: str) -> tuple[str, str]:
    image = unique_image(purpose)
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return image, result.log


@pytest.fixture(scope="module")
def nested_with_procfile(docker_client, builder_image, django_admin, tmp_path_factory):
    app = nested_project(django_admin, tmp_path_factory.mktemp("nested-procfile") / "app", "web: cd backend && gunicorn mysite.wsgi\n")
    image, log = build(app, "nested-procfile")
    yield image, log
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def nested_default_web(docker_client, builder_image, django_admin, tmp_path_factory):
    # A Pipfile without Pipfile.lock beside requirements.txt (a project that moved off Pipenv): pip installs requirements.txt.
    app = nested_project(django_admin, tmp_path_factory.mktemp("nested-default") / "app", None,
                         pipfile=f'[packages]\ndjango = "=={DJANGO[8:]}"\n')
    image, log = build(app, "nested-default")
    yield image, log
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def empty_requirements(docker_client, builder_image, tmp_path_factory):
    app = tmp_path_factory.mktemp("empty-requirements") / "app"
    app.mkdir()
    (app / "requirements.txt").write_bytes(b"")
    (app / "Procfile").write_text("web: python -m http.server $PORT\n")
    (app / "index.html").write_text("<p>static site, no packages</p>\n")
    image, log = build(app, "empty-requirements")
    yield image, log
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def wagtail_site(docker_client, builder_image, tmp_path_factory):
    """`wagtail start mysite`, built as it comes: its requirements.txt, no Procfile, no Python version."""
    wagtail = installed(tmp_path_factory, "wagtail", WAGTAIL) / "wagtail"
    app = tmp_path_factory.mktemp("wagtail") / "app"
    app.mkdir()
    subprocess.run([str(wagtail), "start", "mysite", str(app)], check=True)
    assert (app / "requirements.txt").is_file() and not (app / "Procfile").exists()
    image, log = build(app, "wagtail")
    yield image, log
    remove_image_and_cache(docker_client, image)


def static_file_in_image(docker_client, image: str, path: str) -> bytes:
    return docker_client.containers.run(image, entrypoint=["cat"], command=[path], remove=True)


def test_nested_project_collects_its_static_files_and_serves_with_the_procfile(docker_client, nested_with_procfile):
    image, log = nested_with_procfile
    assert summary_value(log, "Project") == "backend/ (manage.py leads to backend/manage.py)"
    assert summary_value(log, "Settings") == "mysite.settings"
    assert summary_value(log, "collectstatic") == "run"
    assert "static files copied to '/workspace/backend/staticfiles'" in log
    assert b"DJANGO Admin styles" in static_file_in_image(docker_client, image, "/workspace/backend/staticfiles/admin/css/base.css")
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body


def test_nested_project_without_procfile_runs_gunicorn_from_its_folder(docker_client, nested_default_web):
    image, log = nested_default_web
    assert summary_value(log, "Added packages") == "gunicorn==27.0.1, django-heroku==0.3.1 (not in requirements.txt)"
    assert "python manage.py migrate --noinput && exec gunicorn mysite.wsgi:application --bind 0.0.0.0:${PORT:-8000} (in backend/)" in log
    assert "/workspace/backend" in pack_inspect_local(image)
    with run_image(docker_client, image) as running:
        assert running.get("/")[0] == 200
        # startproject's SQLite database, created and migrated in this container before gunicorn started.
        status, body = running.get("/admin/login/")
        assert status == 200 and "Log in | Django site admin" in body, body
        logs = running.container.logs().decode()
        assert ("pycnb/django: migrating the SQLite database before gunicorn starts" in logs
                and "Applying auth.0001_initial... OK" in logs), logs


def test_a_wagtail_site_as_it_comes_migrates_its_sqlite_database_at_launch_and_serves(docker_client, wagtail_site):
    image, log = wagtail_site
    assert summary_value(log, "Settings") == "mysite.settings.dev"
    assert summary_value(log, "Web process") == "migrate, then gunicorn mysite.wsgi:application"
    assert ("- web migrates the SQLite database db.sqlite3 before gunicorn starts: each new container's database is empty "
            "(build with BP_DJANGO_MIGRATE_AT_LAUNCH=false to skip)\n") in log
    assert "static files copied to '/workspace/static'" in log
    with run_image(docker_client, image) as running:
        status, body = running.get("/admin/login/", timeout=240)  # Wagtail's migrations take a while on two cores
        assert status == 200 and "Sign in" in body, body
        assert running.get("/")[0] == 200  # the welcome page its migrations create
        status, css = running.get("/static/css/welcome_page.css")
        assert status == 200, css


def test_a_pipfile_without_its_lock_beside_requirements_txt_is_not_used_and_the_log_says_why(nested_default_web):
    _, log = nested_default_web
    assert summary_value(log, "Package manager") == "pip (from requirements.txt)"
    assert "! WARNING: The Pipfile is not used: it has no Pipfile.lock" in log
    assert "pycnb installs with pip from requirements.txt" in log


def test_empty_requirements_build_with_the_warning_and_serve(docker_client, empty_requirements):
    image, log = empty_requirements
    assert "! WARNING: requirements.txt lists no packages" in log
    assert "If that was a mistake, list the app's dependencies in requirements.txt" in log
    with run_image(docker_client, image) as running:
        status, body = running.get("/index.html")
        assert status == 200 and "static site, no packages" in body
