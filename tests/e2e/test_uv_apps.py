"""uv through the real pack: a Django app made with the real uv (`uv init`, `uv add`, `uv add --dev`)
builds with `uv sync --locked`, compiles uWSGI from source against the runtime's libpython and serves
200 with it, leaves its dev group out of the image, reuses its
environment when nothing changed, installs a dependency `uv add` added alone into venv-delta, and loses a
dependency `uv remove` took out of the lock. uv also
installs a requirements.txt app when `BP_PYTHON_INSTALLER=uv` asks for it, and a line added later alone,
into venv-delta. A stale uv.lock beside an exported
requirements.txt is refused, as Heroku refuses several managers; picking uv then says the lock is stale."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, run_image, unique_image, venv_sbom
from support.logs import summary_value
from support.package_tools import tool, tool_env

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "django==5.2.8"
REQUIREMENTS = "Django==5.2.8\ngunicorn==23.0.0\n"
UWSGI_WEB = ("web: uwsgi --http-socket :$PORT --virtualenv $VIRTUAL_ENV --module mysite.wsgi:application "
             "--master --workers 2 --die-on-term\n")
RUNTIME_LIBPYTHON = "/layers/pycnb_python/python/lib/libpython3.13.so.1.0"


def uv(app: Path, *args: str) -> None:
    subprocess.run([str(tool("uv")), *args], cwd=app, check=True, env=tool_env(UV_PYTHON_DOWNLOADS="never"), capture_output=True)


def python_in(docker_client, image: str, code: str) -> tuple[int, str]:
    container = docker_client.containers.run(image, ["python", "-c", code], entrypoint="launcher", detach=True)
    try:
        status = container.wait(timeout=120)["StatusCode"]
        return status, container.logs().decode()
    finally:
        container.remove(force=True)


@pytest.fixture(scope="module")
def uv_app(tmp_path_factory) -> Path:
    """What a uv tutorial leaves: `uv init --app`, a Django project, dependencies added with `uv add`, a dev group."""
    app = tmp_path_factory.mktemp("uv") / "app"
    app.mkdir()
    uv(app, "init", "--app", "--no-package", "--name", "mysite", "--no-pin-python", "--vcs", "none")
    uv(app, "tool", "run", "--from", DJANGO, "django-admin", "startproject", "mysite", ".")
    uv(app, "add", "--no-sync", DJANGO, "uwsgi", "six")
    uv(app, "add", "--no-sync", "--dev", "pytest")
    (app / ".python-version").write_text("3.13\n")
    # uWSGI as its Django how-to runs it, from the app's virtual environment, on $PORT.
    (app / "Procfile").write_text(UWSGI_WEB)
    with (app / "mysite" / "settings.py").open("a") as settings:
        settings.write("\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n")
    assert not (app / ".venv").exists()
    return app


@pytest.fixture(scope="module")
def builds(docker_client, builder_image, uv_app):
    """Three builds of one image: the first, one with nothing changed, one after `uv remove six`."""
    image = unique_image("uv-app")
    logs = [pack_build(image, uv_app)]
    assert logs[0].returncode == 0, logs[0].log
    yield image, uv_app, logs
    remove_image_and_cache(docker_client, image)


def test_a_uv_app_builds_with_uv_sync_and_serves(docker_client, builds):
    image, _, logs = builds
    log = logs[0].log
    assert summary_value(log, "Package manager") == "uv (from uv.lock)"
    assert summary_value(log, "Requirements") == "pyproject.toml, uv.lock"
    assert (summary_value(log, "Added packages")
            == "gunicorn==27.0.1, django-heroku==0.3.1 (not in uv.lock; pycnb/python adds them with pip after installing the lock)")
    assert "uv sync --locked --no-default-groups" in log
    assert re.search(r"Built uwsgi==2\.\d+\.\d+", log), log  # uWSGI has no wheels: uv compiled it
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        logs = running.container.logs().decode()
        assert status == 200 and "The install worked successfully!" in body, logs[-3000:]
    assert "Python version: 3.13." in logs and "spawned uWSGI worker 2" in logs, logs[-3000:]


def test_uwsgi_links_the_runtimes_libpython(docker_client, builds):
    image, _, _ = builds
    status, output = python_in(docker_client, image, "import shutil, subprocess; "
                               "print(subprocess.run(['ldd', shutil.which('uwsgi')], capture_output=True, text=True).stdout)")
    assert status == 0 and f"libpython3.13.so.1.0 => {RUNTIME_LIBPYTHON}" in output, output


def test_the_dev_group_is_not_in_the_image_and_the_runtime_is_ours(docker_client, builds):
    image, _, _ = builds
    status, output = python_in(docker_client, image, "import sys, six, django; print(sys.prefix, sys.base_prefix); import pytest")
    assert status != 0 and "No module named 'pytest'" in output, output
    assert "/layers/pycnb_python/venv /layers/pycnb_python/python" in output
    # uv itself is a build-only tool: not in the image, not on the PATH.
    status, output = python_in(docker_client, image,
                               "import shutil, pathlib; print(shutil.which('uv'), pathlib.Path('/layers/pycnb_python/uv').exists())")
    assert output.strip().endswith("None False"), output


def test_the_sbom_lists_what_uv_installed(builds, tmp_path):
    image, _, _ = builds
    versions = venv_sbom(image, tmp_path)
    assert versions["Django"] == "5.2.8" and "six" in versions and "uwsgi" in {name.lower() for name in versions}
    assert "pytest" not in versions


def test_a_rebuild_with_nothing_changed_runs_no_installer(builds):
    image, app, logs = builds
    again = pack_build(image, app)
    assert again.returncode == 0, again.log
    assert "no installer runs" in again.log
    assert "uv sync" not in again.log.split("Installing dependencies", 1)[-1].split("Software bill of materials", 1)[0]


def test_a_dependency_uv_add_added_is_installed_alone_into_a_small_layer(docker_client, builds):
    image, app, _ = builds
    uv(app, "add", "--no-sync", "pyjokes==0.8.3")  # not humanize: the stale-lock test below adds that
    after = pack_build(image, app)
    assert after.returncode == 0, after.log
    assert "added: pyjokes==0.8.3: installed on top (venv-delta)" in summary_value(after.log, "Environment cache"), after.log
    assert "uv sync --locked --no-default-groups --inexact" in after.log and "+ pyjokes==0.8.3" in after.log, after.log
    assert "Reusing layer 'pycnb/python:venv'" in after.log and "Adding layer 'pycnb/python:venv-delta'" in after.log
    status, output = python_in(docker_client, image, "import pyjokes, six, django_heroku; print(pyjokes.__file__.split('/')[3])")
    assert status == 0 and "venv-delta" in output, output


def test_a_dependency_uv_remove_took_out_is_gone_after_the_next_build(docker_client, builds):
    image, app, _ = builds
    uv(app, "remove", "--no-sync", "six")
    after = pack_build(image, app)
    assert after.returncode == 0, after.log
    assert "update in place: the dependency files changed" in summary_value(after.log, "Environment cache")
    status, output = python_in(docker_client, image, "import django; import six")
    assert status != 0 and "No module named 'six'" in output, output
    status, output = python_in(docker_client, image, "import pyjokes")
    assert status == 0, output


def test_uv_installs_a_requirements_txt_app_when_asked_and_keeps_it_exact(docker_client, builder_image, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app", **{"requirements.txt": REQUIREMENTS + "six==1.17.0\n"})
    image = unique_image("uv-pip")
    env = {"BP_PYTHON_INSTALLER": "uv"}
    try:
        first = pack_build(image, app, env=env)
        assert first.returncode == 0, first.log
        assert summary_value(first.log, "Package manager") == "pip (from requirements.txt)"
        assert summary_value(first.log, "Installer").startswith("uv 0.13.8 (build only, BP_PYTHON_INSTALLER=uv)")
        assert "uv pip sync" in first.log
        with run_image(docker_client, image) as running:
            status, _ = running.get("/")
            assert status == 200
        (app / "requirements.txt").write_text(REQUIREMENTS)
        second = pack_build(image, app, env=env)
        assert second.returncode == 0, second.log
        status, output = python_in(docker_client, image, "import django; import six")
        assert status != 0 and "No module named 'six'" in output, output
        # An added line: uv installs it alone on the kept environment, into venv-delta, console script included.
        (app / "requirements.txt").write_text(REQUIREMENTS + "pyjokes==0.8.3\n")
        third = pack_build(image, app, env=env)
        assert third.returncode == 0, third.log
        assert "added: pyjokes==0.8.3: installed on top (venv-delta)" in summary_value(third.log, "Environment cache")
        assert "Installing what requirements.txt adds with uv pip install" in third.log, third.log
        assert "+ pyjokes==0.8.3" in third.log and "+ django" not in third.log.lower(), third.log
        assert "Reusing layer 'pycnb/python:venv'" in third.log and "Adding layer 'pycnb/python:venv-delta'" in third.log
        where = "import pyjokes, django; print(pyjokes.__file__.split('/')[3], django.VERSION[:2])"
        status, output = python_in(docker_client, image, where)
        assert status == 0 and "venv-delta (5, 2)" in output, output
        joke = docker_client.containers.run(image, ["pyjoke"], entrypoint="launcher", remove=True).decode()
        assert joke.strip()
    finally:
        remove_image_and_cache(docker_client, image)


def test_a_stale_uv_lock_beside_requirements_txt_is_refused_and_picking_uv_says_it_is_stale(builder_image, uv_app, tmp_path):
    """`uv export` left a requirements.txt, then `uv add --frozen` changed pyproject.toml without locking: two builds
    that stop before any install, each with the error a user can act on, and no traceback."""
    app = tmp_path / "app"
    shutil.copytree(uv_app, app)
    uv(app, "export", "--frozen", "--no-dev", "--no-hashes", "--output-file", "requirements.txt")
    uv(app, "add", "--frozen", "humanize")
    image = unique_image("uv-stale")
    several = pack_build(image, app)
    assert several.returncode != 0, several.log
    assert "! ERROR: The app has files of several package managers" in several.log
    assert "requirements.txt (pip)" in several.log and "uv.lock (uv)" in several.log
    assert "BP_PYTHON_PACKAGE_MANAGER=pip|uv" in several.log
    stale = pack_build(image, app, env={"BP_PYTHON_PACKAGE_MANAGER": "uv"})
    assert stale.returncode != 0, stale.log
    assert "! ERROR: uv.lock is out of date" in stale.log and "Run `uv lock` in the app" in stale.log
    for log in (several.log, stale.log):
        assert "Traceback" not in log, log
