"""Finding the Django project in the app: manage.py, the settings module, the Procfile's commands.

Which packages the app declares is dependencies.py's concern."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cnb.app_files import inside_app, is_file, read_text_leniently as read_text

MANAGE_PY_ENV_VAR = "BP_DJANGO_MANAGE_PY"
MANAGE_PY = "manage.py"
# The line `django-admin startproject` writes into manage.py.
_SETTINGS_DEFAULT = re.compile(r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"](?P<module>[\w.]+)['"]\s*\)""")
_MODULE_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def manage_py(app_dir: Path, env: dict[str, str]) -> Path:
    """BP_DJANGO_MANAGE_PY, else manage.py at the top, else the only manage.py one folder down.

    A repository often keeps its dependency files at the top and the Django project in a folder
    (`app/manage.py`, `backend/manage.py`), run there with `cd app && python manage.py`. With none,
    or several, one folder down, the answer is the missing top-level manage.py: detect says why.
    """
    named = env.get(MANAGE_PY_ENV_VAR, "").strip()
    if named:
        return app_dir / named
    top = app_dir / MANAGE_PY
    if top.is_symlink() or is_file(top):
        return top
    found = manage_py_one_folder_down(app_dir)
    return found[0] if len(found) == 1 else top


def manage_py_one_folder_down(app_dir: Path) -> list[Path]:
    """The `<folder>/manage.py` files of the app, hidden folders and links out of the app left out."""
    try:
        candidates = sorted(app_dir.glob(f"*/{MANAGE_PY}"))
    except OSError:
        return []
    return [path for path in candidates if not path.parent.name.startswith(".") and is_file(path) and inside_app(path, app_dir)]


def found_one_folder_down(manage: Path, app_dir: Path, env: dict[str, str]) -> bool:
    """Whether manage_py() chose `manage` by looking one folder down (the build log says so)."""
    return not env.get(MANAGE_PY_ENV_VAR, "").strip() and manage != app_dir / MANAGE_PY


def real_manage_py(manage: Path) -> Path:
    """manage.py with every link resolved: the file `python manage.py` runs."""
    return Path(os.path.realpath(manage))


def project_dir(manage: Path) -> Path:
    """The folder `python manage.py` puts first on sys.path: that of the *resolved* script.

    CPython resolves a script's links before taking its folder as sys.path[0] (the docs of
    sys.path: "python script.py: prepend the script's directory. If it's a symbolic link, resolve
    symbolic links."), so `manage.py -> backend/manage.py` imports the project from backend/, and
    the folder `python manage.py` runs from is not on sys.path at all.
    """
    return real_manage_py(manage).parent


def procfile_commands(app_dir: Path) -> dict[str, str]:
    """The Procfile's processes, name -> command. Lenient: a Procfile the procfile buildpack would
    refuse (a link out of the app, too large) is not read, and lines it would refuse are skipped."""
    text = read_text(app_dir / "Procfile", app_dir)
    commands = {}
    for line in text.splitlines() if text is not None else []:
        name, colon, command = line.partition(":")
        if colon and not name.lstrip().startswith("#"):
            commands[name.strip()] = command
    return commands


def procfile_processes_running(app_dir: Path, word: str) -> list[str]:
    """The names of the Procfile's processes whose command mentions `word`."""
    return [name for name, command in procfile_commands(app_dir).items() if word in command]


def settings_module(manage: Path, env: dict[str, str]) -> str | None:
    """`DJANGO_SETTINGS_MODULE` from the build env, else the default manage.py sets."""
    if env.get("DJANGO_SETTINGS_MODULE"):
        return env["DJANGO_SETTINGS_MODULE"]
    match = _SETTINGS_DEFAULT.search(manage.read_text(encoding="utf-8", errors="replace"))
    return match.group("module") if match else None


# The app GeoDjango is (https://docs.djangoproject.com/en/5.2/ref/contrib/gis/tutorial/#configure-settings-py),
# as a quoted string, as INSTALLED_APPS names it (an import such as `from django.contrib.gis.db import models` does not count).
_GIS_APP = re.compile(r"""['"]django\.contrib\.gis['"]""")
# Settings split over modules (settings/base.py, settings/production.py) sit in one folder; more files than this is not a settings folder.
MAX_SETTINGS_FILES = 50


def uses_geodjango(manage: Path, app_dir: Path, env: dict[str, str]) -> bool:
    """Whether the settings module, or a module beside it, names `django.contrib.gis`. Lenient, as detect
    must be: files outside the app, or too large to be settings, are not read (cnb.app_files.read_text_leniently)."""
    if read_text(manage, app_dir) is None:
        return False
    module = settings_module(manage, env)
    if not module or not is_module_path(module):
        return False
    base = project_dir(manage) / module.replace(".", "/")
    folder = base if is_file(base / "__init__.py") else base.parent
    if not folder.is_dir() or not inside_app(folder, app_dir):
        return False
    for path in sorted(folder.glob("*.py"))[:MAX_SETTINGS_FILES]:
        text = read_text(path, app_dir)
        if text is not None and _GIS_APP.search(text):
            return True
    return False


def is_module_path(name: str) -> bool:
    """`myproject.settings`, not `myproject/settings.py`: what importlib can import."""
    return bool(_MODULE_PATH.fullmatch(name))


def wsgi_beside_settings(project: Path, settings: str) -> str | None:
    """`<project>.wsgi.application` when `<project>/wsgi.py` sits beside the settings module
    (`project` is the folder the settings are imported from)."""
    package = settings.rpartition(".")[0]
    module = f"{package}.wsgi" if package else "wsgi"
    return f"{module}.application" if is_file(project / (module.replace(".", "/") + ".py")) else None
