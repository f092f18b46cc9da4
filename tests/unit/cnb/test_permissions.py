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
    assert describe([Path("."), Path("a.py")]) == "Removed write access for other users (the run image's user among them) from the app folder, a.py"
    assert describe([Path(f"{n}.py") for n in range(7)], shown=2).endswith("from 0.py, 1.py and 5 more")
