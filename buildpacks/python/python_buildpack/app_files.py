"""Reading the app's text files strictly: cnb.app_files' checks, as UTF-8, with errors that name the file and say why."""

from __future__ import annotations

from pathlib import Path

from cnb.app_files import MAX_TEXT_FILE_BYTES, exists, inside_app, shown, stays_inside

from . import messages

__all__ = ["MAX_TEXT_FILE_BYTES", "exists", "inside_app", "read_text", "shown", "stays_inside"]


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
