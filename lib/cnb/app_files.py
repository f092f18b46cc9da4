"""The app's files, read safely by every buildpack: only from inside the app, of a sane size, by names the system can look up.

A buildpack that must say why a file cannot be read (python_buildpack/app_files.py) builds its strict
reader on these; `read_text_leniently` is for detect and for files a buildpack only looks into.
"""

from __future__ import annotations

import os
from pathlib import Path

# Far above any real requirements or version file (pip-compile's --generate-hashes output for a
# few hundred packages is well under 1 MiB), low enough that reading one takes well under a second.
MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024


def inside_app(path: Path, app_dir: Path) -> bool:
    """Whether `path`, with every link resolved, is in the app. (os.path.realpath, unlike
    Path.resolve on 3.11, does not raise on a link loop.)"""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(app_dir))


def stays_inside(app_dir: Path, relative: str) -> bool:
    """Whether a folder a lock file names relative to the app (`../lib`, `packages/core`) is in the app."""
    try:
        return inside_app(app_dir / relative, app_dir)
    except ValueError:  # a NUL in the name: no such folder anywhere
        return False


def exists(path: Path, *, file: bool = False) -> bool:
    """Path.exists (or is_file), but False for a name the system refuses to look up (over 255 bytes
    a part or 4096 in all, ENAMETOOLONG), where pathlib raises: pip finds no such file either."""
    try:
        return path.is_file() if file else path.exists()
    except OSError:
        return False


def is_file(path: Path) -> bool:
    return exists(path, file=True)


def shown(path: Path, app_dir: Path) -> str:
    """The name a user knows the file by: its path in the app."""
    return str(path.relative_to(app_dir)) if path.is_relative_to(app_dir) else str(path)


def read_text_leniently(path: Path, app_dir: Path) -> str | None:
    """The file's text (undecodable bytes replaced, no byte-order mark), or None for a file that is
    missing, a link out of the app, larger than MAX_TEXT_FILE_BYTES, or unreadable."""
    if not is_file(path) or not inside_app(path, app_dir):
        return None
    try:
        if path.stat().st_size > MAX_TEXT_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
    except OSError:
        return None
