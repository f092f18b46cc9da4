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
    result = writable.plan(tmp_path, settings(str(tmp_path / "media"), default=str(tmp_path / "data" / "db.sqlite3"),
                                              cache="cache/other.db"))
    assert result.folders == [APP_FOLDER, WritableFolder(Path("media"), "MEDIA_ROOT"),
                              WritableFolder(Path("data"), "SQLite database default"),
                              WritableFolder(Path("cache"), "SQLite database cache")]


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


def static(tmp_path, static_root: str = "staticfiles", module_files=(), manifest=True, **databases) -> Settings:
    return Settings("5.2.8", "myproject.wsgi.application", True, True, str(tmp_path / static_root) if static_root else "",
                    list(module_files), "", databases, manifest_storage=manifest)


STATIC_REASON = "STATIC_ROOT: collectstatic in the Procfile's web process rewrites it"


def test_collectstatic_in_the_procfile_makes_static_root_replaceable(tmp_path):
    result = writable.plan(tmp_path, static(tmp_path, module_files=[str(tmp_path / "myproject" / "settings.py")]),
                           collectstatic_processes=["web"])
    assert result.folders == [APP_FOLDER, WritableFolder(Path("staticfiles"), STATIC_REASON, replaceable=True)]
    assert result.warnings == []
    two = writable.plan(tmp_path, static(tmp_path), collectstatic_processes=["web", "release"])
    assert two.folders[-1].reason == "STATIC_ROOT: collectstatic in the Procfile's web, release processes rewrites it"


def test_without_collectstatic_in_the_procfile_static_root_stays_read_only(tmp_path):
    assert writable.plan(tmp_path, static(tmp_path), collectstatic_processes=[]).folders == [APP_FOLDER]
    assert writable.plan(tmp_path, static(tmp_path, static_root=""), collectstatic_processes=["web"]).folders == [APP_FOLDER]


def test_a_static_root_holding_the_apps_code_is_not_made_replaceable(tmp_path):
    settings_file = tmp_path / "myproject" / "settings.py"
    result = writable.plan(tmp_path, static(tmp_path, "myproject", module_files=[str(settings_file)]), collectstatic_processes=["web"])
    assert result.folders == [APP_FOLDER]
    [(title, body)] = result.warnings
    assert title == ("STATIC_ROOT (myproject) holds the app's code (myproject/settings.py), so collectstatic in the Procfile's web process"
                     " cannot rewrite it")
    assert 'STATIC_ROOT = BASE_DIR / "staticfiles"' in body
    [(title, _)] = writable.plan(tmp_path, static(tmp_path, "."), collectstatic_processes=["web"]).warnings
    assert title.startswith("STATIC_ROOT (.) holds the app's code (the project folder, manage.py's)")


def test_a_static_root_outside_the_app_warns_unless_under_tmp(tmp_path):
    outside = Settings("5.2.8", "myproject.wsgi.application", True, True, "/srv/static", [], "", {})
    [(title, body)] = writable.plan(tmp_path, outside, collectstatic_processes=["web"]).warnings
    assert title == "STATIC_ROOT is outside the app: collectstatic in the Procfile's web process cannot write there at run time"
    assert "STATIC_ROOT = '/srv/static'" in body
    in_tmp = Settings("5.2.8", "myproject.wsgi.application", True, True, "/tmp/static", [], "", {})
    assert writable.plan(tmp_path, in_tmp, collectstatic_processes=["web"]).warnings == []


def test_collectstatic_in_the_procfile_of_a_read_only_app_with_a_manifest_storage_warns(tmp_path):
    [title, body] = writable.collectstatic_at_run_time(["web"], static(tmp_path))
    assert title == "collectstatic in the Procfile's web process will fail with this static files storage and BP_APP_READ_ONLY=true"
    assert "Remove `python manage.py collectstatic` from the Procfile's web process, or build without BP_APP_READ_ONLY." in body
    assert writable.collectstatic_at_run_time(["web"], static(tmp_path, manifest=False)) is None  # it copies nothing
    assert writable.collectstatic_at_run_time([], static(tmp_path)) is None


def test_the_default_sqlite_database_is_migrated_at_launch_when_the_container_can_create_it(tmp_path):
    startproject = settings(default=str(tmp_path / "db.sqlite3"))
    opened = writable.plan(tmp_path, startproject).folders
    assert writable.default_sqlite_at_run_time(tmp_path, startproject, None, opened) == tmp_path / "db.sqlite3"
    nested = settings(default="db.sqlite3")
    (tmp_path / "backend").mkdir()
    opened = writable.plan(tmp_path, nested, tmp_path / "backend").folders
    assert writable.default_sqlite_at_run_time(tmp_path, nested, tmp_path / "backend", opened) == tmp_path / "backend" / "db.sqlite3"
    in_tmp = settings(default="/tmp/db.sqlite3")
    assert writable.default_sqlite_at_run_time(tmp_path, in_tmp, None, []) == Path("/tmp/db.sqlite3")


def test_no_migrate_at_launch_for_other_databases_or_one_the_container_cannot_create(tmp_path):
    assert writable.default_sqlite_at_run_time(tmp_path, settings(), None, [APP_FOLDER]) is None  # PostgreSQL, MySQL...
    assert writable.default_sqlite_at_run_time(tmp_path, settings(other=str(tmp_path / "o.db")), None, [APP_FOLDER]) is None
    assert writable.default_sqlite_at_run_time(tmp_path, settings(default=":memory:"), None, [APP_FOLDER]) is None
    startproject = settings(default=str(tmp_path / "db.sqlite3"))
    assert writable.default_sqlite_at_run_time(tmp_path, startproject, None, []) is None  # BP_APP_READ_ONLY
    assert writable.default_sqlite_at_run_time(tmp_path, settings(default="/srv/db.sqlite3"), None, [APP_FOLDER]) is None
    (tmp_path / "db.sqlite3").write_bytes(b"SQLite format 3\x00")  # part of the app: read-only
    assert writable.default_sqlite_at_run_time(tmp_path, startproject, None, [APP_FOLDER]) is None


def test_relative_paths_are_relative_to_the_project_folder(tmp_path):
    (tmp_path / "backend").mkdir()
    result = writable.plan(tmp_path, settings("media", default="db/app.sqlite3"), tmp_path / "backend")
    assert result.folders == [APP_FOLDER, WritableFolder(Path("backend/media"), "MEDIA_ROOT"),
                              WritableFolder(Path("backend/db"), "SQLite database default")]
