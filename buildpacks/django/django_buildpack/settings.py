"""What the app's Django settings say, read by importing them in the app's own environment."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Recorded in every process that reads the app at build time (this inspection, collectstatic): the top-level
# names of the modules imported and of those looked up and not found, and the distributions asked for by name
# ("*" for a scan of all), so that a package added later that none of them reached cannot change what they
# made (static_files_cache). A finder consulted after every real one sees only what no real one found.
LOOKUPS = """
import atexit, json, os, sys
class _PycnbLookups:
    missing, distributions = set(), set()
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        cls.missing.add(name.partition(".")[0])
        return None
    @classmethod
    def find_distributions(cls, context=None):
        cls.distributions.add(getattr(context, "name", None) or "*")
        return iter(())
sys.meta_path.append(_PycnbLookups)
def _pycnb_lookups():
    return {"module_names": sorted({name.partition(".")[0] for name in list(sys.modules)} | _PycnbLookups.missing),
            "distributions_looked_up": sorted(_PycnbLookups.distributions)}
"""
# Runs in the app's virtual environment with the app's settings. Prints one marked JSON line,
# since settings modules may print things of their own.
_MARKER = "PYCNB-DJANGO-SETTINGS:"
# sys.argv[1] is the project folder, which replaces the `-c` default (the working folder) as
# sys.path[0], as it would be for `python manage.py`.
_SCRIPT = LOOKUPS + f"""
import importlib.util, json, os, sys, traceback
sys.path[0] = sys.argv[1]

# The file of each SQLite database (the engines that store one), as the setting names it.
def sqlite_databases(databases):
    from django.core.exceptions import ImproperlyConfigured
    if not isinstance(databases, dict):
        raise ImproperlyConfigured(f"DATABASES must be a dict of database aliases, not {{type(databases).__name__}}")
    found = {{}}
    for alias, database in databases.items():
        if not isinstance(database, dict):
            raise ImproperlyConfigured(f"DATABASES[{{alias!r}}] must be a dict of settings (ENGINE, NAME, ...), "
                                       f"not {{type(database).__name__}}")
        if any(part in str(database.get("ENGINE", "")) for part in ("sqlite3", "spatialite")):
            found[str(alias)] = str(database.get("NAME") or "")
    return found

# Whether the static files storage rewrites collected files (hashed names, a manifest) on every run.
def manifest_storage(settings):
    try:
        from django.contrib.staticfiles.storage import ManifestFilesMixin
        from django.utils.module_loading import import_string
        backend = settings.STORAGES.get("staticfiles", {{}}).get("BACKEND", "")
        return bool(backend) and issubclass(import_string(backend), ManifestFilesMixin)
    except Exception:
        return False

try:
    import django
    from django.conf import settings
    django.setup()
    # What collectstatic loads beyond the settings and the installed apps: its command (an app may replace
    # it) and the finders, so that module_files lists every module of the app collectstatic runs.
    try:
        from django.core.management import get_commands, load_command_class
        load_command_class(get_commands()["collectstatic"], "collectstatic")
        from django.contrib.staticfiles.finders import get_finders
        list(get_finders())
    except Exception:
        pass
    wsgi = getattr(settings, "WSGI_APPLICATION", None) or ""
    module = wsgi.rpartition(".")[0]
    report = {{
        "ok": True,
        "django_version": django.get_version(),
        "wsgi_application": wsgi,
        "wsgi_module_found": bool(module) and importlib.util.find_spec(module) is not None,
        "staticfiles_installed": "django.contrib.staticfiles" in settings.INSTALLED_APPS,
        "static_root": str(settings.STATIC_ROOT) if settings.STATIC_ROOT else "",
        "media_root": str(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else "",
        "sqlite_databases": sqlite_databases(settings.DATABASES),
        "manifest_storage": manifest_storage(settings),
        # The app's own modules that the settings, the installed apps and collectstatic's command and finders
        # loaded, settings first.
        "module_files": sorted(
            {{str(m.__file__) for m in list(sys.modules.values())
              if isinstance(getattr(m, "__file__", None), str) and m.__file__.startswith(os.getcwd() + os.sep)}},
            key=lambda f: (f != str(getattr(sys.modules.get(settings.SETTINGS_MODULE), "__file__", "")), f),
        ),
        **_pycnb_lookups(),
    }}
except BaseException as error:
    line = getattr(error, "lineno", None)
    report = {{
        "ok": False, "type": type(error).__name__, "message": str(error),
        "filename": getattr(error, "filename", None) or "", "lineno": line or 0,
        "traceback": traceback.format_exc(),
    }}
print({_MARKER!r} + json.dumps(report))
"""


@dataclass(frozen=True)
class Settings:
    django_version: str
    wsgi_application: str
    wsgi_module_found: bool
    staticfiles_installed: bool
    static_root: str
    module_files: list[str]
    media_root: str
    sqlite_databases: dict[str, str]  # alias -> NAME
    manifest_storage: bool = False  # STORAGES["staticfiles"] rewrites what collectstatic wrote
    # What the inspection reached (LOOKUPS): module names imported or looked up, distributions asked for.
    module_names: list[str] = field(default_factory=list)
    distributions_looked_up: list[str] = field(default_factory=lambda: ["*"])


@dataclass(frozen=True)
class ImportFailure:
    """Why the settings could not be imported at build time, as the exception said it."""

    type: str
    message: str
    filename: str
    lineno: int
    traceback: str


def inspect(python: Path, project: Path, settings_module: str, env: dict[str, str]) -> Settings | ImportFailure:
    """Import the settings as `python manage.py` would, run from `project` (the resolved manage.py's folder)."""
    result = subprocess.run(
        [str(python), "-c", _SCRIPT, str(project)], cwd=project, env={**env, "DJANGO_SETTINGS_MODULE": settings_module},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith(_MARKER)), None)
    if line is None:
        return ImportFailure("Crash", f"python exited with {result.returncode}", "", 0, (result.stdout + result.stderr)[-3000:])
    report = json.loads(line.removeprefix(_MARKER))
    if not report.pop("ok"):
        return ImportFailure(**report)
    return Settings(**report)
