"""The app as the build reads it: each of its project files read and checked once, by the first step that asks.

Reading on first request, not all up front, keeps the order in which a broken app's problems are
found: main reads pyproject.toml first, the package manager its files, python_version the rest, as
before, and every later step gets the same text or document without reading the file again.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from . import app_files, messages
from .requirements import RequirementsFile

PYPROJECT = "pyproject.toml"
PIPFILE_LOCK = "Pipfile.lock"

_UNREAD = object()


class App:
    """The app folder, with what has been read of it."""

    def __init__(self, path: Path) -> None:
        self.dir = path
        self._texts: dict[str, str] = {}
        self._pyproject: object = _UNREAD
        self._requires_python: object = _UNREAD

    def has(self, name: str) -> bool:
        return app_files.exists(self.dir / name, file=True)

    def text(self, name: str) -> str:
        """The file's text, read strictly (app_files.read_text) the first time."""
        if name not in self._texts:
            self._texts[name] = app_files.read_text(self.dir / name, self.dir)
        return self._texts[name]

    def file(self, name: str) -> RequirementsFile:
        """The file with its text, as it keys the environment's cache."""
        return RequirementsFile(self.dir / name, self.text(name))

    def pyproject(self) -> dict | None:
        """pyproject.toml as a dict (None without one), its [project] checked to be a table."""
        if self._pyproject is _UNREAD:
            self._pyproject = self._load_pyproject()
        return self._pyproject  # type: ignore[return-value]

    def _load_pyproject(self) -> dict | None:
        if not (self.dir / PYPROJECT).is_file():
            return None
        try:
            document = tomllib.loads(self.text(PYPROJECT))
        except tomllib.TOMLDecodeError as error:
            raise messages.invalid_pyproject(PYPROJECT, str(error)) from None
        except (ValueError, RecursionError):  # tomllib's int() of over 4300 digits; arrays nested thousands deep
            raise messages.invalid_pyproject(PYPROJECT,
                                             "it holds a number too long or arrays or tables nested too deeply to read") from None
        project = document.get("project", {})
        if not isinstance(project, dict):
            raise messages.invalid_project_table(PYPROJECT, type(project).__name__)
        return document

    def requires_python_text(self) -> object:
        """[project].requires-python as written (any TOML value), or None."""
        return (self.pyproject() or {}).get("project", {}).get("requires-python")

    def requires_python(self) -> SpecifierSet | None:
        """[project].requires-python parsed, once; None when it is absent or not a valid specifier
        (python_version.resolve refuses an invalid one, in its turn)."""
        if self._requires_python is _UNREAD:
            written = self.requires_python_text()
            specifier = None
            if isinstance(written, str):
                try:
                    specifier = SpecifierSet(written)
                    # packaging reads the versions in a specifier only when it first compares: `<000…` of
                    # 4301 digits fails there (int() refuses it), so compare once now, while it is our error to give.
                    specifier.contains("3.0.0")
                except (InvalidSpecifier, ValueError):
                    specifier = None
            self._requires_python = specifier
        return self._requires_python  # type: ignore[return-value]
