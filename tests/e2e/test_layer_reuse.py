"""Rebuilds that move no bytes they need not (docs/design/layer-reuse.md), through the real pack.

One app, made with `django-admin startproject` and WhiteNoise as Heroku's Django tutorial has it,
built eight times in order: cold; unchanged; with a changed view; with a changed model; with a changed
CSS file; after its previous image was deleted; with a package added that nothing imports at build time;
with a package added that the settings look for. Each test reads one of those builds."""

import json
import subprocess
import venv
from pathlib import Path

import pytest

from django_buildpack.messages import STATIC_FILES_UNCHANGED
from support.images import pack_build, remove_image_and_cache, run_image, unique_image
from support.logs import summary_value

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

REQUIREMENTS = "Django==5.2.8\ngunicorn==23.0.0\nwhitenoise==6.11.0\n"
SETTINGS_ADDITIONS = """
import os
DEBUG = False
ALLOWED_HOSTS = ["*"]
SECRET_KEY = os.environ.get("SECRET_KEY", SECRET_KEY)
INSTALLED_APPS.append("pages")
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
try:
    import debug_toolbar  # noqa: F401 (only where it is installed)
    INSTALLED_APPS.append("debug_toolbar")
except ImportError:
    pass
"""
VIEWS = """from django.http import HttpResponse
from django.templatetags.static import static


def home(request):
    return HttpResponse("{greeting} " + static("site.css"))
"""
URLS = """from django.contrib import admin
from django.urls import path

from pages.views import home

urlpatterns = [path("", home), path("admin/", admin.site.urls)]
"""


@pytest.fixture(scope="module")
def django_admin(tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("django-venv")
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "Django==5.2.8"],
                   check=True)
    return env_dir / "bin" / "django-admin"


def make_app(django_admin: Path, app: Path) -> Path:
    app.mkdir(parents=True)
    subprocess.run([str(django_admin), "startproject", "mysite", str(app)], check=True)
    (app / "pages").mkdir()
    subprocess.run([str(django_admin), "startapp", "pages", str(app / "pages")], check=True, cwd=app)
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write(SETTINGS_ADDITIONS)
    (app / "mysite" / "urls.py").write_text(URLS)
    (app / "pages" / "views.py").write_text(VIEWS.format(greeting="hello"))
    (app / "static").mkdir()
    (app / "static" / "site.css").write_text("body { color: red }\n")
    (app / "requirements.txt").write_text(REQUIREMENTS)
    (app / ".python-version").write_text("3.13\n")
    (app / "Procfile").write_text("web: gunicorn mysite.wsgi --log-file -\n")
    return app


def layer_digests(docker_client, image: str) -> dict[str, str]:
    """The digest of each buildpack layer, from the image's lifecycle metadata label."""
    label = json.loads(docker_client.images.get(image).labels["io.buildpacks.lifecycle.metadata"])
    return {f"{buildpack['key']}:{name}": layer["sha"]
            for buildpack in label["buildpacks"] for name, layer in buildpack.get("layers", {}).items()}


def served(docker_client, image: str) -> tuple[str, str]:
    """The home page's text, and the CSS file it names, fetched from the running image."""
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200, body
        status, css = running.get(body.split()[-1])
        assert status == 200, css
        return body, css


@pytest.fixture(scope="module")
def builds(docker_client, builder_image, django_admin, tmp_path_factory):
    """Each build's log, the image's layer digests and what it served, by name, in build order."""
    app = make_app(django_admin, tmp_path_factory.mktemp("layer-reuse") / "app")
    image = unique_image("layer-reuse")
    found = {}

    def build(name: str) -> None:
        result = pack_build(image, app)
        assert result.returncode == 0, result.log
        found[name] = {"log": result.log, "digests": layer_digests(docker_client, image), "served": served(docker_client, image)}

    build("cold")
    build("unchanged")
    (app / "pages" / "views.py").write_text(VIEWS.format(greeting="bonjour"))
    build("code-change")
    with (app / "pages" / "models.py").open("a") as models:
        models.write("\n\nclass Page(models.Model):\n    title = models.CharField(max_length=100)\n")
    build("model-change")
    (app / "static" / "site.css").write_text("body { color: blue }\n")
    build("static-change")
    docker_client.images.remove(image, force=True)
    build("image-deleted")
    with (app / "requirements.txt").open("a") as requirements:
        requirements.write("humanize==4.13.0\n")
    build("package-added")
    with (app / "requirements.txt").open("a") as requirements:
        requirements.write("django-debug-toolbar\n")
    build("package-reached")
    found["image"] = image
    yield found
    remove_image_and_cache(docker_client, image)


