"""The app's requirements files: which one, what it includes, and a digest of them all."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from . import app_files, messages, requirement_lines

REQUIREMENTS_TXT = "requirements.txt"
REQUIREMENTS_IN = "requirements.in"

# Names users type instead of requirements.txt (seen in Heroku's support cases). Detect
# passes on them so that build can say what the file should be called.
MISSPELLINGS = (
    "requirement.txt", "Requirements.txt", "REQUIREMENTS.txt", "requirements.text", "requirments.txt",
    "requirements.txt.txt", "requirements", "requirements.pip", "requirement.in",
)

# pip's options that name another file to read (pip's req_file.py).
_INCLUDE = re.compile(r"^(?P<option>-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?<=-[rc]))(?P<path>\S.*)$")


@dataclass(frozen=True)
class RequirementsFile:
    path: Path
    text: str


def misspelt_file(app_dir: Path) -> str | None:
    return next((name for name in MISSPELLINGS if (app_dir / name).is_file()), None)


def has_requirements(app_dir: Path) -> bool:
    """Whether detect should pass: a requirements file, or a misspelt one build can explain."""
    return any((app_dir / name).is_file() for name in (REQUIREMENTS_TXT, REQUIREMENTS_IN)) or misspelt_file(app_dir) is not None


def find(app_dir: Path) -> Path:
    """requirements.txt, else requirements.in (to be pinned with pip-compile); an error explains
    a misspelt or missing one."""
    for name in (REQUIREMENTS_TXT, REQUIREMENTS_IN):
        if (app_dir / name).is_file():
            return app_dir / name
    misspelt = misspelt_file(app_dir)
    if misspelt:
        raise messages.misspelt_requirements(misspelt, REQUIREMENTS_TXT)
    raise messages.no_requirements(REQUIREMENTS_TXT)


def needs_compiling(path: Path) -> bool:
    return path.name == REQUIREMENTS_IN


def collect(root: Path, app_dir: Path) -> list[RequirementsFile]:
    """`root` and every file it includes with -r or -c, recursively, each once, in reading order.

    A file included again by a file it includes is a loop, which pip refuses ("recursively
    references itself"); the same file reached by two separate includes is read once.
    """
    seen: dict[Path, RequirementsFile] = {}

    def visit(path: Path, chain: tuple[Path, ...] = ()) -> None:
        resolved = Path(os.path.realpath(path))
        if resolved in seen:
            return
        chain = (*chain, resolved)
        text = app_files.read_text(path, app_dir)
        requirement_lines.check(text, app_files.shown(path, app_dir), app_dir)
        seen[resolved] = RequirementsFile(path, text)
        for number, line in enumerate(text.splitlines(), start=1):
            match = _INCLUDE.match(line.split(" #", 1)[0].strip())
            if not match:
                continue
            target = path.parent / _include_path(match.group("path"))
            if not app_files.inside_app(target, app_dir):
                raise messages.include_outside_app(path.relative_to(app_dir), number, line)
            if not target.is_file():
                raise messages.missing_include(
                    path.relative_to(app_dir), number, line, target.relative_to(app_dir) if target.is_relative_to(app_dir) else target,
                    beside_link_target=_beside_link_target(path, match.group("path"), app_dir),
                )
            if Path(os.path.realpath(target)) in chain:
                raise messages.include_loop(path.relative_to(app_dir), number, line, Path(os.path.normpath(target)).relative_to(app_dir))
            visit(target, chain)

    visit(root)
    return list(seen.values())


def lists_nothing(files: list[RequirementsFile]) -> bool:
    """Whether the files hold only comments and blank lines (or nothing): pip installs nothing
    from them and succeeds, and so does the build, with a warning in case it was a mistake."""
    return not any(_has_requirement(file.text) for file in files)


def _beside_link_target(path: Path, include: str, app_dir: Path) -> Path | None:
    """When `path` is a link, the include as found beside the file it points to, if it is there.

    pip opens an include relative to the folder of the requirements file *as named* (the link's),
    not of the file the link points to (pip's req_file.py joins it to os.path.dirname(filename)):
    `requirements.txt -> backend/requirements.txt` holding `-r base.txt` reads ./base.txt, not
    backend/base.txt. We read it as pip does, and say where the user probably meant.
    """
    if not path.is_symlink():
        return None
    real = Path(os.path.realpath(path)).parent / _include_path(include)
    if not real.is_file() or not app_files.inside_app(real, app_dir):
        return None
    return Path(os.path.realpath(real)).relative_to(os.path.realpath(app_dir))


def _include_path(value: str) -> str:
    """The path of an include as pip's shlex-based parser reads it; an unbalanced quote is kept as typed."""
    try:
        return (shlex.split(value) or [value])[0]
    except ValueError:
        return value.split()[0]


def _has_requirement(text: str) -> bool:
    return any(line.split("#", 1)[0].strip() for line in text.splitlines())


def digest(files: list[RequirementsFile], app_dir: Path) -> str:
    """A sha256 over every file's path and content: any change to any of them changes it."""
    hasher = hashlib.sha256()
    for file in files:
        hasher.update(str(file.path.relative_to(app_dir)).encode() + b"\0" + file.text.encode() + b"\0")
    return hasher.hexdigest()
