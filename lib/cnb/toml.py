"""Reading and writing the TOML files of the contract, written atomically."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w


def load(path: Path) -> dict[str, Any]:
    """The TOML document at `path`, or an empty one when the file does not exist."""
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}


def dump(data: dict[str, Any], path: Path) -> None:
    """Write `data` to `path` so that a reader never sees half a file."""
    write_atomically(path, tomli_w.dumps(data))


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
