"""The app's files at run time: readable by the app's user, writable by no one but the build user.

pack copies the app into `/workspace` with the folder itself at mode 0777 (pack's
`archive.WriteDirToTar` writes the root entry with `os.ModePerm`), and keeps each file's mode
from the user's machine (0777 for files from a FAT-formatted zip). The lifecycle exports the
folder as it is after the build. A world-writable folder lets the run image's user, who owns
none of the files, still delete, rename and add files in it: replace the app's code. So every
buildpack that writes into the app takes write access away from other users afterwards.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def remove_write_for_others(root: Path) -> list[Path]:
    """Clear the others-write bit on `root` and everything under it, links not followed; return
    what changed, relative to `root` (`.` is the root). A file the build user does not own is left
    as it is: only its owner could change it."""
    changed = []
    # os.walk enters no linked folder; each folder is seen once, as the `folder` of its own step.
    for folder, _, files in os.walk(root):
        for path in (Path(folder), *(Path(folder) / name for name in files)):
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or not info.st_mode & stat.S_IWOTH or info.st_uid != os.geteuid():
                continue
            path.chmod(stat.S_IMODE(info.st_mode) & ~stat.S_IWOTH)
            changed.append(path.relative_to(root))
    return changed


def describe(changed: list[Path], shown: int = 5) -> str:
    """One log line for what `remove_write_for_others` changed."""
    if not changed:
        return "No app file is writable by other users"
    names = ["the app folder" if str(path) == "." else str(path) for path in changed[:shown]]
    more = f" and {len(changed) - shown} more" if len(changed) > shown else ""
    return f"Removed write access for other users (the run image's user among them) from {', '.join(names)}{more}"
