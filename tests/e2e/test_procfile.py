"""Procfile processes through the real pack: web on $PORT, others by name as entrypoints."""

import pytest

from support.apps import FIXTURES, copy_app
from support.images import pack_build, pack_inspect_local, run_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

IMAGE = "pycnb-test/procfile-processes"


@pytest.fixture(scope="module")
def image(builder_image, tmp_path_factory):
    app = copy_app(FIXTURES / "procfile-processes", tmp_path_factory.mktemp("procfile") / "app")
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    assert "- web: gunicorn myproject.wsgi (default)" in result.log
    assert "- release: python manage.py migrate --noinput" in result.log
    return IMAGE


def test_processes_are_in_the_image_with_web_as_default(image):
    local = pack_inspect_local(image)
    assert "web (default)" in local and "-c gunicorn myproject.wsgi" in local
    assert "worker" in local and "release" in local


def test_web_serves_on_port(docker_client, image):
    with run_image(docker_client, image) as running:
        assert running.get("/")[0] == 200


def test_worker_runs_by_name_with_shell_features(docker_client, image):
    output = docker_client.containers.run(image, entrypoint="worker", remove=True).decode()
    assert output.splitlines() == ["worker started, PORT=unset", "django 5.2.8"]


def test_release_migrates_the_real_postgresql(docker_client, image, postgres):
    output = docker_client.containers.run(
        image, entrypoint="release", environment={"DATABASE_URL": postgres.url}, network_mode="host", remove=True,
    ).decode()
    assert "Applying auth.0001_initial... OK" in output
    assert int(postgres.query("SELECT count(*) FROM django_migrations")) >= 18
    assert postgres.query("SELECT to_regclass('public.auth_user')") == "auth_user"
