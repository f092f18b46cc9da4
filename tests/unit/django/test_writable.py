"""Which folders a Django app writes to, from its settings: MEDIA_ROOT and SQLite folders inside the app."""

from pathlib import Path

from cnb.permissions import APP_FOLDER, WritableFolder
from django_buildpack import writable
from django_buildpack.settings import Settings


def settings(media_root: str = "", **databases: str) -> Settings:
    return Settings("5.2.8", "myproject.wsgi.application", True, True, "", [], media_root=media_root, sqlite_databases=databases)


def test_startproject_defaults_open_the_app_folder_for_its_sqlite_database(tmp_path):
    result = writable.plan(tmp_path, settings(default=str(tmp_path / "db.sqlite3")))
    assert result.folders == [APP_FOLDER, WritableFolder(Path("."), "SQLite database default")]
    assert result.warnings == []


def test_media_root_and_database_folders_inside_the_app(tmp_path):
    result = writable.plan(tmp_path, settings(str(tmp_path / "media"), default=str(tmp_path / "data" / "db.sqlite3"), cache="cache/other.db"))
    assert result.folders == [APP_FOLDER, WritableFolder(Path("media"), "MEDIA_ROOT"),
                              WritableFolder(Path("data"), "SQLite database default"), WritableFolder(Path("cache"), "SQLite database cache")]


def test_in_memory_databases_need_no_folder(tmp_path):
    result = writable.plan(tmp_path, settings(default=":memory:", other="", uri="file:memdb1?mode=memory&cache=shared"))
    assert result.folders == [APP_FOLDER] and result.warnings == []


def test_a_folder_named_twice_is_opened_once(tmp_path):
    result = writable.plan(tmp_path, settings(str(tmp_path / "data"), default=str(tmp_path / "data" / "db.sqlite3")))
    assert result.folders == [APP_FOLDER, WritableFolder(Path("data"), "MEDIA_ROOT")]


def test_media_root_outside_the_app_warns_with_the_setting_and_the_fix(tmp_path):
    result = writable.plan(tmp_path / "app", settings("/var/www/media"))
    assert result.folders == [APP_FOLDER]
    [(title, body)] = result.warnings
    assert title == "MEDIA_ROOT is outside the app: the app cannot save uploads there at run time"
    assert "MEDIA_ROOT = '/var/www/media'" in body and 'BASE_DIR / "media"' in body


def test_media_root_in_tmp_needs_nothing(tmp_path):
    result = writable.plan(tmp_path / "app", settings("/tmp/media", default="/var/tmp/db.sqlite3"))
    assert result.folders == [APP_FOLDER] and result.warnings == []


def test_sqlite_outside_the_app_warns(tmp_path):
    result = writable.plan(tmp_path / "app", settings(default="/srv/data/db.sqlite3"))
    [(title, _)] = result.warnings
    assert title == "The SQLite database of DATABASES['default']['NAME'] is in a folder outside the app, which the app cannot write to"


def test_a_database_file_in_the_app_at_build_time_warns_that_it_stays_read_only(tmp_path):
    (tmp_path / "db.sqlite3").write_bytes(b"SQLite format 3\x00")
    result = writable.plan(tmp_path, settings(default=str(tmp_path / "db.sqlite3")))
    [(title, body)] = result.warnings
    assert title == "The SQLite database db.sqlite3 is part of the app, so the app can only read it at run time"
    assert "attempt to write a readonly database" in body


def test_a_media_root_that_is_a_file_is_not_opened(tmp_path):
    (tmp_path / "media").write_text("x")
    result = writable.plan(tmp_path, settings(str(tmp_path / "media")))
    assert result.folders == [APP_FOLDER]
    assert result.warnings[0][0] == "MEDIA_ROOT cannot be made writable: media is not a folder"


def test_collectstatic_in_the_procfile_with_a_manifest_storage_warns(tmp_path):
    manifest = Settings("5.2.8", "myproject.wsgi.application", True, True, str(tmp_path / "staticfiles"), [], "", {}, manifest_storage=True)
    [title, body] = writable.collectstatic_at_run_time(["web"], manifest)
    assert title == "The Procfile runs collectstatic at run time (web), which will fail with this static files storage"
    assert "Remove `python manage.py collectstatic` from the Procfile's web process." in body
    plain = Settings("5.2.8", "myproject.wsgi.application", True, True, str(tmp_path / "staticfiles"), [], "", {})
    assert writable.collectstatic_at_run_time(["web"], plain) is None  # it copies nothing: the build's copies are as new
    assert writable.collectstatic_at_run_time([], manifest) is None


def test_relative_paths_are_relative_to_the_project_folder(tmp_path):
    (tmp_path / "backend").mkdir()
    result = writable.plan(tmp_path, settings("media", default="db/app.sqlite3"), tmp_path / "backend")
    assert result.folders == [APP_FOLDER, WritableFolder(Path("backend/media"), "MEDIA_ROOT"),
                              WritableFolder(Path("backend/db"), "SQLite database default")]
