"""A Celery app through the real pack: `django-admin startproject` with Celery's Django set-up
(`myproject/celery.py` as Celery's "First steps with Django" writes it), a Procfile with web, worker,
beat and release, and a runtime.txt pin of a Python the runtime index lacks. The pin stops the build
with the fix; the app built with that fix serves, and each process is an entrypoint that starts
(the worker and beat on Kombu's in-memory broker, which needs no server)."""

import subprocess
import time
import venv
from pathlib import Path

import pytest

from support.images import pack_build, pack_inspect_local, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "Django==5.2.8"
CELERY = "celery==5.7.0"
PIN = "python-3.12.4"
PROCFILE = """web: gunicorn myproject.wsgi
worker: celery -A myproject worker --loglevel=info
beat: celery -A myproject beat --loglevel=info
release: python manage.py migrate --noinput
"""
# Celery's guide, proj/proj/celery.py and proj/proj/__init__.py, for a project named myproject.
CELERY_MODULE = """import os

from celery import Celery

# Set the default Django settings module for the 'celery' program.
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'myproject.settings')

app = Celery('myproject')

# Using a string here means the worker doesn't have to serialize
# the configuration object to child processes.
# - namespace='CELERY' means all celery-related configuration keys
#   should have a `CELERY_` prefix.
app.config_from_object('django.conf:settings', namespace='CELERY')

# Load task modules from all registered Django apps.
app.autodiscover_tasks()


@app.task(bind=True, ignore_result=True)
def debug_task(self):
    print(f'Request: {self.request!r}')
"""
PACKAGE_INIT = """# This will make sure the app is always imported when
# Django starts so that shared_task will use this app.
from .celery import app as celery_app

__all__ = ('celery_app',)
"""
SETTINGS = """
import os

STATIC_ROOT = BASE_DIR / 'staticfiles'
CELERY_BROKER_URL = os.environ.get('CELERY_BROKER_URL', 'redis://localhost:6379/0')
"""
MEMORY_BROKER = {"CELERY_BROKER_URL": "memory://"}


@pytest.fixture(scope="module")
def celery_app(tmp_path_factory) -> Path:
    """The app as its author pushes it: pinned in runtime.txt to a Python release of their laptop's."""
    tools = tmp_path_factory.mktemp("django-venv")
    venv.create(tools, with_pip=True)
    subprocess.run([str(tools / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", DJANGO], check=True)
    app = tmp_path_factory.mktemp("celery-app") / "app"
    app.mkdir()
    subprocess.run([str(tools / "bin" / "django-admin"), "startproject", "myproject", str(app)], check=True)
    (app / "myproject" / "celery.py").write_text(CELERY_MODULE)
    (app / "myproject" / "__init__.py").write_text(PACKAGE_INIT)
    with (app / "myproject" / "settings.py").open("a") as settings:
        settings.write(SETTINGS)
    (app / "requirements.txt").write_text(f"{DJANGO}\n{CELERY}\ngunicorn==23.0.0\n")
    (app / "Procfile").write_text(PROCFILE)
    (app / "runtime.txt").write_text(f"{PIN}\n")
    return app


@pytest.fixture(scope="module")
def refused_log(docker_client, builder_image, celery_app):
    image = unique_image("celery-pinned")
    result = pack_build(image, celery_app)
    remove_image_and_cache(docker_client, image)
    assert result.returncode != 0, result.log
    return result.log


@pytest.fixture(scope="module")
def image(docker_client, refused_log, celery_app):
    """Built after doing what the error says: `3.13` in .python-version, runtime.txt deleted."""
    (celery_app / ".python-version").write_text("3.13\n")
    (celery_app / "runtime.txt").unlink()
    image = unique_image("celery")
    result = pack_build(image, celery_app)
    assert result.returncode == 0, result.log
    yield image
    remove_image_and_cache(docker_client, image)


def started(docker_client, image: str, process: str, ready: str, timeout: float = 90) -> str:
    """The log of `process` (an entrypoint by name) once it prints `ready`; the container is then removed."""
    container = docker_client.containers.run(image, entrypoint=process, detach=True, network_mode="host", environment=MEMORY_BROKER)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            logs = container.logs().decode(errors="replace")
            container.reload()
            if ready in logs or container.status == "exited":
                return logs
            time.sleep(1)
        return container.logs().decode(errors="replace")
    finally:
        container.remove(force=True)


def test_a_pin_of_a_python_the_index_lacks_stops_the_build_with_the_file_line_and_fix(refused_log):
    assert "! ERROR: Python 3.12.4 is not available" in refused_log
    assert "! runtime.txt, line 1 asks for Python 3.12.4, and the runtime index has no Python 3.12: it offers 3.13" in refused_log
    assert "write `3.13` in a .python-version file and delete runtime.txt (deprecated)" in refused_log
    assert "Traceback" not in refused_log


def test_every_process_is_an_entrypoint_with_web_the_default(image):
    local = pack_inspect_local(image)
    assert "web (default)" in local and "gunicorn myproject.wsgi" in local
    for command in ("celery -A myproject worker --loglevel=info", "celery -A myproject beat --loglevel=info",
                    "python manage.py migrate --noinput"):
        assert command in local


def test_web_serves(docker_client, image):
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200 and "The install worked successfully!" in body


def test_worker_starts_with_the_apps_tasks(docker_client, image):
    logs = started(docker_client, image, "worker", " ready.")
    assert "celery@" in logs and " ready." in logs, logs
    assert "myproject.celery.debug_task" in logs, logs


def test_beat_starts(docker_client, image):
    logs = started(docker_client, image, "beat", "beat: Starting...")
    assert "beat: Starting..." in logs, logs


def test_release_migrates(docker_client, image):
    output = docker_client.containers.run(image, entrypoint="release", remove=True).decode()
    assert "Applying auth.0001_initial... OK" in output
