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
