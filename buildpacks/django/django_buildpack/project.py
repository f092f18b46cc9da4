"""Finding the Django project in the app: manage.py, the declared dependencies, the settings module."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

MANAGE_PY_ENV_VAR = "BP_DJANGO_MANAGE_PY"
MANAGE_PY = "manage.py"
REQUIREMENTS_FILES = ("requirements.txt", "requirements.in")
PYPROJECT = "pyproject.toml"
# The Python buildpack refuses larger requirements files (python_buildpack/app_files.py).
MAX_REQUIREMENTS_BYTES = 10 * 1024 * 1024
# The line `django-admin startproject` writes into manage.py.
_SETTINGS_DEFAULT = re.compile(r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"](?P<module>[\w.]+)['"]\s*\)""")
_MODULE_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?<=-r))(?P<path>\S+)")


def manage_py(app_dir: Path, env: dict[str, str]) -> Path:
    return app_dir / (env.get(MANAGE_PY_ENV_VAR, "").strip() or MANAGE_PY)


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


def inside_app(path: Path, app_dir: Path) -> bool:
    """Whether `path`, links resolved, is in the app (os.path.realpath does not raise on a link loop)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(app_dir))


def is_file(path: Path) -> bool:
    """Path.is_file, but False for a name the system refuses to look up (over 255 bytes a part
    or 4096 in all, ENAMETOOLONG), where pathlib raises."""
    try:
        return path.is_file()
    except OSError:
        return False


def declared_packages(app_dir: Path) -> set[str]:
    """Canonical names in requirements.txt (else requirements.in) and its -r includes.

    Lenient on purpose: detect must never fail on a file the Python buildpack will explain. So a
    file that is a link out of the app, or too large to be a real requirements file, is not read:
    the Python buildpack's build says what is wrong with it.
    """
    found: set[str] = set()
    seen: set[Path] = set()

    def read(path: Path) -> None:
        if path in seen or not is_file(path) or not inside_app(path, app_dir) or path.stat().st_size > MAX_REQUIREMENTS_BYTES:
            return
        seen.add(path)
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.split(" #", 1)[0].strip()
            include = _INCLUDE.match(line)
            if include:
                read(path.parent / include.group("path"))
            elif line and not line.startswith(("#", "-")):
                try:
                    found.add(canonicalize_name(Requirement(line).name))
                except InvalidRequirement:
                    continue

    for name in REQUIREMENTS_FILES:
        if (app_dir / name).is_file():
            read(app_dir / name)
            return found
    return _pyproject_dependencies(app_dir)


def _pyproject_dependencies(app_dir: Path) -> set[str]:
    """Canonical names in pyproject.toml's [project].dependencies, which the Python buildpack installs
    when the app has no requirements file. Lenient like declared_packages: anything unreadable is skipped."""
    path = app_dir / PYPROJECT
    if not is_file(path) or not inside_app(path, app_dir) or path.stat().st_size > MAX_REQUIREMENTS_BYTES:
        return set()
    try:
        dependencies = tomllib.loads(path.read_text(encoding="utf-8", errors="replace")).get("project", {}).get("dependencies", [])
    except (tomllib.TOMLDecodeError, ValueError, RecursionError, AttributeError):
        return set()
    found = set()
    for dependency in dependencies if isinstance(dependencies, list) else []:
        try:
            found.add(canonicalize_name(Requirement(dependency).name))
        except (InvalidRequirement, TypeError):
            continue
    return found


def procfile_processes_running(app_dir: Path, word: str) -> list[str]:
    """The names of the Procfile's processes whose command mentions `word`. Lenient: a Procfile the
    procfile buildpack would refuse (a link out of the app, too large) is not read."""
    procfile = app_dir / "Procfile"
    if not procfile.is_file() or not inside_app(procfile, app_dir) or procfile.stat().st_size > MAX_REQUIREMENTS_BYTES:
        return []
    names = []
    for line in procfile.read_text(encoding="utf-8", errors="replace").splitlines():
        name, colon, command = line.partition(":")
        if colon and not name.lstrip().startswith("#") and word in command:
            names.append(name.strip())
    return names


def settings_module(manage: Path, env: dict[str, str]) -> str | None:
    """`DJANGO_SETTINGS_MODULE` from the build env, else the default manage.py sets."""
    if env.get("DJANGO_SETTINGS_MODULE"):
        return env["DJANGO_SETTINGS_MODULE"]
    match = _SETTINGS_DEFAULT.search(manage.read_text(encoding="utf-8", errors="replace"))
    return match.group("module") if match else None


def is_module_path(name: str) -> bool:
    """`myproject.settings`, not `myproject/settings.py`: what importlib can import."""
    return bool(_MODULE_PATH.fullmatch(name))


def wsgi_beside_settings(project: Path, settings: str) -> str | None:
    """`<project>.wsgi.application` when `<project>/wsgi.py` sits beside the settings module
    (`project` is the folder the settings are imported from)."""
    package = settings.rpartition(".")[0]
    module = f"{package}.wsgi" if package else "wsgi"
    return f"{module}.application" if is_file(project / (module.replace(".", "/") + ".py")) else None
