"""What every kind of message shares: links, the tools' names, the shape of a warning, and cut-down values."""

from __future__ import annotations

from typing import Protocol

# Where a message sends the user to read more (the README, pip's reference).
DOCS = "https://github.com/pycnb/pycnb#python-version"
PACKAGE_MANAGERS_DOCS = "https://github.com/pycnb/pycnb#package-managers"
REQUIREMENTS_FORMAT = "https://pip.pypa.io/en/stable/reference/requirements-file-format/"
VERSION_FORMATS = "`3.13` (the newest 3.13.x) or `3.13.15` (exactly that release)"
# What turns Pipenv's lock into a requirements.txt pip installs, for a lock whose Pipfile is gone.
PIPENV_EXPORT_COMMAND = "pipenv requirements > requirements.txt"
TOOL_NAMES = {"pip": "pip", "uv": "uv", "poetry": "Poetry", "pipenv": "Pipenv"}

# A warning: its title, and a body that ends with the fix.
Warning = tuple[str, str]


def short(value: str, limit: int = 100) -> str:
    """A value from the app's files, cut to a length a log line can hold."""
    return value if len(value) <= limit else value[:limit] + "..."


class VersionAsked(Protocol):
    """What a message shows of a Python version request (python_version.VersionRequest), passed in
    without this package importing python_version (which reads files through app_files, which raises
    these messages)."""

    @property
    def source(self) -> str: ...
    @property
    def where(self) -> str: ...
    @property
    def major(self) -> int | None: ...
    @property
    def minor(self) -> int | None: ...
    def describe(self) -> str: ...
