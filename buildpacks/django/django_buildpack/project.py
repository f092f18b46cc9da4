"""Finding the Django project in the app: manage.py, the settings module, the WSGI module."""

from __future__ import annotations

import re
from pathlib import Path

MANAGE_PY = "manage.py"
REQUIREMENTS_TXT = "requirements.txt"
# The line `django-admin startproject` writes into manage.py.
_SETTINGS_DEFAULT = re.compile(r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"](?P<module>[\w.]+)['"]\s*\)""")
_DJANGO_REQUIREMENT = re.compile(r"^\s*django\s*(?:[\[<>=!~;@#]|$)", re.IGNORECASE)


def declares_django(app_dir: Path) -> bool:
    """Whether requirements.txt names Django; lenient, since detect must not fail on odd files."""
    path = app_dir / REQUIREMENTS_TXT
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    return any(_DJANGO_REQUIREMENT.match(line) for line in text.splitlines())


def settings_module(app_dir: Path, env: dict[str, str]) -> str | None:
    """`DJANGO_SETTINGS_MODULE` from the build env, else the default manage.py sets."""
    if env.get("DJANGO_SETTINGS_MODULE"):
        return env["DJANGO_SETTINGS_MODULE"]
    match = _SETTINGS_DEFAULT.search((app_dir / MANAGE_PY).read_text(encoding="utf-8", errors="replace"))
    return match.group("module") if match else None


def wsgi_module(app_dir: Path, settings: str) -> str | None:
    """`<project>.wsgi` beside the settings module, when that file exists."""
    package = settings.rsplit(".", 1)[0] if "." in settings else ""
    candidate = f"{package}.wsgi" if package else "wsgi"
    return candidate if (app_dir / (candidate.replace(".", "/") + ".py")).is_file() else None
