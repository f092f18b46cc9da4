"""The default web process of a non-Django app: its app object found in the source, served by what the app installs."""

from pathlib import Path

import pytest

from python_buildpack import web_process

FLASK_QUICKSTART = ('from flask import Flask\n\napp = Flask(__name__)\n\n@app.route("/")\ndef hello_world():\n'
                    '    return "<p>Hello, World!</p>"\n')
FASTAPI_MAIN = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef read_root():\n    return {"Hello": "World"}\n'


def make_app(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def decide(folder: Path, installed: list[str], env=None, pyproject=None) -> web_process.Decision:
    return web_process.decide(web_process.find(folder, env or {}, pyproject), installed)


def command(decision: web_process.Decision) -> str:
    assert decision.process is not None, decision
    assert decision.process.type == "web" and decision.process.default and decision.process.command[:2] == ["bash", "-c"]
    return decision.process.command[2]


def test_flask_quickstart_is_served_by_gunicorn(tmp_path):
    decision = decide(make_app(tmp_path, {"app.py": FLASK_QUICKSTART}), ["Flask", "gunicorn", "Werkzeug"])
    assert command(decision) == "exec gunicorn app:app --bind 0.0.0.0:${PORT:-8000}"
    assert decision.log.startswith("web: gunicorn app:app --bind 0.0.0.0:${PORT:-8000}\n")
    assert "app.py defines `app`, made by Flask: a WSGI app, served with gunicorn" in decision.log
    assert decision.warning is None


def test_fastapi_main_is_served_by_uvicorn(tmp_path):
    decision = decide(make_app(tmp_path, {"main.py": FASTAPI_MAIN}), ["fastapi", "uvicorn", "starlette"])
    assert command(decision) == "exec uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}"
    assert "main.py defines `app`, made by FastAPI: an ASGI app, served with uvicorn" in decision.log


def test_fastapi_with_gunicorn_and_uvicorn_uses_uvicorns_worker(tmp_path):
    decision = decide(make_app(tmp_path, {"main.py": FASTAPI_MAIN}), ["fastapi", "uvicorn", "gunicorn"])
    assert command(decision) == "exec gunicorn main:app --worker-class uvicorn.workers.UvicornWorker --bind 0.0.0.0:${PORT:-8000}"


def test_fastapi_with_uvicorn_worker_package_uses_it(tmp_path):
    decision = decide(make_app(tmp_path, {"main.py": FASTAPI_MAIN}), ["fastapi", "uvicorn", "gunicorn", "uvicorn-worker"])
    assert "--worker-class uvicorn_worker.UvicornWorker" in command(decision)


def test_an_asgi_app_is_never_given_plain_gunicorn(tmp_path):
    decision = decide(make_app(tmp_path, {"main.py": FASTAPI_MAIN}), ["fastapi", "gunicorn"])
    assert decision.process is None
    title, body = decision.warning
    assert title == "No server installed for the ASGI app in main.py"
    assert "    web: uvicorn main:app --host 0.0.0.0 --port $PORT\n" in body


def test_a_flask_app_without_a_server_gets_the_procfile_line(tmp_path):
    decision = decide(make_app(tmp_path, {"app.py": FLASK_QUICKSTART}), ["Flask"])
    assert decision.process is None
    title, body = decision.warning
    assert title == "No server installed for the WSGI app in app.py"
    assert "add `gunicorn` to the app's dependencies" in body and "    web: gunicorn app:app --bind 0.0.0.0:$PORT\n" in body


def test_waitress_serves_a_wsgi_app_when_it_is_what_the_app_installs(tmp_path):
    decision = decide(make_app(tmp_path, {"app.py": FLASK_QUICKSTART}), ["flask", "waitress"])
    assert command(decision) == "exec waitress-serve --listen=0.0.0.0:${PORT:-8000} app:app"


@pytest.mark.parametrize(("files", "target", "interface"), [
    ({"wsgi.py": "from myapp import create\napplication = create()\n"}, "wsgi:application", "wsgi"),
    ({"asgi.py": "from myapp import create\napplication = create()\n"}, "asgi:application", "asgi"),
    ({"myapp/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n"}, "myapp:create_app()", "wsgi"),
    ({"service/__init__.py": "", "service/main.py": "import fastapi\napp: fastapi.FastAPI = fastapi.FastAPI(title='x')\n"},
     "service.main:app", "asgi"),
    ({"server.py": "import falcon.asgi\napp = falcon.asgi.App()\n"}, "server:app", "asgi"),
    ({"server.py": "import falcon\napp = falcon.App()\n"}, "server:app", "wsgi"),
    ({"app.py": "from starlette.applications import Starlette\napp = Starlette(routes=[])\n"}, "app:app", "asgi"),
    ({"app.py": "import bottle\napplication = bottle.Bottle()\n"}, "app:application", "wsgi"),
])
def test_app_objects_are_found_by_reading_the_source(tmp_path, files, target, interface):
    findings = web_process.find(make_app(tmp_path, files), {}, None)
    assert [(app.target, app.interface) for app in findings.apps] == [(target, interface)]


def test_a_factory_is_called_by_gunicorn_and_by_uvicorn_with_factory(tmp_path):
    flask = make_app(tmp_path / "flask", {"myapp/__init__.py": "from flask import Flask\ndef create_app():\n    return Flask(__name__)\n"})
    assert command(decide(flask, ["flask", "gunicorn"])) == "exec gunicorn 'myapp:create_app()' --bind 0.0.0.0:${PORT:-8000}"
    fastapi = make_app(tmp_path / "fastapi", {"main.py": "from fastapi import FastAPI\ndef create_app():\n    return FastAPI()\n"})
    assert command(decide(fastapi, ["fastapi", "uvicorn"])) == "exec uvicorn main:create_app --factory --host 0.0.0.0 --port ${PORT:-8000}"


def test_the_source_is_never_imported(tmp_path):
    marker = tmp_path / "imported"
    decision = decide(make_app(tmp_path, {"app.py": f"open({str(marker)!r}, 'w').close()\nfrom flask import Flask\n"
                                          "app = Flask(__name__)\n"}), ["flask", "gunicorn"])
    assert decision.process is not None and not marker.exists()


def test_objects_not_made_by_a_call_or_in_a_function_are_not_apps(tmp_path):
    app = make_app(tmp_path, {"app.py": "app = 'a string'\ndef main():\n    application = Flask(__name__)\n",
                              "main.py": "from x import app\n"})
    assert web_process.find(app, {}, None).apps == []


def test_the_first_file_in_policy_order_wins(tmp_path):
    decision = decide(make_app(tmp_path, {"main.py": FASTAPI_MAIN, "app.py": FLASK_QUICKSTART}),
                      ["flask", "fastapi", "gunicorn", "uvicorn"])
    assert command(decision).startswith("exec gunicorn app:app ")


@pytest.mark.parametrize("files", [{"Procfile": "web: python -m http.server $PORT\n", "app.py": FLASK_QUICKSTART},
                                   {"manage.py": "", "app.py": FLASK_QUICKSTART}, {"backend/manage.py": "", "app.py": FLASK_QUICKSTART}])
def test_procfile_and_django_apps_are_left_to_their_buildpacks(tmp_path, files):
    decision = decide(make_app(tmp_path, files), ["flask", "gunicorn"])
    assert decision == web_process.Decision(None, "")


def test_django_manage_py_named_by_env_var_is_left_to_the_django_buildpack(tmp_path):
    decision = decide(make_app(tmp_path, {"app.py": FLASK_QUICKSTART}), ["flask", "gunicorn"], env={"BP_DJANGO_MANAGE_PY": "src/manage.py"})
    assert decision.process is None and decision.warning is None


PYPROJECT = {"project": {"name": "My_Service", "scripts": {"my-service": "my_service.cli:main"}}}


def test_the_installed_projects_only_script_is_the_web_process(tmp_path):
    decision = decide(make_app(tmp_path, {"README.md": "x"}), ["my-service", "flask"], pyproject=PYPROJECT)
    assert command(decision) == "exec my-service"
    assert "[project.scripts]" in decision.log


def test_a_script_called_web_wins_over_others(tmp_path):
    pyproject = {"project": {"name": "svc", "scripts": {"migrate": "svc:migrate", "web": "svc:serve", "worker": "svc:work"}}}
    assert command(decide(tmp_path, ["svc"], pyproject=pyproject)) == "exec web"


def test_several_scripts_and_none_called_web_are_not_guessed(tmp_path):
    pyproject = {"project": {"name": "svc", "scripts": {"migrate": "svc:migrate", "worker": "svc:work"}}}
    decision = decide(tmp_path, ["svc"], pyproject=pyproject)
    assert decision.process is None and "names several commands (migrate, worker)" in decision.warning[1]


def test_scripts_of_a_project_that_is_not_installed_are_not_on_path(tmp_path):
    decision = decide(tmp_path, ["flask"], pyproject=PYPROJECT)
    assert decision.process is None and decision.warning[0] == "No default web process: add a Procfile"


@pytest.mark.parametrize("name", ["a;rm -rf /", "$(id)", "-x", "two words", ""])
def test_script_names_that_are_not_command_words_are_ignored(tmp_path, name):
    pyproject = {"project": {"name": "svc", "scripts": {name: "svc:main"}}}
    assert decide(tmp_path, ["svc"], pyproject=pyproject).process is None


def test_an_app_with_nothing_to_serve_gets_a_warning_with_the_procfile_lines(tmp_path):
    decision = decide(make_app(tmp_path, {"worker.py": "print('hi')\n"}), [])
    assert decision.process is None and decision.log.startswith("none:")
    title, body = decision.warning
    assert title == "No default web process: add a Procfile"
    assert ("    web: gunicorn myapp:app --bind 0.0.0.0:$PORT\n" in body
            and "    web: uvicorn myapp:app --host 0.0.0.0 --port $PORT\n" in body)


@pytest.mark.parametrize(("content", "said"), [
    ("from flask import Flask\napp = Flask(__name__\n", "app.py, line 2: "),
    (b"app = 1\n\xff\xfe\n", "app.py: app.py is not UTF-8 text"),
    ("x = 1\0\n", "app.py: app.py is not UTF-8 text"),
    ("x = " + "(" * 500 + ")" * 500 + "\n", "app.py"),
])
def test_a_file_that_cannot_be_read_or_parsed_is_skipped_and_named(tmp_path, content, said):
    (tmp_path / "app.py").write_bytes(content if isinstance(content, bytes) else content.encode())
    decision = decide(tmp_path, ["gunicorn"])
    assert decision.process is None
    assert said in decision.warning[1] and "(skipped)" in decision.warning[1]


def test_a_link_out_of_the_app_is_not_read(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").symlink_to("/etc/passwd")
    decision = decide(app, ["gunicorn"])
    assert "root:" not in decision.warning[1] and "app.py: app.py is a link to a file outside the app (skipped)" in decision.warning[1]
