"""Static files, and what the settings said, reused while nothing they are made from changed.

`collectstatic` reads the settings, the app's modules they and the installed apps load, the app's
other files, the installed packages and the environment. The key is in two parts: the *context*, a
digest of everything but the project's Python modules (the packages through the Python buildpack's
environment key, every other app file, and the names of the modules), and the digests of the modules
the settings' inspection loaded, recorded with each entry. So a change to a module nothing imported
at build time (a view, a URL conf, a task) keeps the static files, and a changed model, settings file,
storage or finder runs collectstatic again. When an entry holds, its STATIC_ROOT is unpacked and no
Python runs; the last `ENTRIES` entries are kept, each in a folder of its own. When nothing holds,
`collectstatic` runs into the fresh app folder: never over restored files, whose new modification
times would make it skip a changed source.
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
from packaging.utils import canonicalize_name

from .settings import Settings

LAYER_NAME = "static-files"
# Bump when what the key covers or the layer's layout changes. 2: several entries. 3: modules apart.
# 4: the packages added on top of the environment layer apart.
SCHEMA = 4
# The last builds' results kept, newest (or last used) first: going back to an earlier state (a package
# tried and removed again, a reverted commit) finds its static files, as BuildKit finds its layers.
ENTRIES = 3
# The Python buildpack's digest of what the app's environment was made from (cnb.python_env); when it also
# says what was added on top of its environment layer, the layer's own digest and the list of what was added.
ENVIRONMENT_KEY_ENV_VAR = python_env.KEY_ENV_VAR
BASE_KEY_ENV_VAR = python_env.BASE_KEY_ENV_VAR
ADDED_ENV_VAR = python_env.ADDED_ENV_VAR
DEPENDENCY_FILES_ENV_VAR = python_env.DEPENDENCY_FILES_ENV_VAR
# Set anew in every build container (the lifecycle's CNB_* name temporary files), and read by no
# deterministic settings module; and the list of kept layers' states, present only when an earlier
# buildpack kept its layer (pycnb/apt's libraries are the same files either way).
VOLATILE_ENV_VARS = frozenset({"HOSTNAME", "PWD", "OLDPWD", "SHLVL", "_", PUBLISHED_ENV_VAR})
LIFECYCLE_PREFIX = "CNB_"
# Modules that read every installed distribution without asking importlib.metadata (pkg_resources' working set).
SCANNING_MODULES = frozenset({"pkg_resources"})


@dataclass(frozen=True)
class Cached:
    settings: Settings
    # STATIC_ROOT's files were archived (collectstatic ran); else only the settings were cached.
    has_static_files: bool
    # The entry's key: the folder it is in, for `unpack` and `keep`.
    key: str


@dataclass(frozen=True)
class AppState:
    """What this build's static files could be made from: the context's digest, and the digest of each of
    the project's Python modules, by its path in the app (resolved), for the entries to pick theirs from."""

    context: str
    modules: dict[str, str]
    # The distributions pycnb/python added on top of its environment layer (python_env.ADDED_ENV_VAR), when the
    # context holds that layer's digest instead of the whole environment's; else None.
    added: list[dict] | None = None

    def reached(self, module_names: list[str], distributions: list[str]) -> list[str]:
        """The added distributions an entry's processes could have reached, as `name==version`: one that installs
        a module they imported or looked up, one they asked for by name (all, for a scan), or one with a `.pth`
        file (run by every interpreter). A distribution none of them reached cannot change what they made."""
        if not self.added:
            return []
        names, asked = set(module_names), {canonicalize_name(name) if name != "*" else name for name in distributions}
        if SCANNING_MODULES & names:
            asked.add("*")
        return sorted(f"{entry.get('name')}=={entry.get('version')}" for entry in self.added
                      if entry.get("pth") or "*" in asked or entry.get("name") in asked or names & set(entry.get("top_level") or []))

    def entry_key(self, loaded: list[str], reached: list[str] = ()) -> str:
        """The key of an entry made from the modules `loaded` (paths in the app) and with the added distributions
        `reached`: the context, the modules' digests and those distributions' versions."""
        digest = hashlib.sha256(f"context {self.context}\0".encode())
        for path in sorted(set(loaded)):
            digest.update(f"module {path} {self.modules.get(path, 'not a module of the project')}\0".encode("utf-8", "surrogateescape"))
        for distribution in sorted(set(reached)):
            digest.update(f"added {distribution}\0".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


def app_state(app: Path, project: Path, env: dict[str, str], settings_module: str) -> AppState | None:
    """The digest of everything collectstatic and the settings read but the project's Python modules, which are
    digested one by one; None without the environment's key. Modules outside the project folder, which the
    inspection does not list, stay in the context."""
    if not env.get(ENVIRONMENT_KEY_ENV_VAR):
        return None
    added = _added(env)
    # With what was added known, the environment layer's digest stands for the packages, and each entry adds
    # the added distributions its processes reached.
    volatile = VOLATILE_ENV_VARS | ({ENVIRONMENT_KEY_ENV_VAR, ADDED_ENV_VAR} if added is not None else set())
    # The dependency files' contents are in those keys: an added line changes the added distributions only.
    dependency_files = set(_dependency_files(env)) if added is not None else set()
    root, project_folder = os.path.realpath(app), os.path.realpath(project)
    digest = hashlib.sha256(f"schema {SCHEMA}\0settings {settings_module}\0".encode())
    for name in sorted(name for name in env if name not in volatile and not name.startswith(LIFECYCLE_PREFIX)):
        digest.update(f"env {name}={env[name]}\0".encode("utf-8", "surrogateescape"))
    modules: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root)
            encoded = relative.encode("utf-8", "surrogateescape")
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                digest.update(b"L " + encoded + b" " + os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
            elif stat.S_ISREG(info.st_mode) and relative in dependency_files:
                digest.update(b"R " + encoded + b"\0")
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as file:
                    file_digest = hashlib.file_digest(file, "sha256").digest()
                if name.endswith(".py") and (folder == project_folder or folder.startswith(project_folder + os.sep)):
                    digest.update(b"M " + encoded + b"\0")
                    modules[relative] = file_digest.hex()
                else:
                    digest.update(b"F " + encoded + b" " + file_digest + b"\0")
            elif stat.S_ISDIR(info.st_mode):
                digest.update(b"D " + encoded + b"\0")
    return AppState(digest.hexdigest(), modules, added)


def _dependency_files(env: dict[str, str]) -> list[str]:
    try:
        files = json.loads(env.get(DEPENDENCY_FILES_ENV_VAR, "[]"))
    except ValueError:
        return []
    return [file for file in files if isinstance(file, str)] if isinstance(files, list) else []


def _added(env: dict[str, str]) -> list[dict] | None:
    """The list pycnb/python wrote of what it added on top of its environment layer, or None (not said, unreadable)."""
    if not env.get(BASE_KEY_ENV_VAR) or not env.get(ADDED_ENV_VAR):
        return None
    try:
        added = json.loads(Path(env[ADDED_ENV_VAR]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(added, list) or not all(isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in added):
        return None
    return added


def loaded_modules(app: Path, settings: Settings, manage: Path) -> list[str]:
    """The app's files, resolved, that the settings' inspection loaded, and manage.py, which collectstatic runs."""
    root = Path(os.path.realpath(app))
    paths = (Path(os.path.realpath(file)) for file in [*settings.module_files, str(manage)])
    return sorted({str(path.relative_to(root)) for path in paths if path.is_relative_to(root)})


def _entries(metadata: dict) -> list[dict]:
    entries = metadata.get("entries")
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("key"), str)
            and all(isinstance(entry.get(name), list) and all(isinstance(item, str) for item in entry[name])
                    for name in ("loaded", "module_names", "distributions_looked_up"))]


def restore(layers: Layers, state: AppState | None) -> Cached | None:
    """What one of the last builds cached from the same context and the same loaded modules, or None."""
    if state is None:
        return None
    layer = layers.get(LAYER_NAME)
    # An entry's key is its context, its loaded modules' digests and the added distributions it reached: recomputed
    # from this build's, it matches or not.
    entry = next((entry for entry in _entries(layer.metadata())
                  if state.entry_key(entry["loaded"], state.reached(entry["module_names"], entry["distributions_looked_up"]))
                  == entry["key"]), None)
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
    return Cached(settings, has_static_files, entry["key"])


def keep(layers: Layers, used_key: str) -> None:
    """Declare the restored cache again, with the entry this build used first (the others age out first)."""
    layer = layers.get(LAYER_NAME)
    entries = _entries(layer.metadata())
    entries.sort(key=lambda entry: entry["key"] != used_key)
    layer.commit(cache=True, metadata={"schema": SCHEMA, "entries": entries})


def unpack(layers: Layers, used_key: str, static_root: Path) -> None:
    """Put the cached STATIC_ROOT where collectstatic would have written it."""
    archive.unpack(layers.get(LAYER_NAME).path / used_key / archive.ARCHIVE_NAME, static_root)


def save(layers: Layers, state: AppState | None, settings: Settings, loaded: list[str], static_root: Path | None,
         lookups: dict[str, list[str]] | None = None) -> None:
    """Cache the settings' inspection and, if collectstatic wrote it, STATIC_ROOT, as the newest of `ENTRIES`
    entries, keyed by the context, the modules `loaded` and the added distributions the inspection and
    collectstatic reached (`lookups` is collectstatic's, None when it did not run or did not say)."""
    layer = layers.get(LAYER_NAME)
    collected = lookups if lookups is not None else {"module_names": [], "distributions_looked_up": [] if static_root is None else ["*"]}
    module_names = sorted(set(settings.module_names) | set(collected.get("module_names", [])))
    distributions = sorted(set(settings.distributions_looked_up) | set(collected.get("distributions_looked_up", [])))
    wanted_key = state.entry_key(loaded, state.reached(module_names, distributions)) if state else None
    kept = [entry for entry in _entries(layer.metadata()) if entry["key"] != wanted_key]
    layer.invalidate()
    if wanted_key is None:
        return
    layer.path.mkdir(parents=True, exist_ok=True)
    entries = [{"key": wanted_key, "loaded": loaded, "module_names": module_names, "distributions_looked_up": distributions},
               *kept][:ENTRIES]
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
