"""The app's files at run time: the build's files writable by no one but the build user; a few
folders open to the run user for new files, as /tmp is.

pack copies the app into `/workspace` with the folder itself at mode 0777 (pack's
`archive.WriteDirToTar` writes the root entry with `os.ModePerm`), and keeps each file's mode
from the user's machine (0777 for files from a FAT-formatted zip). The lifecycle exports the
folder as it is after the build. A world-writable folder lets the run image's user, who owns
none of the files, still delete, rename and add files in it: replace the app's code.

Heroku-style apps still write next to their code at run time: Django's default settings keep
SQLite at `BASE_DIR / "db.sqlite3"` (and SQLite creates its `-journal` and `-wal` files beside
it, so the database's folder must take new files) and uploads in `MEDIA_ROOT`. Such writes are
on the container's own disk and are lost when it restarts, as on Heroku's ephemeral dynos.

So by default the app folder and the folders the app writes to (`WritableFolder`) get mode 1777,
the mode of /tmp: anyone may create entries, and the sticky bit (chmod(2), "restricted deletion
flag") lets only an entry's owner (or the folder's) rename or delete it. The run user can add
files and change, rename and delete the files it added; every file and folder the build wrote
stays owned by the build user with no write bit for others, so the run user can neither change
nor replace them, and a build-written subfolder (the app's package, STATIC_ROOT) takes no new
files at all. Why not give the run user ownership, or a group? The build runs as the build
user, not root, so it cannot chown; and a shared group would let the run user change every
file the build wrote. A file the build wrote inside a writable folder (a committed
`db.sqlite3`, a placeholder in `media/`) is read-only for the run user too: it is not the
app's to change.

Generated output that the app rewrites at run time (STATIC_ROOT, when a Procfile process runs
`collectstatic`) is a *replaceable* folder: it and every folder in it get mode 0777 without the
sticky bit, so the run user may delete, rename and add entries there, while its files keep no
write bit for others. Replacing needs no more: Django's manifest storages delete a file and save
it anew. Rewriting a file in place and setting its times (WhiteNoise's compression does both, and
os.utime with given times is for the file's owner only) needs ownership, which only the run user
can take, at launch: the buildpack that asks for a replaceable folder also runs a launch program
that renames a copy of each build file over it. Never the app folder itself, which holds the code.

What this does not stop: a new file in the app folder is on `sys.path` first for `python manage.py`
and gunicorn, so the run user could add a module that a process started later in the same
container imports (until the container restarts; the image is unchanged). Heroku's dynos allow
as much. `BP_APP_READ_ONLY=true` gives the strict layout: no folder is writable by the run user.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

READ_ONLY_ENV_VAR = "BP_APP_READ_ONLY"
# /tmp's mode: world-writable with the sticky (restricted deletion) bit.
WRITABLE_MODE = 0o1777
# A replaceable folder and each folder in it: anyone may add, rename and delete entries (no sticky bit).
REPLACEABLE_MODE = 0o777
# What a folder the build makes for the app to write to holds on the way there (e.g. `var/` of
# `var/media`): readable, writable by the build user only, as the app's other folders.
FOLDER_MODE = 0o755


@dataclass(frozen=True)
class WritableFolder:
    """A folder inside the app that the run user may create files in, and why."""

    path: Path  # relative to the app root; `.` is the app folder itself
    reason: str  # e.g. "the app folder", "MEDIA_ROOT", "SQLite database default"
    # The whole tree open to replacing the build's files (REPLACEABLE_MODE), not sticky like /tmp.
    replaceable: bool = False


APP_FOLDER = WritableFolder(Path("."), "the app folder")


@dataclass(frozen=True)
class Applied:
    """What `apply` did: write access it took away, folders it made, folders it opened."""

    removed: list[Path]
    created: list[Path]
    writable: list[WritableFolder]


def inside(root: Path, path: Path) -> Path | None:
    """`path` (absolute, or relative to `root`) relative to `root` when it stays inside `root`
    with every link resolved, else None. Parts that do not exist yet are taken as written."""
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(root / path))
    return real.relative_to(real_root) if real.is_relative_to(real_root) else None


def remove_write_for_others(root: Path, keep: frozenset[Path] = frozenset()) -> list[Path]:
    """Clear the others-write bit on `root` and everything under it, links not followed, except
    on the folders in `keep` (relative to `root`); return what changed, relative to `root` (`.`
    is the root). A file the build user does not own is left as it is: only its owner could
    change it."""
    changed = []
    # os.walk enters no linked folder; each folder is seen once, as the `folder` of its own step.
    for folder, _, files in os.walk(root):
        for path in (Path(folder), *(Path(folder) / name for name in files)):
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or not info.st_mode & stat.S_IWOTH or info.st_uid != os.geteuid():
                continue
            if stat.S_ISDIR(info.st_mode) and path.relative_to(root) in keep:
                continue
            path.chmod(stat.S_IMODE(info.st_mode) & ~stat.S_IWOTH)
            changed.append(path.relative_to(root))
    return changed


def apply(root: Path, writable: list[WritableFolder]) -> Applied:
    """Make each of `writable` (created when missing) sticky and world-writable, or, if replaceable,
    it and every folder in it world-writable; take write access for others away from everything
    else under `root`. Run it again after writing more into the app: it gives the same result. A
    folder that leads outside `root`, or is not a folder, or that the build user does not own, is
    not opened (see `refused`)."""
    created: list[Path] = []
    opened: list[WritableFolder] = []
    for folder in writable:
        folder = WritableFolder(Path(os.path.normpath(folder.path)), folder.reason, folder.replaceable)
        if refused(root, folder.path, replaceable=folder.replaceable):
            continue
        created += _make_folders(root, folder.path)
        opened.append(folder)
    trees = [path for folder in opened if folder.replaceable for path in _folders_in(root, folder.path)]
    removed = remove_write_for_others(root, keep=frozenset([*trees, *(folder.path for folder in opened)]))
    for path in trees:
        (root / path).chmod(REPLACEABLE_MODE)
    # A sticky folder inside a replaceable one stays sticky: its own files are the app's data.
    for folder in opened:
        if not folder.replaceable:
            (root / folder.path).chmod(WRITABLE_MODE)
    return Applied(removed, created, opened)


def _folders_in(root: Path, path: Path) -> list[Path]:
    """`path` and every folder under it, relative to `root`, links not followed; only the build user's."""
    found = []
    for folder, _, _ in os.walk(root / path):
        if Path(folder).lstat().st_uid == os.geteuid():
            found.append(Path(folder).relative_to(root))
    return found


