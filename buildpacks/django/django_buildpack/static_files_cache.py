"""Static files, and what the settings said, reused while nothing they are made from changed.

`collectstatic` reads the settings, the app's files, the installed packages and the environment;
the key is a digest of all of them (the packages through the Python buildpack's environment key),
so a build with the same key would write the same files. When it holds, the cached STATIC_ROOT is
unpacked and no Python runs; the last `ENTRIES` keys are kept, each in a folder of its own. When
anything changed, `collectstatic` runs into the fresh app folder: never over restored files, whose
new modification times would make it skip a changed source.
The key is a digest: no value of the environment is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from cnb import archive, python_env
from cnb.layers import Layers
from cnb.reuse import PUBLISHED_ENV_VAR

from .settings import Settings

LAYER_NAME = "static-files"
# Bump when what the key covers or the layer's layout changes. 2: several entries.
SCHEMA = 2
# The last builds' results kept, newest (or last used) first: going back to an earlier state (a package
# tried and removed again, a reverted commit) finds its static files, as BuildKit finds its layers.
ENTRIES = 3
# The Python buildpack's digest of what the app's environment was made from (cnb.python_env).
ENVIRONMENT_KEY_ENV_VAR = python_env.KEY_ENV_VAR
# Set anew in every build container (the lifecycle's CNB_* name temporary files), and read by no
# deterministic settings module; and the list of kept layers' states, present only when an earlier
# buildpack kept its layer (pycnb/apt's libraries are the same files either way).
VOLATILE_ENV_VARS = frozenset({"HOSTNAME", "PWD", "OLDPWD", "SHLVL", "_", PUBLISHED_ENV_VAR})
LIFECYCLE_PREFIX = "CNB_"


@dataclass(frozen=True)
class Cached:
    settings: Settings
    # STATIC_ROOT's files were archived (collectstatic ran); else only the settings were cached.
    has_static_files: bool


def key(app: Path, env: dict[str, str], settings_module: str) -> str | None:
    """The digest of everything collectstatic and the settings read; None without the environment's key."""
    if not env.get(ENVIRONMENT_KEY_ENV_VAR):
        return None
    digest = hashlib.sha256(f"schema {SCHEMA}\0settings {settings_module}\0".encode())
    for name in sorted(name for name in env if name not in VOLATILE_ENV_VARS and not name.startswith(LIFECYCLE_PREFIX)):
        digest.update(f"env {name}={env[name]}\0".encode("utf-8", "surrogateescape"))
    for folder, dirs, files in os.walk(app):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, app).encode("utf-8", "surrogateescape")
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                digest.update(b"L " + relative + b" " + os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as file:
                    digest.update(b"F " + relative + b" " + hashlib.file_digest(file, "sha256").digest() + b"\0")
            elif stat.S_ISDIR(info.st_mode):
                digest.update(b"D " + relative + b"\0")
    return digest.hexdigest()


def _entries(metadata: dict) -> list[dict]:
    entries = metadata.get("entries")
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("key"), str)]


def restore(layers: Layers, wanted_key: str | None) -> Cached | None:
    """What one of the last builds cached under the same key, or None."""
    layer = layers.get(LAYER_NAME)
    metadata = layer.metadata()
    entry = next((entry for entry in _entries(metadata) if entry["key"] == wanted_key), None) if wanted_key else None
    if entry is None:
        return None
    folder = layer.path / entry["key"]
    try:
        settings = Settings(**json.loads((folder / "settings.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    record = archive.ArchiveRecord.from_metadata(entry.get(archive.ARCHIVE_KEY))
    has_static_files = entry.get(archive.ARCHIVE_KEY) is not None
    if has_static_files and (record is None or not (folder / archive.ARCHIVE_NAME).is_file()
                             or (folder / archive.ARCHIVE_NAME).stat().st_size != record.size):
        return None
    return Cached(settings, has_static_files)


def keep(layers: Layers, used_key: str) -> None:
    """Declare the restored cache again, with the entry this build used first (the others age out first)."""
    layer = layers.get(LAYER_NAME)
    entries = _entries(layer.metadata())
    entries.sort(key=lambda entry: entry["key"] != used_key)
    layer.commit(cache=True, metadata={"schema": SCHEMA, "entries": entries})


def unpack(layers: Layers, used_key: str, static_root: Path) -> None:
    """Put the cached STATIC_ROOT where collectstatic would have written it."""
    archive.unpack(layers.get(LAYER_NAME).path / used_key / archive.ARCHIVE_NAME, static_root)


def save(layers: Layers, wanted_key: str | None, settings: Settings, static_root: Path | None) -> None:
    """Cache the settings' inspection and, if collectstatic wrote it, STATIC_ROOT, as the newest of `ENTRIES` entries."""
    layer = layers.get(LAYER_NAME)
    kept = [entry for entry in _entries(layer.metadata()) if entry["key"] != wanted_key]
    layer.invalidate()
    if wanted_key is None:
        return
    layer.path.mkdir(parents=True, exist_ok=True)
    entries = [{"key": wanted_key}, *kept][:ENTRIES]
    for folder in layer.path.iterdir():
        if folder.name not in {entry["key"] for entry in entries}:
            shutil.rmtree(folder) if folder.is_dir() and not folder.is_symlink() else folder.unlink()
    folder = layer.path / wanted_key
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    (folder / "settings.json").write_text(json.dumps(asdict(settings)), encoding="utf-8")
    if static_root is not None and static_root.is_dir():
        entries[0][archive.ARCHIVE_KEY] = archive.pack(static_root, folder / archive.ARCHIVE_NAME).as_metadata()
    layer.commit(cache=True, metadata={"schema": SCHEMA, "entries": entries})
