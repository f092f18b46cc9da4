"""A django-heroku app against a PostgreSQL without TLS (`ssl = off`, as on a private network):
the build warns with the file and line of the call, the app as written fails at its first query
whatever env var is set, and each fix the warning gives makes it migrate and serve from the database."""

import time
import urllib.error
import urllib.request
import uuid

import pytest

from support.apps import FIXTURES, copy_app
from support.images import pack_build, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

SSL_ERROR = "server does not support SSL, but SSL was required"
CALL = "django_heroku.settings(locals())"
# The two fixes the warning gives, each applied the way it says.
FIXES = {
    "sslmode dropped after the call": (CALL, CALL + '\nDATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)'),
    "databases configured by the app": (
        CALL,
        "import dj_database_url\ndjango_heroku.settings(locals(), databases=False)\n"
        'DATABASES = {"default": dj_database_url.config(conn_max_age=600, ssl_require=False)}',
    ),
}


def settings_line(settings: str, code: str) -> int:
    return settings.splitlines().index(code) + 1


@pytest.fixture(scope="module")
def images(builder_image, docker_client, tmp_path_factory):
    """The django-heroku fixture as written, then with each fix: built under one name, so later builds
    reuse the first one's cache, and tagged apart after each build."""
    name = unique_image("no-tls")
    built = {}
    settings = (FIXTURES / "django-heroku" / "myproject" / "settings.py").read_text()
    for variant, (old, new) in {"as written": (CALL, CALL), **FIXES}.items():
        assert old in settings
        app = copy_app(FIXTURES / "django-heroku", tmp_path_factory.mktemp("no-tls") / "app")
        (app / "myproject" / "settings.py").write_text(settings.replace(old, new))
        result = pack_build(name, app)
        assert result.returncode == 0, result.log
        tag = f"{name.rpartition(':')[0]}:{len(built)}"
        docker_client.images.get(name).tag(tag)
        built[variant] = (tag, result.log)
    yield built
    for tag, _ in built.values():
        remove_image_and_cache(docker_client, tag)
    remove_image_and_cache(docker_client, name)


@pytest.fixture
def database(postgres_server_without_tls):
    """A new, empty database on the server without TLS, owned by the app's user."""
    return postgres_server_without_tls.create_database(f"no_tls_{uuid.uuid4().hex[:12]}")


def migrate(docker_client, image, env) -> tuple[int, str]:
    """The image's `migrate` process, as a release step runs it: its exit code and output."""
    container = docker_client.containers.run(image, entrypoint="migrate", environment=env, network_mode="host", detach=True)
    try:
        code = container.wait(timeout=120)["StatusCode"]
        return code, container.logs().decode()
    finally:
        container.remove(force=True)


def get(url: str) -> tuple[int, str]:
    """Status and body of a GET, errors included, once the server answers."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_test_server_runs_without_tls(postgres_server_without_tls):
    assert postgres_server_without_tls.superuser("SHOW ssl") == "off"


def test_the_build_warns_with_the_file_and_line_of_the_call(images):
    _, log = images["as written"]
    settings = (FIXTURES / "django-heroku" / "myproject" / "settings.py").read_text()
    assert "! WARNING: django-heroku will require TLS of the database (sslmode=require)" in log
    assert f"!   myproject/settings.py, line {settings_line(settings, CALL)}: {CALL}" in log
    assert '!        DATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)' in log


@pytest.mark.parametrize("fix", FIXES)
def test_a_fixed_app_builds_without_the_warning(images, fix):
    _, log = images[fix]
    assert "sslmode=require" not in log


@pytest.mark.parametrize(
    "env",
    [{}, {"PGSSLMODE": "disable"}, {"url_query": "?sslmode=disable"}],
    ids=["plain", "PGSSLMODE=disable", "sslmode=disable in the URL"],
)
def test_the_app_as_written_fails_at_its_first_query_whatever_the_env(docker_client, images, database, env):
    image, _ = images["as written"]
    env = dict(env)
    run_env = {"DATABASE_URL": database.url + env.pop("url_query", ""), "SECRET_KEY": "run-time-secret-5e2a", **env}
    code, output = migrate(docker_client, image, run_env)
    assert code != 0
    assert f"psycopg2.OperationalError: connection to server at \"127.0.0.1\", port {database.server.port} failed: {SSL_ERROR}" in output


def test_the_app_as_written_answers_500_and_logs_the_ssl_error(docker_client, images, database):
    image, _ = images["as written"]
    with run_image(docker_client, image, env={"DATABASE_URL": database.url, "SECRET_KEY": "run-time-secret-5e2a"}) as running:
        status, _ = get(f"http://127.0.0.1:{running.port}/users/")
        assert status == 500
        assert SSL_ERROR in running.container.logs().decode()


@pytest.mark.parametrize("fix", FIXES)
def test_a_fixed_app_migrates_and_serves_from_postgresql_without_tls(docker_client, images, database, fix):
    image, _ = images[fix]
    env = {"DATABASE_URL": database.url, "SECRET_KEY": "run-time-secret-5e2a"}
    code, output = migrate(docker_client, image, env)
    assert code == 0, output
    assert "Applying auth.0001_initial... OK" in output
    database.query(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)"
        " VALUES ('!', false, 'ada', '', '', '', false, true, now())"
    )
    with run_image(docker_client, image, env=env) as running:
        assert get(f"http://127.0.0.1:{running.port}/users/") == (200, "users: 1")
