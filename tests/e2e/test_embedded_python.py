"""A runtime fit for embedding, through the real pack: uWSGI links libpython and serves the app,
and the runtime names the folder it is installed at, never the one it was compiled in."""

import json

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, run_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

RUNTIME = "/layers/pycnb_python/python"

# The shape of a real project's uWSGI set-up, as deployment guides write it.
UWSGI_INI = """\
[uwsgi]
http-socket = :$(PORT)
virtualenv = $(VIRTUAL_ENV)
chdir = /workspace
wsgi-file = myproject/wsgi.py
master = true
workers = 2
threads = 4
die-on-term = true
"""

URLS = """\
import sys

from django.http import HttpResponse
from django.urls import path


def home(request):
    import uwsgi  # only importable inside uWSGI

    return HttpResponse(f"uWSGI {uwsgi.version.decode()} on Python {sys.version.split()[0]} in {sys.prefix}")


urlpatterns = [path("", home)]
"""


@pytest.fixture(scope="module")
def uwsgi_image(builder_image, tmp_path_factory, docker_client):
    requirements = (EXAMPLE_APP / "requirements.txt").read_text() + "uwsgi>=2.0.17,<2.1\n"
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("uwsgi") / "app", **{
        "requirements.txt": requirements,
        "Procfile": "web: uwsgi ./etc/uwsgi.ini\n",
        "etc__uwsgi.ini": UWSGI_INI,
        "myproject__urls.py": URLS,
    })
    settings = app / "myproject" / "settings.py"
    settings.write_text(settings.read_text().replace("ALLOWED_HOSTS = []", "ALLOWED_HOSTS = ['*']"))
    image = "pycnb-test/uwsgi:latest"
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image
    docker_client.images.remove(image, force=True)


def in_image(docker_client, image: str, *command: str) -> str:
    return docker_client.containers.run(image, list(command), entrypoint="launcher", remove=True).decode()


def test_uwsgi_from_an_ini_serves_the_app_on_port(docker_client, uwsgi_image):
    with run_image(docker_client, uwsgi_image) as running:
        status, body = running.get("/")
        logs = running.container.logs().decode()
        assert status == 200, logs[-3000:]
    assert body.startswith("uWSGI 2.0.") and body.endswith(" on Python 3.13.15 in /layers/pycnb_python/venv"), body
    # The ini's settings took: $(PORT) bound, two workers under a master.
    assert f"uwsgi socket 0 bound to TCP address :{running.port}" in logs, logs[-3000:]
    assert "spawned uWSGI worker 2" in logs


def test_embedders_are_told_the_installed_runtime(docker_client, uwsgi_image):
    ldflags = in_image(docker_client, uwsgi_image, "python3-config", "--embed", "--ldflags")
    assert f"-L{RUNTIME}/lib" in ldflags and "-lpython3.13" in ldflags
    script = ("import json, sysconfig; "
              "print(json.dumps({k: sysconfig.get_config_var(k) for k in ('LIBDIR', 'LIBPL', 'INCLUDEPY', 'prefix')}))")
    config = json.loads(in_image(docker_client, uwsgi_image, "python", "-c", script))
    assert config == {
        "LIBDIR": f"{RUNTIME}/lib", "LIBPL": f"{RUNTIME}/lib/python3.13/config-3.13-x86_64-linux-gnu",
        "INCLUDEPY": f"{RUNTIME}/include/python3.13", "prefix": RUNTIME,
    }
    pkg_config = in_image(docker_client, uwsgi_image, "bash", "-c", f"grep -h '^prefix=' {RUNTIME}/lib/pkgconfig/python-3.13-embed.pc")
    assert pkg_config.strip() == f"prefix={RUNTIME}"


def test_no_runtime_file_names_the_folder_it_was_compiled_in(docker_client, uwsgi_image):
    # compile_cpython.sh compiles in a `mktemp -d` folder (/tmp/tmp.XXXXXXXXXX) and unpacks the
    # source there as Python-X.Y.Z: no file of the installed runtime, text or binary, may name it.
    found = in_image(docker_client, uwsgi_image, "bash", "-c",
                     f"grep -rlaE '/tmp/tmp\\.[A-Za-z0-9]{{10}}|/Python-3\\.[0-9]+\\.[0-9]+/' {RUNTIME} || true")
    assert found.strip() == ""
    # ...and every text file naming a folder under /layers names this one, but for the link to pip's
    # build-only zip in the runtime's build copy (pip_zipapp), which names that file alone.
    named = in_image(docker_client, uwsgi_image, "bash", "-c",
                     f"grep -rhoI --exclude=pycnb-build-pip.pth '/layers/[A-Za-z0-9_.-]*/[A-Za-z0-9_.-]*' {RUNTIME} | sort -u")
    assert set(named.split()) == {RUNTIME}
    pip_link = in_image(docker_client, uwsgi_image, "bash", "-c", f"cat {RUNTIME}/lib/python3.13/site-packages/pycnb-build-pip.pth")
    assert pip_link == "/layers/pycnb_python/python-copy/pip.pyz\n"
