"""Four builds of different apps at once on one daemon, each with its own cache: all succeed, and each
image serves its own app."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.apps import EXAMPLE_APP, FIXTURES, copy_app
from support.images import pack_build, run_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO_VIEW = """
from django.http import HttpResponse

urlpatterns.append(path("", lambda request: HttpResponse({text!r})))
"""
# A plain Python app: no Django, the standard library's HTTP server; it reports the version of its one requirement.
PLAIN_SERVER = """import http.server, os, sys

import six

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"TEXT on Python {sys.version_info[0]}.{sys.version_info[1]} with six {six.__version__}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

http.server.HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
"""


def make_apps(tmp_path) -> dict[str, tuple]:
    """Four different apps, by name: (folder, the text its / must answer)."""
    texts = {name: f"{name} answers {uuid.uuid4().hex[:8]}" for name in ("example", "no-procfile", "plain-3.13", "plain-3.11")}
    apps = {}
    for name, source in (("example", EXAMPLE_APP), ("no-procfile", FIXTURES / "django-no-procfile")):
        app = copy_app(source, tmp_path / name)
        urls = app / "myproject" / "urls.py"
        urls.write_text(urls.read_text() + DJANGO_VIEW.format(text=texts[name]))
        apps[name] = (app, texts[name])
    for name, version in (("plain-3.13", "3.13"), ("plain-3.11", "3.11")):
        app = tmp_path / name
        app.mkdir()
        (app / "requirements.txt").write_text("six==1.17.0\n")
        (app / ".python-version").write_text(f"{version}\n")
        (app / "Procfile").write_text("web: python server.py\n")
        (app / "server.py").write_text(PLAIN_SERVER.replace("TEXT", texts[name]))
        apps[name] = (app, f"{texts[name]} on Python {version} with six 1.17.0")
    return apps


def test_four_builds_at_once_all_succeed_and_each_serves_its_own_app(docker_client, builder_image, new_image, tmp_path):
    apps = make_apps(tmp_path)
    images = {name: new_image(f"concurrent-{name}") for name in apps}
    spans = {}

    def build(name: str):
        started = time.monotonic()
        result = pack_build(images[name], apps[name][0])
        spans[name] = (started, time.monotonic())
        return result

    with ThreadPoolExecutor(max_workers=len(apps)) as pool:
        futures = {name: pool.submit(build, name) for name in apps}
        results = {name: future.result() for name, future in futures.items()}
    # They overlapped: every build had started before the first one ended.
    assert max(start for start, _ in spans.values()) < min(end for _, end in spans.values())
    failed = {name: result.log[-3000:] for name, result in results.items() if result.returncode != 0}
    assert failed == {}
    answers = {}
    for name, (_, text) in apps.items():
        with run_image(docker_client, images[name]) as running:
            answers[name] = running.get("/")
    assert answers == {name: (200, text) for name, (_, text) in apps.items()}
