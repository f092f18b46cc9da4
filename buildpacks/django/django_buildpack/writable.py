"""Which folders a Django app writes to at run time, from its settings: MEDIA_ROOT and the folder
of each SQLite database, besides the app folder itself; and STATIC_ROOT, replaceable, when a
Procfile process runs collectstatic."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cnb.permissions import APP_FOLDER, WritableFolder, inside, refused

from . import messages
from .settings import Settings

# Folders every container has open to all users (the run image's /tmp is mode 1777): a setting
# pointing there works at run time without the build doing anything.
SHARED_TEMPORARY = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"))
# SQLite names that are no file on disk (https://www.sqlite.org/inmemorydb.html, sqlite3 URIs).
_IN_MEMORY = (":memory:", "")


@dataclass
class Plan:
    folders: list[WritableFolder] = field(default_factory=lambda: [APP_FOLDER])
    warnings: list[messages.Warning] = field(default_factory=list)


def plan(app: Path, settings: Settings, project_folder: Path | None = None, collectstatic_processes: list[str] | None = None) -> Plan:
    """The folders to open for the run user and what to warn about, from `settings` and the Procfile
    processes that run collectstatic; paths in the settings are absolute (BASE_DIR / ...) or relative
    to the project folder, where manage.py runs."""
    result = Plan()
    base = project_folder or app
    if settings.media_root:
        _add(result, app, "MEDIA_ROOT", base / settings.media_root, "MEDIA_ROOT", messages.media_root_outside_app)
    for alias, name in settings.sqlite_databases.items():
        if _in_memory(name):
            continue
        database = base / name
        setting = f"DATABASES[{alias!r}]['NAME']"
        reason = "SQLite database default" if alias == "default" else f"SQLite database {alias}"
        _add(result, app, setting, database.parent, reason, messages.sqlite_outside_app)
        relative = inside(app, database)
        if relative is not None and (app / relative).is_file():
            result.warnings.append(messages.sqlite_database_in_build(str(relative), setting))
    if collectstatic_processes and settings.static_root:
        _add_static_root(result, app, base, settings, collectstatic_processes)
    return result


def _add(result: Plan, app: Path, setting: str, folder: Path, reason: str, outside_warning) -> None:
    absolute = folder if folder.is_absolute() else app / folder
    relative = inside(app, absolute)
    if relative is None:
        if not any(Path(os.path.normpath(absolute)).is_relative_to(shared) for shared in SHARED_TEMPORARY):
            result.warnings.append(outside_warning(setting, str(folder)))
        return
    why_not = refused(app, relative)
    if why_not:
        result.warnings.append(messages.not_a_writable_folder(setting, str(relative), why_not))
        return
    # The app folder is named again when a setting puts files there, so the log says why it is open.
    if all(existing.path != relative for existing in result.folders if existing != APP_FOLDER):
        result.folders.append(WritableFolder(relative, reason))


def default_sqlite_at_run_time(app: Path, settings: Settings, project_folder: Path | None, opened: list[WritableFolder]) -> Path | None:
    """The default database's file when it is a SQLite file that the app's user can create at run time,
    in a folder of `opened` or under /tmp, and not part of the app (which stays read-only); else None."""
    name = settings.sqlite_databases.get("default")
    if name is None or _in_memory(name):
        return None
    database = Path(os.path.normpath((project_folder or app) / name))
    relative = inside(app, database)
    if relative is None:
        return database if any(database.is_relative_to(shared) for shared in SHARED_TEMPORARY) else None
    if (app / relative).exists():
        return None
    return database if any(folder.path == relative.parent and not folder.replaceable for folder in opened) else None


def _in_memory(name: str) -> bool:
    return name in _IN_MEMORY or name.startswith("file:") or "mode=memory" in name


def _add_static_root(result: Plan, app: Path, base: Path, settings: Settings, processes: list[str]) -> None:
    """STATIC_ROOT as a replaceable folder, unless it is outside the app or holds the app's code."""
    static_root = Path(os.path.normpath(base / settings.static_root))
    relative = inside(app, static_root)
    if relative is None:
        if not any(static_root.is_relative_to(shared) for shared in SHARED_TEMPORARY):
            result.warnings.append(messages.static_root_outside_app_at_run_time(settings.static_root, processes))
        return
    code = [file for file in settings.module_files if Path(os.path.realpath(file)).is_relative_to(os.path.realpath(static_root))]
    if code or Path(os.path.realpath(base)).is_relative_to(os.path.realpath(static_root)):
        shown = str(Path(os.path.realpath(code[0])).relative_to(os.path.realpath(app))) if code else "the project folder, manage.py's"
        result.warnings.append(messages.static_root_holds_code(str(relative), shown, processes))
        return
    why_not = refused(app, relative, replaceable=True)
    if why_not:
        result.warnings.append(messages.not_a_writable_folder("STATIC_ROOT", str(relative), why_not))
        return
    result.folders.append(WritableFolder(relative, messages.static_root_replaceable_reason(processes), replaceable=True))


def collectstatic_at_run_time(processes: list[str], settings: Settings) -> messages.Warning | None:
    """With the app read-only, a warning when the Procfile runs collectstatic with a storage that
    rewrites the build's files."""
    if processes and settings.manifest_storage and settings.static_root:
        return messages.collectstatic_at_run_time(processes)
    return None
