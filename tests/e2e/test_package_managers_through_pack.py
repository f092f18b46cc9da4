"""Package managers through the real pack: a Django app that declares its dependencies only in
pyproject.toml (made with `uv init` and `uv add --frozen`, no lock) builds with pip, serves, leaves its
dev group out and loses a removed dependency. (Poetry apps: test_poetry_apps.py.)"""

import subprocess
from pathlib import Path

import pytest

from support.images import pack_build, remove_image_and_cache, run_image, unique_image
from support.logs import summary_value
from support.package_tools import tool, tool_env

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "django==5.2.8"


@pytest.fixture(scope="module")
def pyproject_app(docker_client, builder_image, tmp_path_factory):
    """A Django project with a pyproject.toml and no lock, as `uv init` and `uv add --frozen` leave one
    (PEP 621 dependencies, a PEP 735 dev group), built with pip."""
    app = tmp_path_factory.mktemp("pyproject") / "app"
    app.mkdir()
    uv(app, "init", "--app", "--no-package", "--name", "mysite", "--no-pin-python", "--vcs", "none")
    uv(app, "tool", "run", "--from", DJANGO, "django-admin", "startproject", "mysite", ".")
    uv(app, "add", "--frozen", DJANGO, "gunicorn>=23", "six")
    uv(app, "add", "--frozen", "--dev", "pytest")
    assert not (app / "uv.lock").exists()
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    image = unique_image("pyproject")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image, app, result.log
    remove_image_and_cache(docker_client, image)


def uv(app: Path, *args: str) -> None:
    subprocess.run([str(tool("uv")), *args], cwd=app, check=True, env=tool_env(UV_PYTHON_DOWNLOADS="never"), capture_output=True)


def python_in(docker_client, image: str, code: str) -> str:
    return docker_client.containers.run(image, ["python", "-c", code], entrypoint="launcher", remove=True).decode()


def test_a_django_app_with_only_pyproject_dependencies_builds_with_pip_and_serves(docker_client, pyproject_app):
    image, _, log = pyproject_app
    assert summary_value(log, "Package manager") == "pip (from pyproject.toml)"
    assert "! WARNING: The dependencies in pyproject.toml are not locked" in log
    # The Django buildpack found Django in pyproject.toml; startproject's SQLite database is migrated first.
    assert "python manage.py migrate --noinput && exec gunicorn mysite.wsgi:application" in log
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body
    found = python_in(docker_client, image, "import importlib.util as u; print([m for m in ('six', 'pytest') if u.find_spec(m)])")
    assert found.strip() == "['six']"  # the dev group is not installed


def test_a_dependency_removed_from_pyproject_is_gone_after_the_next_build(docker_client, pyproject_app):
    image, app, _ = pyproject_app
    uv(app, "remove", "--frozen", "six")
    again = pack_build(image, app)
    assert again.returncode == 0, again.log
    assert "update in place: the dependency files changed" in summary_value(again.log, "Environment cache")
    found = python_in(docker_client, image, "import importlib.util as u; print([m for m in ('django', 'six') if u.find_spec(m)])")
    assert found.strip() == "['django']"

