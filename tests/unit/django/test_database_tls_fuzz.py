"""Fuzz: any settings source, valid Python or not, gives the lines of TLS-requiring calls or none, never a traceback."""

from __future__ import annotations

from django_buildpack import database_tls
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import ANY_TEXT, LONG, UNICODE, WHITESPACE, app_dir, concatenations

PYTHON = concatenations(
    st.sampled_from(
        [
            "import django_heroku\n", "import django_heroku as dh\n", "from django_heroku import settings as s\n",
            "import django_heroku.core\n", "django_heroku.settings(locals())\n", "dh.settings(locals(), databases=False)\n",
            "s(locals(), databases=x)\n", "s(**kw)\n", "django_heroku.core.settings(locals(), databases=True)\n",
            "DATABASES['default'] = {}\n", "del DATABASES\n", "DATABASES: dict = {}\n", "x = 'sslmode'\n", "x = b'sslmode'\n", "def f():\n",
            "    ", "(", ")", "[", "]", "-", "+1", ".b", "\\\n", "'''", "#", "from . import x\n", "from .. import django_heroku\n",
            "lambda: 0\n", "f(databases=...)\n", "s(databases=None)\n", "s(databases=1)\n",
        ]
    ),
    WHITESPACE, UNICODE, LONG,
    max_size=12,
)
SOURCES = st.one_of(ANY_TEXT, PYTHON, st.sampled_from(["-" * 8000 + "x", "x = 1" + "+1" * 4000, "a" + ".b" * 4000, "(" * 300 + ")" * 300]))


@given(SOURCES)
def test_any_source_gives_lines_or_none(source):
    lines = database_tls.find(source)
    assert lines == sorted(lines)


@given(SOURCES, st.one_of(st.just("mysite.settings"), st.sampled_from(["a" * 300, "x." * 200, "mysite"])))
def test_any_settings_file_is_scanned(source, module):
    with app_dir() as app:
        (app / "mysite").mkdir()
        (app / "mysite" / "settings.py").write_text(source, encoding="utf-8")
        for call in database_tls.scan(app, module, []):
            assert call.line >= 1
