"""Reading the app's text files, with an error that names the file when one is not UTF-8 text."""

from __future__ import annotations

from pathlib import Path

from . import messages


def read_text(path: Path) -> str:
    """The file's text without a UTF-8 byte-order mark or CRLF line endings."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise messages.not_utf8(path.name, line) from None
    if "\0" in text:
        raise messages.not_utf8(path.name, text[: text.index("\0")].count("\n") + 1)
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
