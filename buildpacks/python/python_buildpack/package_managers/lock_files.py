"""What every lock-file tool's reader does first: refuse the settings that would move the install, read a TOML lock."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.utils import canonicalize_name

from .. import app_files, messages


def refuse_settings(env: dict[str, str], forbidden: tuple[str, ...], tool: str) -> None:
    """The tool's env vars that would move the environment, its cache or its Python fail the build."""
    present = [name for name in forbidden if env.get(name)]
    if present:
        raise messages.forbidden_env_vars(present, tool)


def read_toml(app_dir: Path, name: str, lock_command: str) -> tuple[str, dict]:
    """The lock's text (which keys the cache) and its TOML; an error names the file and how to write it again."""
    path = app_dir / name
    text = app_files.read_text(path, app_dir)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise messages.invalid_lock(name, str(error), lock_command) from None
    except (ValueError, RecursionError):  # tomllib's int() of over 4300 digits; arrays nested thousands deep
        raise messages.invalid_lock(name, "it holds a number too long or arrays or tables nested too deeply to read",
                                    lock_command) from None


def locked_pins(lock: dict) -> tuple[str, ...]:
    """Every `[[package]]` of a TOML lock (poetry.lock, uv.lock) as `name==version`, sorted: the lines a
    delta on the cached environment compares (layers/venv_delta.py)."""
    packages = lock.get("package", [])
    return tuple(sorted(f"{canonicalize_name(str(package.get('name', '')))}=={package.get('version', '')}"
                        for package in (packages if isinstance(packages, list) else []) if isinstance(package, dict)))
