"""Test apps: copies of fixture folders that a test may change."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "apps"
EXAMPLE_APP = ROOT / "examples" / "django-app"


def copy_app(source: Path, destination: Path, **files: str) -> Path:
    """Copy `source` to `destination`, then write `files` (name=text; '/' as '__') into it."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "staticfiles"))
    for name, text in files.items():
        path = destination / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return destination


# Files that stay at the app root when a project is nested: the Python buildpack and the platform read them there.
ROOT_FILES = ("Procfile", "runtime.txt", "project.toml")


def nest_in_backend(app: Path, folder: str = "backend") -> Path:
    """The backend/frontend repository layout: the Django project moved into `folder`, with
    manage.py and requirements.txt at the root as links into it, and a Procfile that `cd`s there."""
    backend = app / folder
    backend.mkdir()
    for entry in list(app.iterdir()):
        if entry.name != folder and entry.name not in ROOT_FILES and not entry.name.startswith("."):
            entry.rename(backend / entry.name)
    for name in ("manage.py", "requirements.txt"):
        (app / name).symlink_to(f"{folder}/{name}")
    procfile = app / "Procfile"
    if procfile.exists():
        procfile.write_text("".join(
            f"{kind}: cd {folder} && {command.strip()}\n" for kind, _, command in
            (line.partition(":") for line in procfile.read_text().splitlines() if line.strip())
        ))
    return app
