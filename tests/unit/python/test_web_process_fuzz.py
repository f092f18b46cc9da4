"""Fuzz: any source in an app's app.py, and any [project.scripts], give a web process, a warning, or
neither (another buildpack's app), never another exception; a command never holds what the app wrote."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import web_process
from support.fuzz import ANY_TEXT, app_dir

PIECES = st.sampled_from([
    "from flask import Flask\n", "import fastapi\n", "app = Flask(__name__)\n", "app = FastAPI()\n", "application = make()\n",
    "def create_app():\n    return 1\n", "app: X = Y(\n", "app = (", "api = x.y.z()\n", "app = 'x'\n", "app = f()()\n",
    "app, b = Flask(), 1\n", "app = lambda: 1\n", "if True:\n  app = Flask()\n", "\\\n", "(" * 300, "async def create_app(): pass\n",
])
SCRIPTS = st.dictionaries(st.one_of(ANY_TEXT, st.sampled_from(["web", "serve", "x;y", "$(id)", "-v"])),
                          st.one_of(ANY_TEXT, st.integers()), max_size=4)


@given(st.lists(st.one_of(PIECES, ANY_TEXT), max_size=6).map("".join), SCRIPTS,
       st.lists(st.sampled_from(["gunicorn", "uvicorn", "hypercorn", "waitress", "svc"])))
def test_any_source_and_scripts_give_a_decision(source, scripts, installed):
    with app_dir() as app:
        (app / "app.py").write_text(source)
        findings = web_process.find(app, {}, {"project": {"name": "svc", "scripts": scripts}})
        decision = web_process.decide(findings, installed)
        assert (decision.process is None) or decision.warning is None
        if decision.process is not None:
            command = decision.process.command[2]
            for character in ";&|`$<>\n" :
                assert character not in command.replace("${PORT:-8000}", ""), command
