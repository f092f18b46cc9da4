"""Finding django_heroku.settings() calls that will require TLS of the database, from the settings' source."""

import pytest

from django_buildpack import database_tls, messages

WARNS = {
    "the call startproject tutorials add": "import django_heroku\nDEBUG = False\ndjango_heroku.settings(locals())\n",
    "an alias of the module": "import django_heroku as dh\ndh.settings(locals())\n",
    "the function imported": "from django_heroku import settings\nsettings(locals())\n",
    "the function imported under another name": "from django_heroku import settings as heroku_settings\nheroku_settings(locals())\n",
    "the core module": "import django_heroku.core\ndjango_heroku.core.settings(locals())\n",
    "databases turned on explicitly": "import django_heroku\ndjango_heroku.settings(locals(), databases=True)\n",
    "other options turned off": "import django_heroku\ndjango_heroku.settings(locals(), staticfiles=False, logging=False)\n",
    "a call inside an if": "import os, django_heroku\nif 'DYNO' in os.environ:\n    django_heroku.settings(locals())\n",
    "DATABASES changed only before the call": "import django_heroku\nDATABASES = {}\ndjango_heroku.settings(locals())\n",
}
SILENT = {
    "no call": "import os\nDATABASES = {}\n",
    "only the import": "import django_heroku\n",
    "databases=False": "import django_heroku\ndjango_heroku.settings(locals(), databases=False)\n",
    "databases=0": "import django_heroku as dh\ndh.settings(locals(), databases=0)\n",
    "a databases= we cannot evaluate": "import os, django_heroku\ndjango_heroku.settings(locals(), databases=not os.environ.get('X'))\n",
    "options passed through **kwargs": "import django_heroku\nOPTIONS = {}\ndjango_heroku.settings(locals(), **OPTIONS)\n",
    "sslmode removed after the call": 'import django_heroku\ndjango_heroku.settings(locals())\n'
                                      'DATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)\n',
    "the sslmode deleted after the call": "import django_heroku\ndjango_heroku.settings(locals())\n"
                                          "del DATABASES['default']['OPTIONS']['sslmode']\n",
    "DATABASES replaced after the call": "import django_heroku, dj_database_url\ndjango_heroku.settings(locals())\n"
                                         "DATABASES['default'] = dj_database_url.config(ssl_require=False)\n",
    "another module's settings function": "from django.conf import settings\nsettings.configure()\n",
    "a syntax error (importing the settings reports it)": "import django_heroku\ndjango_heroku.settings(locals()\n",
}


@pytest.mark.parametrize("source", WARNS.values(), ids=WARNS.keys())
def test_calls_with_the_database_handling_on_are_found(source):
    assert database_tls.find(source) == [source.splitlines().index(next(line for line in source.splitlines() if "settings(" in line)) + 1]


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_nothing_is_found_without_a_call_that_certainly_requires_tls(source):
    assert database_tls.find(source) == []


def test_scan_names_the_file_line_and_code_of_the_settings_module(tmp_path):
    (tmp_path / "myproject").mkdir()
    (tmp_path / "myproject" / "settings.py").write_text("import django_heroku\n\ndjango_heroku.settings(locals())  # heroku\n")
    assert database_tls.scan(tmp_path, "myproject.settings", []) == [
        database_tls.TlsRequiringCall("myproject/settings.py", 3, "django_heroku.settings(locals())  # heroku")
    ]


def test_scan_reads_the_modules_the_settings_loaded_but_nothing_outside_the_app(tmp_path):
    app, outside = tmp_path / "app", tmp_path / "outside.py"
    (app / "config" / "settings").mkdir(parents=True)
    (app / "config" / "settings" / "production.py").write_text("from .base import *\n")
    (app / "config" / "settings" / "base.py").write_text("import django_heroku\ndjango_heroku.settings(locals())\n")
    outside.write_text("import django_heroku\ndjango_heroku.settings(locals())\n")
    (app / "linked.py").symlink_to(outside)
    loaded = [str(app / "config" / "settings" / name) for name in ("production.py", "base.py")] + [str(outside), str(app / "linked.py")]
    assert [(c.file, c.line) for c in database_tls.scan(app, "config.settings.production", loaded)] == [("config/settings/base.py", 2)]


def test_scan_of_a_settings_package_without_a_file_finds_nothing(tmp_path):
    assert database_tls.scan(tmp_path, "missing.settings", []) == []


def test_the_warning_names_where_and_both_fixes():
    title, body = messages.database_requires_tls([("myproject/settings.py", 128, "django_heroku.settings(locals())")])
    assert "sslmode=require" in title
    assert "myproject/settings.py, line 128: django_heroku.settings(locals())" in body
    assert 'DATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)' in body
    assert "django_heroku.settings(locals(), databases=False)" in body
    # Each fix the warning gives is one the scan then accepts.
    for fix in ('DATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)',
                'DATABASES = {"default": dj_database_url.config(conn_max_age=600, ssl_require=False)}'):
        assert database_tls.find(f"import django_heroku, dj_database_url\ndjango_heroku.settings(locals())\n{fix}\n") == []
    assert database_tls.find("import django_heroku\ndjango_heroku.settings(locals(), databases=False)\n") == []


def test_a_settings_module_too_long_for_the_system_has_no_file(tmp_path):  # found by the fuzz tests: an OSError
    assert database_tls.scan(tmp_path, "a" * 300, []) == []


# Found by the fuzz tests: ast.parse gave up with a RecursionError or a MemoryError.
@pytest.mark.parametrize("source", ["-" * 8000 + "x", "x = 1" + "+1" * 4000, "a" + ".b" * 4000])
def test_a_source_nested_too_deeply_to_parse_gives_nothing(source):
    assert database_tls.find("import django_heroku\ndjango_heroku.settings(locals())\n" + source) == []