def test_an_unchanged_rebuild_restores_neither_the_runtime_nor_the_environment(builds):
    log = builds["unchanged"]["log"]
    for layer in ("python", "venv"):
        assert f'Restoring metadata for "pycnb/python:{layer}" from app image' in log
        assert f'Restoring data for "pycnb/python:{layer}"' not in log
        assert f"Reusing layer 'pycnb/python:{layer}'" in log
    assert summary_value(log, "Runtime cache") == "reuse: the previous image's layer (nothing restored)"
    assert summary_value(log, "Environment cache") == "reuse: the previous image's layer (nothing restored)"
    # No Python ran: the settings' inspection and the static files came from the cache.
    assert summary_value(log, "collectstatic") == "reuse: " + STATIC_FILES_UNCHANGED
    assert "Unpacked" not in log and "Running:" not in log
    assert builds["unchanged"]["digests"] == builds["cold"]["digests"]


def test_a_changed_view_is_served_and_runs_no_python_since_nothing_imports_it_at_build_time(builds):
    body, _ = builds["code-change"]["served"]
    assert body.startswith("bonjour ")
    log = builds["code-change"]["log"]
    assert summary_value(log, "collectstatic") == "reuse: " + STATIC_FILES_UNCHANGED
    assert "Running:" not in log and "Python for reading" not in log
    assert builds["code-change"]["served"][1] == builds["unchanged"]["served"][1]
    before, after = builds["unchanged"]["digests"], builds["code-change"]["digests"]
    assert after["pycnb/python:python"] == before["pycnb/python:python"] and after["pycnb/python:venv"] == before["pycnb/python:venv"]


def test_a_changed_model_runs_collectstatic_with_the_kept_layers_read_from_copies(builds):
    log = builds["model-change"]["log"]
    assert summary_value(log, "collectstatic") == "run"
    assert "collectstatic --noinput" in log
    # Django read the kept runtime and environment from copies outside the layers: nothing to export again.
    assert "Python for reading: /tmp/" in log and "Unpacked /layers" not in log
    assert builds["model-change"]["served"][0].startswith("bonjour ")
    before, after = builds["code-change"]["digests"], builds["model-change"]["digests"]
    assert after["pycnb/python:python"] == before["pycnb/python:python"] and after["pycnb/python:venv"] == before["pycnb/python:venv"]


def test_a_changed_static_file_is_served_changed(builds):
    _, before = builds["model-change"]["served"]
    body, after = builds["static-change"]["served"]
    assert "color: red" in before and "color: blue" in after
    assert body.split()[-1] != builds["model-change"]["served"][0].split()[-1], "the manifest names the new file"


def test_a_rebuild_after_the_previous_image_was_deleted_says_why_it_unpacked_the_build_cache(builds):
    log = builds["image-deleted"]["log"]
    assert "- Using cached Python 3.13.15 from the build cache, since the previous image does not have it" in log
    assert "- Using cached virtual environment from the build cache, since the previous image does not have it" in log
    assert builds["image-deleted"]["served"] == builds["static-change"]["served"]
    assert builds["image-deleted"]["digests"] == builds["static-change"]["digests"]


def test_a_package_nothing_imports_at_build_time_is_added_without_running_python_for_the_static_files(builds):
    log = builds["package-added"]["log"]
    assert "added: humanize==4.13.0: installed on top (venv-delta)" in summary_value(log, "Environment cache"), log
    assert summary_value(log, "collectstatic") == "reuse: " + STATIC_FILES_UNCHANGED, log
    assert "Python for reading" not in log and "collectstatic --noinput" not in log
    assert builds["package-added"]["served"] == builds["image-deleted"]["served"]


def test_a_package_the_settings_look_for_runs_collectstatic_and_its_static_files_are_collected(docker_client, builds):
    log = builds["package-reached"]["log"]
    assert summary_value(log, "collectstatic") == "run" and "collectstatic --noinput" in log, log
    listing = docker_client.containers.run(builds["image"], ["ls", "/workspace/staticfiles/debug_toolbar/css"],
                                           entrypoint="launcher", remove=True).decode()
    assert "toolbar.css" in listing, listing
