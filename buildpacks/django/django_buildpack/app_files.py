"""Reading the app's files leniently, as detect must: only from inside the app, of a sane size; anything else is not read."""

from __future__ import annotations

import os
from pathlib import Path

# The Python buildpack refuses larger files (python_buildpack/app_files.py): its build says what is
# wrong with them, so ours do not read them at all.
MAX_FILE_BYTES = 10 * 1024 * 1024


def inside_app(path: Path, app_dir: Path) -> bool:
    """Whether `path`, links resolved, is in the app (os.path.realpath does not raise on a link loop)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(app_dir))


def is_file(path: Path) -> bool:
    """Path.is_file, but False for a name the system refuses to look up (over 255 bytes a part
    or 4096 in all, ENAMETOOLONG), where pathlib raises."""
    try:
        return path.is_file()
    except OSError:
        return False


def read_text(path: Path, app_dir: Path) -> str | None:
    """The file's text (undecodable bytes replaced, no byte-order mark), or None for a file that is
    missing, a link out of the app, larger than MAX_FILE_BYTES, or unreadable."""
    if not is_file(path) or not inside_app(path, app_dir):
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
    except OSError:
        return None
