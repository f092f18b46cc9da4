import os
import stat
from pathlib import Path

from cnb.permissions import remove_write_for_others


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_world_writable_root_files_and_folders_lose_only_the_others_write_bit(tmp_path):
    app = tmp_path / "app"
    (app / "pkg" / "sub").mkdir(parents=True)
    (app / "pkg" / "code.py").write_text("x")
    (app / "pkg" / "sub" / "data.txt").write_text("x")
    (app / "kept.txt").write_text("x")
    for path, bits in [(app, 0o777), (app / "pkg", 0o775), (app / "pkg" / "sub", 0o757), (app / "pkg" / "code.py", 0o666),
                       (app / "pkg" / "sub" / "data.txt", 0o646), (app / "kept.txt", 0o640)]:
        path.chmod(bits)
    changed = remove_write_for_others(app)
    assert sorted(map(str, changed)) == [".", "pkg/code.py", "pkg/sub", "pkg/sub/data.txt"]
    assert [mode(app), mode(app / "pkg"), mode(app / "pkg" / "sub")] == [0o775, 0o775, 0o755]
    assert [mode(app / "pkg" / "code.py"), mode(app / "pkg" / "sub" / "data.txt"), mode(app / "kept.txt")] == [0o664, 0o644, 0o640]


def test_links_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file").write_text("x")
    for path in (outside, outside / "file"):
        path.chmod(0o777)
    app = tmp_path / "app"
    app.mkdir(mode=0o755)
    (app / "to-folder").symlink_to(outside)
    (app / "to-file").symlink_to(outside / "file")
    assert remove_write_for_others(app) == []
    assert mode(outside) == mode(outside / "file") == 0o777


def test_nothing_to_change_changes_nothing(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "file").chmod(0o644)
    tmp_path.chmod(0o755)
    assert remove_write_for_others(tmp_path) == []
    assert os.access(tmp_path / "file", os.R_OK)


def test_describe_names_a_few_and_counts_the_rest():
    from cnb.permissions import describe

    assert describe([]) == "No app file is writable by other users"
    assert describe([Path("."), Path("a.py")]) == (
        "Removed write access for other users (the run image's user among them) from the app folder, a.py")
    assert describe([Path(f"{n}.py") for n in range(7)], shown=2).endswith("from 0.py, 1.py and 5 more")


# Writable folders: sticky and world-writable like /tmp, everything the build wrote still protected.

from cnb.permissions import APP_FOLDER, WRITABLE_MODE, WritableFolder, apply, describe_writable, refused  # noqa: E402


def make_app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "myproject").mkdir(parents=True)
    (app / "myproject" / "settings.py").write_text("x")
    (app / "manage.py").write_text("x")
    app.chmod(0o777)  # as pack makes it
    (app / "manage.py").chmod(0o666)
    return app


def test_the_app_folder_becomes_sticky_and_world_writable_and_its_files_lose_the_others_write_bit(tmp_path):
    app = make_app(tmp_path)
    applied = apply(app, [APP_FOLDER])
    assert mode(app) == WRITABLE_MODE == 0o1777
    assert mode(app / "manage.py") == 0o664 and mode(app / "myproject") == 0o755
    assert applied.removed == [Path("manage.py")] and applied.created == [] and applied.writable == [APP_FOLDER]


