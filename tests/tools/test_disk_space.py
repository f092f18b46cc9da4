"""`./pycnb test` warns before the suite when a filesystem it writes to is short of space, once per filesystem."""

import shutil

from pycnb_tools import disk_space


def test_a_filesystem_short_of_space_is_named_once_with_what_to_do(tmp_path):
    (tmp_path / "engine").mkdir()
    free = shutil.disk_usage(tmp_path).free
    lines = disk_space.shortages({"the engine": str(tmp_path / "engine"), "temporary files": str(tmp_path)}, needed=free * 2)
    assert len(lines) == 1
    assert lines[0].startswith(f"only {free / 2**30:.1f} GB free for the engine ({tmp_path / 'engine'})")
    assert "No space left on device" in lines[0] and "docker system prune" in lines[0]


def test_enough_space_or_a_folder_not_on_this_machine_says_nothing(tmp_path):
    assert disk_space.shortages({"temporary files": str(tmp_path)}, needed=1) == []
    assert disk_space.shortages({"a remote engine": "/no/such/folder"}, needed=1) == []
