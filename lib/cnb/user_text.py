"""Decoding a file a user wrote (a Procfile, an Aptfile): strict UTF-8 without NUL, with the line and
column of the first bad byte for the error, which each buildpack words in its own messages."""

from __future__ import annotations

from typing import Callable


def decode(data: bytes, nul_byte: Callable[..., Exception], not_utf8: Callable[..., Exception]) -> str:
    """`data` as text; `nul_byte(line_number, line, column)` or `not_utf8(line_number, line, column, byte=...)` is raised otherwise."""
    nul = data.find(b"\0")
    if nul != -1:
        raise nul_byte(*locate(data, nul))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8(*locate(data, error.start), byte=data[error.start]) from None


def locate(data: bytes, offset: int) -> tuple[int, str, int]:
    """The line number, the line (undecodable bytes replaced) and the column of the byte at `offset`."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : len(data) if end == -1 else end].decode("utf-8", "replace").removesuffix("\r")
    return data.count(b"\n", 0, offset) + 1, line, len(data[start:offset].decode("utf-8", "replace"))
