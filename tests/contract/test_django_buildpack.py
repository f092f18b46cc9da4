"""The staged Django buildpack run as the lifecycle runs it, after the Python buildpack."""

import shutil
import stat
import tomllib

import pytest

from support.apps import FIXTURES, ROOT, copy_app, nest_in_backend
from support.lifecycle import run_phase
from support.logs import summary_value

pytestmark = pytest.mark.docker

APP = FIXTURES / "django-heroku"
# What the lifecycle gives the next buildpack from the Python buildpack's build layers.
AFTER_PYTHON = {
    "VIRTUAL_ENV": "/layers/pycnb_python/venv",
    "PATH": "/layers/pycnb_python/venv/bin:/layers/pycnb_python/python/bin:/usr/local/bin:/usr/bin:/bin",
    "PYTHONUNBUFFERED": "1",
}


@pytest.fixture(scope="module")
def python_layers(docker_client, builder_image, tmp_path_factory):
    """The Python buildpack's layers for the django-heroku app, built once."""
    work = tmp_path_factory.mktemp("django-contract")
    from pycnb_tools import app as tooling

    binding = tooling.write_ca_binding(work / "bindings", [tooling.HOST_CA_BUNDLE]).parent
    result = run_phase(docker_client, "python", "build", copy_app(APP, work / "app"), work / "work", bindings=binding, network="host")
    assert result.exit_code == 0, result.output
    return work / "work"


def build_django(docker_client, python_layers, app, env=None):
    shutil.rmtree(python_layers / "layers" / "pycnb_django", ignore_errors=True)
    return run_phase(docker_client, "django", "build", app, python_layers, env={**AFTER_PYTHON, **(env or {})})


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_detect_asks_python_for_gunicorn_and_django_heroku_when_missing(docker_client, builder_image, tmp_path):
    app = copy_app(FIXTURES / "django-no-procfile", tmp_path / "app")
    result = run_phase(docker_client, "django", "detect", app, tmp_path / "work")
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.plan.read_text()) == {
        "requires": [{"name": "python", "metadata": {"packages": ["gunicorn==27.0.1", "django-heroku==0.3.1"]}}]
    }


def test_detect_adds_nothing_the_user_pinned_or_when_turned_off(docker_client, builder_image, tmp_path):
    assert tomllib.loads(run_phase(docker_client, "django", "detect", APP, tmp_path / "pinned").plan.read_text()) == {
        "requires": [{"name": "python"}]}
    off = run_phase(docker_client, "django", "detect", FIXTURES / "django-no-procfile", tmp_path / "off",
                    env={"BP_DJANGO_AUTO_INSTALL": "false"})
    assert tomllib.loads(off.plan.read_text()) == {"requires": [{"name": "python"}]}