def test_missing_writable_folders_are_made_with_their_parents(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    os.umask(0o000)  # a platform's careless umask changes nothing
    try:
        applied = apply(app, [APP_FOLDER, WritableFolder(Path("var/media"), "MEDIA_ROOT"),
                              WritableFolder(Path("data"), "SQLite database default")])
    finally:
        os.umask(0o022)
    assert applied.created == [Path("var"), Path("var/media"), Path("data")]
    assert [mode(app / "var"), mode(app / "var/media"), mode(app / "data")] == [0o755, 0o1777, 0o1777]


def test_a_file_the_build_wrote_in_a_writable_folder_stays_protected(tmp_path):
    app = make_app(tmp_path)
    (app / "media").mkdir(mode=0o777)
    (app / "media" / "default.png").write_text("x")
    (app / "media" / "default.png").chmod(0o666)
    apply(app, [APP_FOLDER, WritableFolder(Path("media"), "MEDIA_ROOT")])
    assert mode(app / "media") == 0o1777 and mode(app / "media" / "default.png") == 0o664


def test_applying_twice_gives_the_same_modes(tmp_path):
    app = make_app(tmp_path)
    folders = [APP_FOLDER, WritableFolder(Path("media"), "MEDIA_ROOT")]
    apply(app, folders)
    again = apply(app, folders)
    assert again.removed == [] and again.created == []
    assert mode(app) == mode(app / "media") == 0o1777


def test_the_strict_layout_takes_the_app_folders_write_bits_back(tmp_path):
    app = make_app(tmp_path)
    apply(app, [APP_FOLDER, WritableFolder(Path("media"), "MEDIA_ROOT")])
    changed = remove_write_for_others(app)
    assert sorted(map(str, changed)) == [".", "media"]
    assert mode(app) == 0o1775 and mode(app / "media") == 0o1775  # sticky, and closed to others


def test_folders_that_lead_out_or_are_not_folders_are_refused_and_left_alone(tmp_path):
    app = make_app(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    (app / "linked").symlink_to(outside)
    assert refused(app, Path("linked")) == "it is a link, or leads outside the app"
    assert refused(app, Path("../outside")) == "it is a link, or leads outside the app"
    assert refused(app, Path("linked/media")) == "it is a link, or leads outside the app"
    assert refused(app, Path("manage.py")) == "it is not a folder"
    assert refused(app, Path("media")) is None
    applied = apply(app, [WritableFolder(Path("linked"), "MEDIA_ROOT"), WritableFolder(Path("linked/sub"), "MEDIA_ROOT")])
    assert applied.writable == [] and mode(outside) == 0o755 and not (outside / "sub").exists()


def test_describe_writable_names_each_folder_and_why():
    folders = [APP_FOLDER, WritableFolder(Path("media"), "MEDIA_ROOT"), WritableFolder(Path("."), "SQLite database default")]
    assert describe_writable(Path("/workspace"), folders) == (
        "Writable at run time: /workspace (the app folder, sticky), media/ (MEDIA_ROOT), ./ (SQLite database default)")
    assert describe_writable(Path("/workspace"), []) == "Writable at run time: nothing"


# Replaceable folders: the whole tree open to replacing the build's files, never the app folder.

from cnb.permissions import REPLACEABLE_MODE, describe_replaceable  # noqa: E402

STATIC_ROOT = WritableFolder(Path("staticfiles"), "STATIC_ROOT: collectstatic in the Procfile's web process rewrites it", replaceable=True)


def collected(app: Path) -> Path:
    """What collectstatic leaves: folders and files with the build user's modes."""
    (app / "staticfiles" / "admin" / "css").mkdir(parents=True)
    (app / "staticfiles" / "admin" / "css" / "base.css").write_text("body {}")
    (app / "staticfiles" / "staticfiles.json").write_text("{}")
    (app / "staticfiles" / "admin" / "css" / "base.css").chmod(0o666)
    return app / "staticfiles"


def test_a_replaceable_folder_and_every_folder_in_it_take_entries_from_anyone_and_its_files_stay_closed(tmp_path):
    app = make_app(tmp_path)
    static = collected(app)
    (static / "linked").symlink_to(app / "myproject")
    applied = apply(app, [APP_FOLDER, STATIC_ROOT])
    assert REPLACEABLE_MODE == 0o777
    assert [mode(static), mode(static / "admin"), mode(static / "admin" / "css")] == [0o777] * 3  # no sticky bit
    assert mode(static / "admin" / "css" / "base.css") == 0o664 and mode(static / "staticfiles.json") == 0o644  # others: read only
    assert mode(app) == 0o1777 and mode(app / "myproject") == 0o755  # the code: sticky app folder, closed package
    assert applied.writable == [APP_FOLDER, STATIC_ROOT] and Path("staticfiles/admin/css/base.css") in applied.removed
    again = apply(app, [APP_FOLDER, STATIC_ROOT])
    assert again.removed == [] and mode(static / "admin") == 0o777


def test_a_sticky_folder_inside_a_replaceable_one_stays_sticky(tmp_path):
    app = make_app(tmp_path)
    static = collected(app)
    apply(app, [APP_FOLDER, STATIC_ROOT, WritableFolder(Path("staticfiles/uploads"), "MEDIA_ROOT")])
    assert mode(static / "uploads") == 0o1777 and mode(static / "admin") == 0o777


def test_a_missing_replaceable_folder_is_made(tmp_path):
    app = make_app(tmp_path)
    applied = apply(app, [APP_FOLDER, WritableFolder(Path("static/collected"), "STATIC_ROOT", replaceable=True)])
    assert applied.created == [Path("static"), Path("static/collected")]
    assert mode(app / "static") == 0o755 and mode(app / "static" / "collected") == 0o777


def test_the_app_folder_is_never_replaceable(tmp_path):
    app = make_app(tmp_path)
    assert refused(app, Path("."), replaceable=True) == "it is the app folder itself, which holds the app's code"
    assert refused(app, Path("."), replaceable=False) is None
    applied = apply(app, [WritableFolder(Path("."), "STATIC_ROOT", replaceable=True)])
    assert applied.writable == [] and mode(app) == 0o775 and mode(app / "myproject") == 0o755


def test_describe_keeps_sticky_and_replaceable_folders_apart():
    folders = [APP_FOLDER, STATIC_ROOT]
    assert describe_writable(Path("/workspace"), folders) == "Writable at run time: /workspace (the app folder, sticky)"
    assert describe_replaceable(folders) == (
        "Replaceable at run time: staticfiles/ (STATIC_ROOT: collectstatic in the Procfile's web process rewrites it)")
    assert describe_replaceable([APP_FOLDER]) is None
