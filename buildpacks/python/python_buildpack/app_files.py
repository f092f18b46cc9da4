"""Reading the app's text files: only from inside the app, of a sane size, as UTF-8, with errors that name the file."""

from __future__ import annotations

import os
from pathlib import Path

from . import messages

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


def shown(path: Path, app_dir: Path) -> str:
    """The name a user knows the file by: its path in the app."""
    return str(path.relative_to(app_dir)) if path.is_relative_to(app_dir) else str(path)


def read_text(path: Path, app_dir: Path) -> str:
    """The file's text without a UTF-8 byte-order mark or CRLF line endings.

    A link that leads out of the app is refused before anything is opened: it could point at
    /etc/passwd or /proc/self/environ, and an error quoting a line would echo it into the log.
    """
    name = shown(path, app_dir)
    if not inside_app(path, app_dir):
        raise messages.link_outside_app(name)
    size = path.stat().st_size
    if size > MAX_TEXT_FILE_BYTES:
        raise messages.file_too_large(name, size, MAX_TEXT_FILE_BYTES)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise messages.not_utf8(name, line) from None
    if "\0" in text:
        raise messages.not_utf8(name, text[: text.index("\0")].count("\n") + 1)
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
