"""Python web apps that are not Django, built as their frameworks' tutorials leave them (no Procfile):
the image's default web process serves them on $PORT. (The Flask quickstart is built in
test_buildpackages.py, with the python buildpackage named by `pack build --buildpack`.)"""

import pytest

from support.images import pack_build, run_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

# FastAPI's first steps (https://fastapi.tiangolo.com/tutorial/first-steps/), in main.py.
FASTAPI_MAIN = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\n'
                'async def root():\n    return {"message": "Hello World"}\n')


def test_a_fastapi_app_without_a_procfile_is_served_by_uvicorn(docker_client, builder_image, new_image, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text(FASTAPI_MAIN)
    (app / "requirements.txt").write_text("fastapi==0.165.0\nuvicorn==0.55.0\n")
    image = new_image("fastapi")
    built = pack_build(image, app)
    assert built.returncode == 0, built.log
    assert "## Default web process" in built.log
    assert "- web: uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}" in built.log
    assert "main.py defines `app`, made by FastAPI: an ASGI app, served with uvicorn" in built.log
    assert "WARNING" not in built.log
    with run_image(docker_client, image) as running:
        assert running.get("/") == (200, '{"message":"Hello World"}')
