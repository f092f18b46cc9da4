"""Writes at run time, code still protected: a `django-admin startproject` app with SQLite and uploads
migrates, reads its database and saves uploads in the image pack built, as on Heroku's ephemeral disk,
while the run user still cannot change, rename or delete anything the build wrote; and the same app
with WhiteNoise and the tutorial's Procfile, whose collectstatic at launch rewrites STATIC_ROOT with
WhiteNoise's and with Django's manifest storage, while the code stays protected."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from support.images import image_contents, pack_build, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "Django==5.2.8"
WHITENOISE = "whitenoise==6.12.0"
RUN_USER = "1000"
VENV = "/layers/pycnb_python/venv"
TUTORIAL_PROCFILE = "web: python manage.py migrate && python manage.py collectstatic --no-input && gunicorn myproject.wsgi\n"
MODELS = '''from django.db import models


class Document(models.Model):
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/")
'''
VIEWS = '''from django.http import HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .models import Document


def index(request):
    return JsonResponse({"documents": [{"title": d.title, "file": d.file.name} for d in Document.objects.order_by("pk")]})


@csrf_exempt
def upload(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    document = Document.objects.create(title=request.POST.get("title", ""), file=request.FILES["file"])
    return JsonResponse({"id": document.pk, "path": document.file.path}, status=201)
'''
URLS = '''from django.contrib import admin
from django.urls import path

from docs import views

urlpatterns = [
    path("", views.index),
    path("upload/", views.upload),
    path("admin/", admin.site.urls),
]
'''
SETTINGS = '''
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS += ["docs"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
'''
# WhiteNoise as its docs set it up, the storage chosen at run time so one image serves both manifest storages.
WHITENOISE_SETTINGS = '''
import os
DEBUG = False
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": os.environ.get("STATIC_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage")},
}
'''
DJANGO_MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
# Writes the run user must not be able to make to what the build wrote, each run in the app's container.
PROTECTED = {
    "append to manage.py": "echo '# changed' >> /workspace/manage.py",
    "rename the settings": "mv /workspace/myproject/settings.py /workspace/myproject/settings_old.py",
    "replace the settings": "echo 'DEBUG = True' > /workspace/evil.py && mv -f /workspace/evil.py /workspace/myproject/settings.py",
    "delete a static file": "rm $(find /workspace/staticfiles -type f -name '*.css' | head -n 1)",
    "add a static file": "touch /workspace/staticfiles/added.css",
    "delete a file in site-packages": f"rm {VENV}/lib/python3.13/site-packages/django/__init__.py",
    "delete the Procfile": "rm /workspace/Procfile",
    "rename the app's package": "mv /workspace/myproject /workspace/moved",
    "add a module to the app's package": "touch /workspace/myproject/evil.py",
    "add a migration": "touch /workspace/docs/migrations/0002_evil.py",
}
STATIC_PROTECTION = ("delete a static file", "add a static file")
CODE_PROTECTED = {what: command for what, command in PROTECTED.items() if what not in STATIC_PROTECTION}


def _django_admin(tmp: Path) -> Path:
    """A virtual environment with Django, made from PyPI as a user installs it locally."""
    venv = tmp / "django-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", DJANGO], check=True)
    return venv / "bin" / "python"


def make_app(python: Path, app: Path, procfile: str, whitenoise: bool = False) -> Path:
    """startproject, startapp docs with a FileField model and two views, makemigrations: the tutorial's steps."""
    app.mkdir(parents=True)
    subprocess.run([str(python), "-m", "django", "startproject", "myproject", str(app)], check=True)
    subprocess.run([str(python), "manage.py", "startapp", "docs"], cwd=app, check=True)
    (app / "docs" / "models.py").write_text(MODELS)
    (app / "docs" / "views.py").write_text(VIEWS)
    (app / "myproject" / "urls.py").write_text(URLS)
    settings = app / "myproject" / "settings.py"
    settings.write_text(settings.read_text() + SETTINGS + (WHITENOISE_SETTINGS if whitenoise else ""))
    subprocess.run([str(python), "manage.py", "makemigrations", "docs"], cwd=app, check=True, env={"PYTHONDONTWRITEBYTECODE": "1"})
    # makemigrations opens the database, which leaves an empty db.sqlite3: .gitignore keeps it out of a deploy.
    (app / "db.sqlite3").unlink(missing_ok=True)
    (app / "requirements.txt").write_text(f"{DJANGO}\ngunicorn==23.0.0\n" + (f"{WHITENOISE}\n" if whitenoise else ""))
    (app / ".python-version").write_text("3.13\n")
    (app / "Procfile").write_text(procfile)
    return app


