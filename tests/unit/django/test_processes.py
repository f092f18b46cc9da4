"""The default processes: gunicorn on WSGI_APPLICATION and migrate, run from the project folder."""

from django_buildpack import processes


def test_processes_of_a_project_at_the_app_root_run_in_the_app():
    web, migrate = processes.default_processes("myproject.wsgi.application", "manage.py")
    assert web.command[-1] == "exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000}" and web.default
    assert migrate.command[-1] == "exec python manage.py migrate --noinput"
    assert "working-dir" not in web.to_toml() and "working-dir" not in migrate.to_toml()


def test_processes_of_a_nested_project_run_in_its_folder():
    web, migrate = processes.default_processes("mysite.wsgi.application", "manage.py", "/workspace/backend")
    assert web.to_toml()["working-dir"] == migrate.to_toml()["working-dir"] == "/workspace/backend"
    assert migrate.command[-1] == "exec python manage.py migrate --noinput"


def test_with_a_sqlite_database_in_the_container_web_migrates_first_and_says_so():
    web, migrate = processes.default_processes("mysite.wsgi.application", "manage.py", migrate_first=True)
    assert web.command[-1] == (
        "echo 'pycnb/django: migrating the SQLite database before gunicorn starts"
        " (build with BP_DJANGO_MIGRATE_AT_LAUNCH=false to skip)' >&2"
        " && python manage.py migrate --noinput && exec gunicorn mysite.wsgi:application --bind 0.0.0.0:${PORT:-8000}")
    assert web.default and migrate.command[-1] == "exec python manage.py migrate --noinput"
