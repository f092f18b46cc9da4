"""Django apps through the real pack and a real PostgreSQL: migrate, serve from the database,
static files by whitenoise, a derived web process, worker counts from container limits."""

import pytest

from django_buildpack.messages import STATIC_FILES_UNCHANGED
from support.apps import FIXTURES, copy_app
from support.images import pack_build, pack_inspect_local, run_image
from support.logs import summary_value

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def build_fixture(name: str, tmp_path_factory) -> tuple[str, str]:
    image = f"pycnb-test/{name}"
    result = pack_build(image, copy_app(FIXTURES / name, tmp_path_factory.mktemp(name) / "app"))
    assert result.returncode == 0, result.log
    return image, result.log


@pytest.fixture(scope="module")
def heroku_style(builder_image, tmp_path_factory):
    return build_fixture("django-heroku", tmp_path_factory)


@pytest.fixture(scope="module")
def no_procfile(builder_image, tmp_path_factory):
    return build_fixture("django-no-procfile", tmp_path_factory)


def test_migrate_then_serve_from_postgresql_and_static_files(docker_client, heroku_style, postgres):
    image, log = heroku_style
    # Collected by this build, or, when an earlier run of the suite built the same app into the same
    # image name and cache, reused from that build (tests/e2e/test_layer_reuse.py covers which and when).
    assert summary_value(log, "collectstatic") in ("run", "reuse: " + STATIC_FILES_UNCHANGED)
    env = {"DATABASE_URL": postgres.url, "SECRET_KEY": "run-time-secret-8c1d"}
    output = docker_client.containers.run(image, entrypoint="migrate", environment=env, network_mode="host", remove=True).decode()
    assert "Applying auth.0001_initial... OK" in output
    postgres.query(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)"
        " VALUES ('!', false, 'ada', '', '', '', false, true, now())"
    )
    with run_image(docker_client, image, env=env) as running:
        assert running.get("/users/") == (200, "users: 1")
        status, css = running.get("/static/admin/css/base.css")
        assert status == 200 and "DJANGO Admin styles" in css


def test_no_procfile_app_serves_on_port_with_the_derived_gunicorn_command(docker_client, no_procfile):
    image, log = no_procfile
    assert summary_value(log, "Added packages") == "gunicorn==27.0.1, django-heroku==0.3.1 (not in requirements.txt)"
    assert "exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000}" in pack_inspect_local(image)
    with run_image(docker_client, image) as running:
        assert running.get("/")[0] == 200


def process_env(container) -> dict[str, str]:
    raw = container.exec_run(["cat", "/proc/1/environ"]).output.decode()
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def gunicorn_workers(container) -> int:
    script = ("n=0; for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f 2>/dev/null | grep -q '^/layers/.*gunicorn' && n=$((n+1)); "
              "done; echo $n")
    return int(container.exec_run(["bash", "-c", script]).output.decode().strip()) - 1


@pytest.mark.parametrize(("memory", "cpus", "workers"), [("512m", 1.0, 2), ("2g", 2.0, 5)])
def test_web_concurrency_follows_container_limits(docker_client, no_procfile, memory, cpus, workers):
    image, _ = no_procfile
    with run_image(docker_client, image, mem_limit=memory, nano_cpus=int(cpus * 1e9)) as running:
        running.get("/")
        env = process_env(running.container)
        assert env["WEB_CONCURRENCY"] == str(workers)
        assert env["WEB_CONCURRENCY_SET_BY"] == "pycnb/django"
        assert gunicorn_workers(running.container) == workers


def test_web_concurrency_set_by_the_user_wins(docker_client, no_procfile):
    image, _ = no_procfile
    with run_image(docker_client, image, env={"WEB_CONCURRENCY": "3"}, mem_limit="512m") as running:
        running.get("/")
        env = process_env(running.container)
        assert env["WEB_CONCURRENCY"] == "3" and "WEB_CONCURRENCY_SET_BY" not in env