@pytest.fixture(scope="module")
def django_python(tmp_path_factory):
    return _django_admin(tmp_path_factory.mktemp("django-admin"))


@pytest.fixture(scope="module")
def uploads_image(docker_client, builder_image, django_python, tmp_path_factory):
    """The tutorial's app with a plain gunicorn web process; migrate is its release step."""
    app = make_app(django_python, tmp_path_factory.mktemp("writable") / "app", "web: gunicorn myproject.wsgi\n")
    image = unique_image("writable-uploads")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image, result.log
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def tutorial_image(docker_client, builder_image, django_python, tmp_path_factory):
    """The same app with WhiteNoise, its web process migrating and collecting static files before gunicorn starts."""
    app = make_app(django_python, tmp_path_factory.mktemp("writable-tutorial") / "app", TUTORIAL_PROCFILE, whitenoise=True)
    image = unique_image("writable-tutorial")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image, result.log
    remove_image_and_cache(docker_client, image)


def request(port: int, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - our own container
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wait_until_serving(port: int, timeout: float = 60) -> None:
    """Until gunicorn answers at all (before `migrate`, a page reading the database answers 500)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            request(port, "/upload/")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def upload(port: int, title: str, name: str, content: bytes) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return request(port, "/upload/", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def sh(container, command: str) -> tuple[int, str]:
    code, output = container.exec_run(["bash", "-c", command])
    return code, output.decode()


def assert_build_files_protected(container, protected: dict[str, str] = PROTECTED) -> None:
    refused = {what: sh(container, command) for what, command in protected.items()}
    refusal = ("Permission denied", "Operation not permitted")  # no write access; sticky folder, someone else's file
    assert ({what: code != 0 and any(word in output for word in refusal) for what, (code, output) in refused.items()}
            == dict.fromkeys(protected, True)), refused


def test_the_build_log_says_which_folders_are_writable_and_why(uploads_image):
    _, log = uploads_image
    assert "- Writable at run time: /workspace (the app folder, sticky)\n" in log  # pycnb/python
    assert "- Created media/\n" in log
    assert "- Writable at run time: /workspace (the app folder, sticky), media/ (MEDIA_ROOT), ./ (SQLite database default)\n" in log
    assert "! WARNING" not in log


def test_the_app_migrates_reads_its_database_and_saves_uploads_while_the_build_files_stay_protected(docker_client, uploads_image):
    image, _ = uploads_image
    with run_image(docker_client, image) as running:
        container = running.container
        wait_until_serving(running.port)
        # The release step, run by the run user in the app's container (SQLite lives on its disk).
        code, output = sh(container, "/cnb/process/migrate")
        assert code == 0, output
        assert "Applying docs.0001_initial... OK" in output
        running.get("/")
        assert request(running.port, "/") == (200, json.dumps({"documents": []}))

        status, body = upload(running.port, "report", "report.txt", b"uploaded at run time\n")
        assert status == 201, body
        saved = json.loads(body)["path"]
        assert saved.startswith("/workspace/media/uploads/report")
        status, body = request(running.port, "/")
        assert status == 200 and json.loads(body)["documents"] == [{"title": "report", "file": saved.removeprefix("/workspace/media/")}]

        # The upload and the database exist, belong to the run user; the folders are sticky, like /tmp.
        code, output = sh(container, f"cat {saved}; stat -c '%u %a %n' {saved} "
                                     "/workspace/db.sqlite3 /workspace /workspace/media /workspace/manage.py")
        assert code == 0, output
        assert output.splitlines() == ["uploaded at run time", f"{RUN_USER} 644 {saved}", f"{RUN_USER} 644 /workspace/db.sqlite3",
                                       "1001 1777 /workspace", "1001 1777 /workspace/media", "1001 755 /workspace/manage.py"]
        # What the run user made, it may change and remove.
        assert sh(container,
                  "touch /workspace/cache.txt && mv /workspace/cache.txt /workspace/cache2.txt && rm /workspace/cache2.txt")[0] == 0
        assert_build_files_protected(container)
        assert request(running.port, "/")[0] == 200


def test_the_tutorial_build_says_static_root_is_replaceable_for_the_web_process(tutorial_image):
    _, log = tutorial_image
    assert "- Writable at run time: /workspace (the app folder, sticky), media/ (MEDIA_ROOT), ./ (SQLite database default)\n" in log
    assert "- Replaceable at run time: staticfiles/ (STATIC_ROOT: collectstatic in the Procfile's web process rewrites it)\n" in log
    assert "! WARNING" not in log


def test_world_writable_in_the_tutorial_image_are_the_sticky_folders_and_static_roots_folders_only(docker_client, tutorial_image, tmp_path):
    image, _ = tutorial_image
    writable, static_folders = {}, 0
    for _, entry, _ in image_contents(docker_client, image, tmp_path / "image.tar"):
        name = entry.name.lstrip("./") if entry else ""
        if entry and name.startswith(("layers", "workspace")) and not entry.issym() and entry.mode & stat.S_IWOTH:
            writable[name] = (entry.isdir(), oct(entry.mode & 0o7777), entry.uid)
        static_folders += bool(entry and entry.isdir() and name.startswith("workspace/staticfiles/"))
    static = {name: value for name, value in writable.items() if name.startswith("workspace/staticfiles")}
    assert {name: value for name, value in writable.items() if name not in static} == {
        "workspace": (True, "0o1777", 1001), "workspace/media": (True, "0o1777", 1001)}
    # Every folder of STATIC_ROOT takes new entries, no sticky bit, no file writable: replaced, never changed in place.
    assert len(static) == static_folders + 1 and set(static.values()) == {(True, "0o777", 1001)}


def served_static_file(running, page: str = "/admin/login/") -> tuple[str, int, str]:
    """The admin's stylesheet as the page links it (a manifest's hashed name), and how it is served."""
    status, html = running.get(page, timeout=120)
    assert status == 200, html
    css = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', html)
    assert css, html
    status, body = request(running.port, css.group(1))
    return css.group(1), status, body


@pytest.mark.parametrize("storage", ["whitenoise", "django"])
def test_the_tutorial_procfile_migrates_rewrites_static_files_with_each_manifest_storage_and_serves(docker_client, tutorial_image, storage):
    image, _ = tutorial_image
    env = {"STATIC_STORAGE": DJANGO_MANIFEST} if storage == "django" else {}
    with run_image(docker_client, image, env=env) as running:
        status, body = running.get("/", timeout=120)
        assert status == 200 and json.loads(body) == {"documents": []}
        css, status, body = served_static_file(running)
        assert status == 200 and "DJANGO Admin styles" in body, (css, body)
        assert upload(running.port, "notes", "notes.txt", b"x")[0] == 201
        logs = running.container.logs().decode()
        # The build's copies are unmodified, so collectstatic copies none; then the storage rewrites them all.
        assert re.search(r"0 static files copied to '/workspace/staticfiles', \d+ unmodified, \d+ post-processed", logs), logs
        assert re.search(r"pycnb/django: the app's user took over the \d+ files the build wrote in "
                         r"/workspace/staticfiles \(STATIC_ROOT\)", logs), logs
        assert "Traceback" not in logs and "PermissionError" not in logs, logs
        container = running.container
        code, owners = sh(container, "find /workspace/staticfiles -type f -printf '%U\\n' | sort -u")
        assert (code, owners.split()) == (0, [RUN_USER]), owners
        if storage == "whitenoise":
            code, output = sh(container, f"ls /workspace/staticfiles{css.removeprefix('/static')}.gz")
            assert code == 0, output  # compressed again, at run time
        assert_build_files_protected(container, CODE_PROTECTED)
