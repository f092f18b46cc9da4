"""The Python buildpack's default web process, run as the lifecycle runs it: what it says when it cannot give one."""

import pytest

from support.lifecycle import run_phase

pytestmark = pytest.mark.docker

FLASK_QUICKSTART = ('from flask import Flask\n\napp = Flask(__name__)\n\n'
                    '@app.route("/")\ndef hello_world():\n    return "<p>Hello, World!</p>"\n')


@pytest.fixture(scope="module")
def staged(builder_image):
    return builder_image


def build(docker_client, tmp_path, files):
    app = tmp_path / "app"
    app.mkdir()
    for name, text in files.items():
        (app / name).write_text(text)
    return run_phase(docker_client, "python", "build", app, tmp_path / "work")


def test_a_flask_app_whose_dependencies_lack_a_server_gets_the_procfile_line(docker_client, staged, tmp_path):
    # Nothing installed (the empty requirements): the quickstart's app is found, and nothing can serve it.
    result = build(docker_client, tmp_path, {"requirements.txt": "", "app.py": FLASK_QUICKSTART})
    assert result.exit_code == 0, result.output
    assert "## Default web process\n\n- none: the image has no default process (see the warning below)" in result.output
    assert "! WARNING: No server installed for the WSGI app in app.py" in result.output
    assert "!     web: gunicorn app:app --bind 0.0.0.0:$PORT" in result.output
    assert not (result.layers / "pycnb_python" / "launch.toml").exists()


def test_an_app_with_nothing_to_serve_builds_with_a_warning(docker_client, staged, tmp_path):
    result = build(docker_client, tmp_path, {"requirements.txt": "", "worker.py": "print('working')\n"})
    assert result.exit_code == 0, result.output
    assert "! WARNING: No default web process: add a Procfile" in result.output
    assert "!     web: uvicorn myapp:app --host 0.0.0.0 --port $PORT" in result.output
    assert "Traceback" not in result.output


def test_a_procfile_app_is_left_to_the_procfile_buildpack(docker_client, staged, tmp_path):
    result = build(docker_client, tmp_path,
                   {"requirements.txt": "", "app.py": FLASK_QUICKSTART, "Procfile": "web: python -m http.server $PORT\n"})
    assert result.exit_code == 0, result.output
    assert "Default web process" not in result.output and "WARNING: No" not in result.output