def refused(root: Path, path: Path, *, replaceable: bool = False) -> str | None:
    """Why `path` (relative to `root`) cannot be made a writable (or replaceable) folder, or None."""
    if path.is_absolute() or inside(root, path) != Path(os.path.normpath(path)):
        return "it is a link, or leads outside the app"
    if replaceable and Path(os.path.normpath(path)) == Path("."):
        return "it is the app folder itself, which holds the app's code"
    target = root / path
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return "it is not a folder"
    if target.exists() and target.stat().st_uid != os.geteuid():
        return "the build user does not own it"
    return None


def _make_folders(root: Path, path: Path) -> list[Path]:
    """Create `path` and its missing parents under `root` with FOLDER_MODE, whatever the umask."""
    made = []
    current = root
    for part in path.parts:
        current = current / part
        if not current.exists():
            current.mkdir()
            current.chmod(FOLDER_MODE)
            made.append(current.relative_to(root))
    return made


def describe(changed: list[Path], shown: int = 5) -> str:
    """One log line for what `remove_write_for_others` changed."""
    if not changed:
        return "No app file is writable by other users"
    names = ["the app folder" if str(path) == "." else str(path) for path in changed[:shown]]
    more = f" and {len(changed) - shown} more" if len(changed) > shown else ""
    return f"Removed write access for other users (the run image's user among them) from {', '.join(names)}{more}"


def describe_writable(root: Path, writable: list[WritableFolder]) -> str:
    """One log line naming the folders the run user may create files in, and why each."""
    sticky = [folder for folder in writable if not folder.replaceable]
    if not sticky:
        return "Writable at run time: nothing"
    names = []
    for folder in sticky:
        names.append(f"{root} (the app folder, sticky)" if folder == APP_FOLDER else f"{folder.path}/ ({folder.reason})")
    return f"Writable at run time: {', '.join(names)}"


def describe_replaceable(writable: list[WritableFolder]) -> str | None:
    """One log line naming the replaceable folders and why each, or None when there is none."""
    names = [f"{folder.path}/ ({folder.reason})" for folder in writable if folder.replaceable]
    return f"Replaceable at run time: {', '.join(names)}" if names else None


def describe_applied(root: Path, applied: Applied) -> list[str]:
    """The log lines for what `apply` did: folders made, write access taken away, folders opened."""
    lines = [f"Created {folder}/" for folder in applied.created]
    if applied.removed:
        lines.append(describe(applied.removed))
    lines.append(describe_writable(root, applied.writable))
    if replaceable := describe_replaceable(applied.writable):
        lines.append(replaceable)
    return lines
