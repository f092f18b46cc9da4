"""The files that name the tool installing a Python app's dependencies, in the order they are looked for.

pycnb/python chooses the tool from them; pycnb/django's detect must find the same file without asking,
for no detect can see another buildpack's decision (docs/design/package-manager-across-buildpacks.md).
One table here keeps the two from drifting apart.
"""

from __future__ import annotations

# Picks one tool among several whose files are present.
ENV_VAR = "BP_PYTHON_PACKAGE_MANAGER"
PIP, UV, POETRY, PIPENV = "pip", "uv", "poetry", "pipenv"
MANAGER_FILES = (
    ("requirements.txt", PIP),
    ("requirements.in", PIP),
    ("uv.lock", UV),
    ("poetry.lock", POETRY),
    ("Pipfile.lock", PIPENV),
)


def files_of(manager: str) -> tuple[str, ...]:
    """The files that name `manager`, in MANAGER_FILES order."""
    return tuple(name for name, owner in MANAGER_FILES if owner == manager)