def test_detect_says_why_without_manage_py(docker_client, builder_image, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    (app / "manage.py").unlink()
    result = run_phase(docker_client, "django", "detect", app, tmp_path / "work")
    assert result.exit_code == 100
    assert result.output.strip() == ("pycnb/django: Django is declared but manage.py is missing (at the top or one folder down); "
                                     "set BP_DJANGO_MANAGE_PY to its path in the app")


LOCKS = ROOT / "tests" / "fixtures" / "locks"


def lock_app(app_dir, lock):
    """The django-no-procfile project with the dependency files of tests/fixtures/locks/<lock> instead of requirements.txt."""
    app = copy_app(FIXTURES / "django-no-procfile", app_dir)
    (app / "requirements.txt").unlink()
    shutil.copytree(LOCKS / lock, app, dirs_exist_ok=True)
    return app


@pytest.mark.parametrize("lock", ["uv", "poetry", "pipenv"])
def test_detect_finds_django_in_each_lock_file(docker_client, builder_image, tmp_path, lock):
    result = run_phase(docker_client, "django", "detect", lock_app(tmp_path / "app", lock), tmp_path / "work")
    assert result.exit_code == 0, result.output
    # gunicorn is pinned in each lock's main dependencies.
    assert tomllib.loads(result.plan.read_text()) == {"requires": [{"name": "python", "metadata": {"packages": ["django-heroku==0.3.1"]}}]}


@pytest.mark.parametrize("lock", ["uv-django-dev-only", "poetry-django-dev-only", "pipenv-django-dev-only"])
def test_detect_fails_quietly_when_django_is_only_a_dev_dependency(docker_client, builder_image, tmp_path, lock):
    result = run_phase(docker_client, "django", "detect", lock_app(tmp_path / "app", lock), tmp_path / "work")
    assert (result.exit_code, result.output.strip()) == (100, "")


def test_build_collects_static_files_and_writes_processes(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    result = build_django(docker_client, python_layers, app)
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "collectstatic") == "run"
    assert "static files copied to '/workspace/staticfiles'" in result.output
    launch = tomllib.loads((python_layers / "layers" / "pycnb_django" / "launch.toml").read_text())
    assert [(p["type"], p["command"][-1], p["default"]) for p in launch["processes"]] == [
        ("web", "exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000}", True),
        ("migrate", "exec python manage.py migrate --noinput", False),
    ]
    execd = python_layers / "layers" / "pycnb_django" / "web-concurrency" / "exec.d" / "web-concurrency"
    assert execd.stat().st_mode & 0o111


@pytest.mark.parametrize(("env", "reason"), [
    ({"DISABLE_COLLECTSTATIC": "1"}, "turned off by DISABLE_COLLECTSTATIC=1"),
    ({"BP_DJANGO_COLLECTSTATIC": "false"}, "turned off by BP_DJANGO_COLLECTSTATIC=false"),
])
def test_collectstatic_turned_off_by_each_switch(docker_client, python_layers, tmp_path, env, reason):
    result = build_django(docker_client, python_layers, copy_app(APP, tmp_path / "app"), env)
    assert result.exit_code == 0, result.output
    assert f"- Skipping collectstatic: {reason}" in result.output
    assert "Running:" not in result.output


def test_collectstatic_skipped_without_static_root(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    edit(app / "myproject" / "settings.py", "django_heroku.settings(locals())", "django_heroku.settings(locals(), staticfiles=False)")
    result = build_django(docker_client, python_layers, app)
    assert result.exit_code == 0, result.output
    assert ('- Skipping collectstatic: STATIC_ROOT is not set. To have static files collected, '
            'add to the settings: STATIC_ROOT = BASE_DIR / "staticfiles"') in result.output


FAILURES = [
    ("env var only at run time", ("SECRET_KEY = 'django-insecure", "SECRET_KEY = os.environ['SECRET_KEY'] or 'django-insecure"), {},
     "! ERROR: Importing the settings failed: the settings need SECRET_KEY, which is not set at build time"),
    ("manifest storage, missing file", None, {},
     "! ERROR: collectstatic failed: a static file is referenced but missing: img/missing.png"),
    ("ImproperlyConfigured", ("django_heroku.settings(locals())", "django_heroku.settings(locals())\nSTATIC_URL = ''"), {},
     "! ERROR: collectstatic failed: Django says the settings are improperly configured"),
    ("system check", ("django_heroku.settings(locals())", "django_heroku.settings(locals())\nSTATICFILES_DIRS = [STATIC_ROOT]"), {},
     "! ERROR: collectstatic failed: Django's system checks found errors"),
    ("import error", ("import django_heroku", "import django_heroku\nimport celery_not_installed"), {},
     "! ERROR: Importing the settings failed: the app imports celery_not_installed, which is not installed"),
    ("syntax error", ("DEBUG = True", "DEBUG = = True"), {},
     "! ERROR: Importing the settings failed: a syntax error in settings.py, line"),
    ("settings module not importable", None, {"DJANGO_SETTINGS_MODULE": "myproject.settingz"},
     "! ERROR: Importing the settings failed: the settings module myproject.settingz cannot be imported"),
    ("WSGI_APPLICATION points nowhere", ("'myproject.wsgi.application'", "'myproject.wsgy.application'"), {},
     "! ERROR: WSGI_APPLICATION points to a module that does not exist: myproject.wsgy.application"),
]


@pytest.mark.parametrize(("name", "settings_edit", "env", "message"), FAILURES, ids=[f[0] for f in FAILURES])
def test_failure_causes_are_diagnosed(docker_client, python_layers, tmp_path, name, settings_edit, env, message):
    app = copy_app(APP, tmp_path / "app")
    if settings_edit:
        edit(app / "myproject" / "settings.py", *settings_edit)
    if name == "manifest storage, missing file":
        (app / "static" / "css").mkdir(parents=True)
        (app / "static" / "css" / "site.css").write_text("body { background: url('../img/missing.png'); }\n")
        edit(app / "myproject" / "settings.py", "django_heroku.settings(locals())", "django_heroku.settings(locals())\n"
             "STATICFILES_DIRS = [BASE_DIR / 'static']\n"
             "STORAGES = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},\n"
             "            'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}")
    result = build_django(docker_client, python_layers, app, env)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "To fix this:" in result.output


def test_debug_collectstatic_prints_the_environment_with_secrets_masked(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    result = build_django(docker_client, python_layers, app,
                          {"DEBUG_COLLECTSTATIC": "1", "SECRET_KEY": "s3cr3t-build-only-key", "DATABASE_URL": "postgres://u:pw-x1@db/app"})
    assert result.exit_code == 0, result.output
    assert "    SECRET_KEY=****" in result.output and "    DATABASE_URL=****" in result.output
    assert "s3cr3t-build-only-key" not in result.output and "pw-x1" not in result.output


def test_media_root_and_the_sqlite_folder_take_new_files_at_run_time(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    edit(app / "myproject" / "settings.py", "django_heroku.settings(locals())",
         "django_heroku.settings(locals())\nMEDIA_ROOT = BASE_DIR / 'var' / 'media'")
    result = build_django(docker_client, python_layers, app)
    assert result.exit_code == 0, result.output
    assert "- Created var/\n" in result.output and "- Created var/media/\n" in result.output
    assert ("- Writable at run time: /workspace (the app folder, sticky), var/media/ (MEDIA_ROOT), "
            "./ (SQLite database default)\n") in result.output
    modes = {name: stat.S_IMODE((app / name).stat().st_mode) for name in (".", "var", "var/media", "manage.py", "staticfiles")}
    assert modes == {".": 0o1777, "var": 0o755, "var/media": 0o1777, "manage.py": 0o755, "staticfiles": 0o755}


def test_with_bp_app_read_only_no_folder_is_opened(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    edit(app / "myproject" / "settings.py", "django_heroku.settings(locals())",
         "django_heroku.settings(locals())\nMEDIA_ROOT = BASE_DIR / 'media'")
    result = build_django(docker_client, python_layers, app, {"BP_APP_READ_ONLY": "true"})
    assert result.exit_code == 0, result.output
    assert "- BP_APP_READ_ONLY=true: MEDIA_ROOT and SQLite folders are not made writable\n" in result.output
    assert "Writable at run time" not in result.output and not (app / "media").exists()
    assert not app.stat().st_mode & stat.S_IWOTH


TUTORIAL_PROCFILE = "web: python manage.py migrate && python manage.py collectstatic --no-input && gunicorn myproject.wsgi\n"


def test_collectstatic_in_the_procfile_makes_static_root_replaceable_for_that_process(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    (app / "Procfile").write_text(TUTORIAL_PROCFILE + "worker: python -m http.server\n")
    result = build_django(docker_client, python_layers, app)
    assert result.exit_code == 0, result.output
    assert "- Writable at run time: /workspace (the app folder, sticky), ./ (SQLite database default)\n" in result.output
    assert ("- Replaceable at run time: staticfiles/ (STATIC_ROOT: collectstatic in the Procfile's web process rewrites it)\n"
            in result.output)
    assert "- At the start of the Procfile's web process, the app's user takes over the files the build wrote there" in result.output
    folders = [path for path in (app / "staticfiles").rglob("*") if path.is_dir()]
    assert folders and {stat.S_IMODE(path.stat().st_mode) for path in [app / "staticfiles", *folders]} == {0o777}
    assert {stat.S_IMODE(path.stat().st_mode) & 0o022 for path in (app / "staticfiles").rglob("*") if path.is_file()} == {0}
    assert stat.S_IMODE((app / "myproject").stat().st_mode) == 0o755
    layer = python_layers / "layers" / "pycnb_django" / "replaceable-files"
    assert sorted(str(path.relative_to(layer)) for path in layer.rglob("*") if path.is_file()) == [
        "exec.d/web/own-replaceable-files", "folders.json"]  # the worker does not take the files over
    assert "/workspace/staticfiles" in (layer / "folders.json").read_text()


def test_without_a_procfile_the_default_web_migrates_the_sqlite_database_first(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    (app / "Procfile").unlink()
    result = build_django(docker_client, python_layers, app)
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "Web process") == "migrate, then gunicorn myproject.wsgi:application"
    assert ("- web migrates the SQLite database db.sqlite3 before gunicorn starts: each new container's database is empty "
            "(build with BP_DJANGO_MIGRATE_AT_LAUNCH=false to skip)\n") in result.output
    launch = tomllib.loads((python_layers / "layers" / "pycnb_django" / "launch.toml").read_text())
    web = launch["processes"][0]["command"][-1]
    assert web.endswith(" && python manage.py migrate --noinput && exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000}")
    assert not (python_layers / "layers" / "pycnb_django" / "replaceable-files.toml").exists()

    off = build_django(docker_client, python_layers, app, {"BP_DJANGO_MIGRATE_AT_LAUNCH": "false"})
    assert off.exit_code == 0, off.output
    assert summary_value(off.output, "Web process") == "gunicorn myproject.wsgi:application"
    assert "- web does not migrate the SQLite database db.sqlite3 first (BP_DJANGO_MIGRATE_AT_LAUNCH=false)" in off.output
    launch = tomllib.loads((python_layers / "layers" / "pycnb_django" / "launch.toml").read_text())
    assert launch["processes"][0]["command"][-1] == "exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000}"


TLS_WARNING = "! WARNING: django-heroku will require TLS of the database (sslmode=require)"
HEROKU_CALL = "django_heroku.settings(locals())"


def test_build_warns_where_django_heroku_will_require_tls_of_the_database(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    line = (app / "myproject" / "settings.py").read_text().splitlines().index(HEROKU_CALL) + 1
    result = build_django(docker_client, python_layers, app, {"DISABLE_COLLECTSTATIC": "1"})
    assert result.exit_code == 0, result.output
    assert f"{TLS_WARNING}\n!   myproject/settings.py, line {line}: {HEROKU_CALL}\n" in result.output


def test_the_tls_warning_is_given_when_the_settings_cannot_be_imported_at_build_time(docker_client, python_layers, tmp_path):
    app = copy_app(APP, tmp_path / "app")
    edit(app / "myproject" / "settings.py", "SECRET_KEY = 'django-insecure", "SECRET_KEY = os.environ['SECRET_KEY'] or 'django-insecure")
    result = build_django(docker_client, python_layers, app, {"DISABLE_COLLECTSTATIC": "1"})
    assert result.exit_code == 0, result.output
    assert "! WARNING: The settings (myproject.settings) cannot be imported at build time" in result.output
    assert TLS_WARNING in result.output and f": {HEROKU_CALL}\n" in result.output


@pytest.mark.parametrize("settings_edit", [
    (HEROKU_CALL, HEROKU_CALL + '\nDATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)'),
    (HEROKU_CALL, "django_heroku.settings(locals(), databases=False)"),
], ids=["sslmode dropped after the call", "databases=False"])
def test_no_tls_warning_once_the_settings_take_the_fix(docker_client, python_layers, tmp_path, settings_edit):
    app = copy_app(APP, tmp_path / "app")
    edit(app / "myproject" / "settings.py", *settings_edit)
    result = build_django(docker_client, python_layers, app, {"DISABLE_COLLECTSTATIC": "1"})
    assert result.exit_code == 0, result.output
    assert "sslmode" not in result.output


def test_a_project_nested_behind_links_is_imported_and_collected_from_its_folder(docker_client, python_layers, tmp_path):
    # The backend/frontend layout: manage.py -> backend/manage.py, requirements.txt -> backend/requirements.txt.
    app = nest_in_backend(copy_app(APP, tmp_path / "app"))
    detect = run_phase(docker_client, "django", "detect", app, tmp_path / "detect")
    assert detect.exit_code == 0, detect.output
    result = build_django(docker_client, python_layers, app)
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "Project") == "backend/ (manage.py leads to backend/manage.py)"
    assert summary_value(result.output, "collectstatic") == "run"
    assert "static files copied to '/workspace/backend/staticfiles'" in result.output
    assert (app / "backend" / "staticfiles").is_dir() and not (app / "staticfiles").exists()
    launch = tomllib.loads((python_layers / "layers" / "pycnb_django" / "launch.toml").read_text())
    assert [(p["type"], p["command"][-1], p.get("working-dir")) for p in launch["processes"]] == [
        ("web", "exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000}", "/workspace/backend"),
        ("migrate", "exec python manage.py migrate --noinput", "/workspace/backend"),
    ]


def test_a_nested_project_named_by_bp_django_manage_py_says_which_file_it_runs(docker_client, python_layers, tmp_path):
    app = nest_in_backend(copy_app(APP, tmp_path / "app"))
    (app / "manage.py").unlink()
    (app / "run.py").symlink_to("backend/manage.py")
    result = build_django(docker_client, python_layers, app, {"BP_DJANGO_MANAGE_PY": "run.py"})
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "Project") == "backend/ (run.py leads to backend/manage.py)"
