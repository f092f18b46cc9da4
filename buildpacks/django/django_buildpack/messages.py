"""Every message the Django buildpack shows a user: what happened, what was found, how to fix it."""

from __future__ import annotations

import re

from cnb.errors import BuildpackError

Warning = tuple[str, str]
BUILD_ENV_HOWTO = (
    "Give it a build-time value: `pack build --env {name}=<value>`, or in project.toml:\n"
    '  [[io.buildpacks.build.env]]\n  name = "{name}"\n  value = "<value>"\n'
    "A build-time value stays out of the image; the real one is set when the app runs."
)
APP_ROOT = "/workspace/"
# Why collectstatic did not run: what it reads is the same as in an earlier build (static_files_cache.py).
STATIC_FILES_UNCHANGED = ("the settings, the app modules they load, the app's other files, the packages and the environment "
                          "are as in an earlier build (changed modules and added packages nothing imports at build time, "
                          "such as views, do not count)")
_APP_FRAME = re.compile(r'File "(?P<file>/workspace/[^"]+)", line (?P<line>\d+)[^\n]*\n(?P<code>[^\n]*)')
_EXCEPTION_LINE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception|Configured|Exit)\b.*$", re.MULTILINE)


def _excerpt(text: str) -> str:
    """Where in the app it failed (the last frame in the app's own files) and the exception itself."""
    lines = []
    frames = list(_APP_FRAME.finditer(text))
    if frames:
        frame = frames[-1]
        lines.append(f"{frame['file'].removeprefix(APP_ROOT)}, line {frame['line']}: {frame['code'].strip()}")
    exceptions = _EXCEPTION_LINE.findall(text)
    lines.append(exceptions[-1].strip() if exceptions else "\n".join(text.strip().splitlines()[-5:]))
    return "\n".join(lines)


# Detect

def no_manage_py(manage: str, one_folder_down: list[str]) -> str:
    if len(one_folder_down) > 1:
        return (f"pycnb/django: Django is declared but {manage} is missing, and several folders hold one ({', '.join(one_folder_down)}); "
                "set BP_DJANGO_MANAGE_PY to the path of the one to use")
    return (f"pycnb/django: Django is declared but {manage} is missing (at the top or one folder down); "
            "set BP_DJANGO_MANAGE_PY to its path in the app")


def manage_py_outside_app(manage: str, env_var: str) -> str:
    return f"pycnb/django: {manage} leads outside the app, so it is not read; {env_var} must name a file inside the app"


# Build summary

def project_summary(folder: str, manage: str, real_manage: str, found_one_folder_down: bool) -> str:
    """The Project line of a project not at the app's top: where it is and how it was found."""
    if found_one_folder_down:
        return f"{folder}/ ({manage}: the only manage.py one folder down; BP_DJANGO_MANAGE_PY names another)"
    if real_manage != manage:
        return f"{folder}/ ({manage} leads to {real_manage})"
    return f"{folder}/"


def added_packages_summary(added: list[str], dependency_file: str, lock_file: bool) -> str:
    """What the Django buildpack asked pycnb/python to install, and how that relates to the app's own file."""
    if not added:
        return "none"
    how = "; pycnb/python adds them with pip after installing the lock" if lock_file else ""
    return f"{', '.join(added)} (not in {dependency_file}{how})"


# Inputs

def manage_py_outside_app_at_build(manage: str) -> BuildpackError:
    return BuildpackError(
        f"{manage} leads outside the app",
        f"{manage}, with its links resolved, is not in the app folder, so it is neither read nor run.",
        [f"Make {manage} a file in the app, or a link to one inside it (e.g. manage.py -> backend/manage.py)."],
    )


def no_python_environment() -> BuildpackError:
    return BuildpackError(
        "No Python environment to run Django in",
        "The Django buildpack runs after pycnb/python, which sets VIRTUAL_ENV; it is not set.",
        ["Build with the pycnb builder, or put pycnb/python before pycnb/django in the order."],
    )


def python_env_failed(command: str, output: str) -> BuildpackError:
    return BuildpackError(
        "Could not unpack the Python runtime and environment from the build cache" if command == "materialize"
        else "Could not remove the unpacked Python runtime and environment",
        f"pycnb/python keeps them in the previous image and in the build cache; `{command}` failed:\n{output.strip()}",
        ["Build again; if it fails again, rebuild from scratch with `pack build --clear-cache`."],
    )


def no_settings_module(manage: str) -> BuildpackError:
    return BuildpackError(
        "Cannot tell which settings module the app uses",
        f"DJANGO_SETTINGS_MODULE is not set and {manage} does not set a default with os.environ.setdefault(...).",
        ["Set DJANGO_SETTINGS_MODULE at build time (e.g. `pack build --env DJANGO_SETTINGS_MODULE=myproject.settings`)."],
    )


def invalid_settings_module(module: str, source: str) -> BuildpackError:
    return BuildpackError(
        f"The settings module {module!r} is not a Python module path",
        f"{source} names the settings as {module!r}; Django imports them by a dotted module path.",
        ["Write it as a dotted path without `.py`, e.g. `myproject.settings` for myproject/settings.py."],
    )


def wsgi_application_not_found(wsgi: str, settings_module: str) -> BuildpackError:
    return BuildpackError(
        f"WSGI_APPLICATION points to a module that does not exist: {wsgi}",
        f"WSGI_APPLICATION = {wsgi!r} in {settings_module}, but the module {wsgi.rpartition('.')[0]!r} cannot be found.",
        ["Point WSGI_APPLICATION at your project's wsgi module, e.g. 'myproject.wsgi.application'.",
         "Or define the web process yourself in a Procfile."],
    )


def settings_not_importable_warning(settings_module: str, title: str) -> Warning:
    return (
        f"The settings ({settings_module}) cannot be imported at build time",
        f"{title}.\nThe default web process uses the wsgi.py beside the settings instead of WSGI_APPLICATION.",
    )


def no_wsgi_module(settings_module: str) -> Warning:
    return (
        "No default web process",
        f"Neither WSGI_APPLICATION nor a wsgi.py beside {settings_module} names the WSGI application.\n"
        "Add a Procfile with a web process, e.g. `web: gunicorn myproject.wsgi`.",
    )


# How a user adds a package to each lock file.
ADD_COMMANDS = {"uv": "uv add gunicorn", "poetry": "poetry add gunicorn", "pipenv": "pipenv install gunicorn"}


def gunicorn_not_installed(dependency_file: str, manager: str | None) -> Warning:
    add = (f"Run `{ADD_COMMANDS[manager]}` and commit {dependency_file}" if manager in ADD_COMMANDS
           else f"Add gunicorn to {dependency_file}")
    return (
        f"gunicorn is not in {dependency_file}",
        "The default web process runs gunicorn, and BP_DJANGO_AUTO_INSTALL=false stops the buildpack adding it.\n"
        f"{add}, or define the web process in a Procfile.",
    )


def database_requires_tls(calls: list[tuple[str, int, str]]) -> Warning:
    """`calls`: (file, line, code) of each django_heroku.settings() call that leaves its database handling on."""
    where = "\n".join(f"  {file}, line {line}: {code}" for file, line, code in calls)
    return (
        "django-heroku will require TLS of the database (sslmode=require)",
        f"{where}\n"
        "With DATABASE_URL set, django_heroku.settings() configures the database with sslmode=require, so against\n"
        "a PostgreSQL without TLS (a private network with SSL off) the app fails at its first query:\n"
        '  "server does not support SSL, but SSL was required". Neither PGSSLMODE nor ?sslmode=disable\n'
        "in DATABASE_URL changes that. If your database offers TLS, there is nothing to do. Otherwise either:\n"
        "  1. Drop the requirement right after the call (libpq's default, prefer, applies, and PGSSLMODE works again):\n"
        '       DATABASES["default"].get("OPTIONS", {}).pop("sslmode", None)\n'
        "  2. Or configure the database yourself:\n"
        "       django_heroku.settings(locals(), databases=False)\n"
        '       DATABASES = {"default": dj_database_url.config(conn_max_age=600, ssl_require=False)}  # import dj_database_url\n'
        "See \"Databases without TLS\" in pycnb's docs/apps.md.",
    )


def static_root_unset() -> str:
    return "STATIC_ROOT is not set. To have static files collected, add to the settings: STATIC_ROOT = BASE_DIR / \"staticfiles\""


def static_root_outside_app(static_root: str, app_dir: str) -> BuildpackError:
    return BuildpackError(
        "STATIC_ROOT is outside the app",
        f"STATIC_ROOT = {static_root!r}; only files under {app_dir} become part of the image.",
        ['Set STATIC_ROOT to a folder inside the project, e.g. BASE_DIR / "staticfiles".'],
    )



# Files the app writes at run time

def media_root_outside_app(setting: str, folder: str) -> Warning:
    return (
        f"{setting} is outside the app: the app cannot save uploads there at run time",
        f"{setting} = {folder!r}. The run image's user may create files only in the app folder and the folders the build\n"
        "opens for it (and /tmp); anything else in the image belongs to root or to the build.\n"
        f'Set {setting} inside the project, e.g. BASE_DIR / "media", and the build makes it writable;\n'
        f"or mount a volume there when the app runs (docker run -v media:{folder}); or keep uploads in object storage\n"
        "(django-storages): files written to the container's disk are lost when it restarts.",
    )


def sqlite_outside_app(setting: str, folder: str) -> Warning:
    return (
        f"The SQLite database of {setting} is in a folder outside the app, which the app cannot write to",
        f"The database's folder is {folder!r}. SQLite creates its -journal and -wal files beside the database,\n"
        "so the folder must take new files; at run time only the app folder, the folders the build opens and /tmp do.\n"
        'Keep the database in the project (NAME = BASE_DIR / "db.sqlite3"), or mount a volume at that folder,\n'
        "or use a database server (DATABASE_URL): files on the container's disk are lost when it restarts.",
    )


def sqlite_database_in_build(name: str, setting: str) -> Warning:
    return (
        f"The SQLite database {name} is part of the app, so the app can only read it at run time",
        f"{setting} names {name}, which the build found in the app (committed, or made by a build step).\n"
        "Files the build writes are read-only for the app's user: writes fail with `attempt to write a readonly database`.\n"
        f"Leave {name} out of the app (.gitignore, or `exclude` in project.toml) and create it at run time with\n"
        "`python manage.py migrate` (the `migrate` process, or in the Procfile), or use a database server (DATABASE_URL).",
    )


def _processes(processes: list[str]) -> str:
    return f"the Procfile's {', '.join(processes)} process{'es' if len(processes) > 1 else ''}"


def static_root_replaceable_reason(processes: list[str]) -> str:
    return f"STATIC_ROOT: collectstatic in {_processes(processes)} rewrites it"


def replaceable_at_launch(processes: list[str]) -> str:
    return (f"At the start of {_processes(processes)}, the app's user takes over the files the build wrote there "
            "(its own copies), so that collectstatic can rewrite them; code and packages stay read-only")


def collectstatic_at_run_time(processes: list[str]) -> Warning:
    return (
        f"collectstatic in {_processes(processes)} will fail with this static files storage and BP_APP_READ_ONLY=true",
        "The settings' staticfiles storage is a manifest storage: every collectstatic deletes and rewrites its hashed\n"
        "files and manifest. With BP_APP_READ_ONLY=true, STATIC_ROOT is read-only at run time: PermissionError.\n"
        "The build has already collected the static files.\n"
        f"Remove `python manage.py collectstatic` from {_processes(processes)}, or build without BP_APP_READ_ONLY.",
    )


def static_root_outside_app_at_run_time(static_root: str, processes: list[str]) -> Warning:
    return (
        f"STATIC_ROOT is outside the app: collectstatic in {_processes(processes)} cannot write there at run time",
        f"STATIC_ROOT = {static_root!r} is not in the app, so the build cannot open it for the app's user.\n"
        'Point it into the project (STATIC_ROOT = BASE_DIR / "staticfiles"), or remove `python manage.py collectstatic`\n'
        "from the Procfile: the build runs it.",
    )


def static_root_holds_code(folder: str, code: str, processes: list[str]) -> Warning:
    return (
        f"STATIC_ROOT ({folder}) holds the app's code ({code}), so collectstatic in {_processes(processes)} cannot rewrite it",
        "The build lets the app's user replace the files in STATIC_ROOT when a Procfile process runs collectstatic,\n"
        "but never where the app's code is. Give STATIC_ROOT a folder of its own (STATIC_ROOT = BASE_DIR / \"staticfiles\"),\n"
        "or remove `python manage.py collectstatic` from the Procfile: the build runs it.",
    )


def migrate_at_launch(database: str, env_var: str, turned_off_by: str | None) -> str:
    if turned_off_by is not None:
        return (f"web does not migrate the SQLite database {database} first ({env_var}={turned_off_by}): "
                "run the migrate process in each new container before the app serves requests")
    return (f"web migrates the SQLite database {database} before gunicorn starts: each new container's database is empty "
            f"(build with {env_var}=false to skip)")


def not_a_writable_folder(setting: str, folder: str, reason: str) -> Warning:
    return (
        f"{setting} cannot be made writable: {folder} {reason.removeprefix('it ')}",
        f"The build opens the folders the app writes to for the app's user; {folder} is left as it is.\n"
        f"Point {setting} at a plain folder inside the project, or leave {folder} out of the app.",
    )


def settings_unread_for_writable(settings_module: str) -> str:
    return (f"The settings ({settings_module}) could not be read, so MEDIA_ROOT and SQLite folders outside the app folder "
            "are not known: only the app folder is writable")

# Why Django failed, read from its traceback or output: (pattern, cause). The first match wins.
_MISSING_ENV_VAR = (
    re.compile(r"KeyError: '([A-Z][A-Z0-9_]*)'"),
    re.compile(r"Set the ([A-Z][A-Z0-9_]*) environment variable"),
    re.compile(r"The (SECRET_KEY) setting must not be empty"),
)
_MISSING_STATIC_FILE = re.compile(r"The file '([^']+)' could not be found with <([\w.]+)")
_SYNTAX_ERROR = re.compile(r'File "([^"]+)", line (\d+)(?:(?!File ").)*SyntaxError: (.+)', re.DOTALL)
_NO_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
# Django's own words when ctypes.util.find_library finds no GDAL or GEOS (django/contrib/gis/gdal/libgdal.py, geos/libgeos.py).
_GEO_LIBRARY = re.compile(r"Could not find the (GDAL|GEOS) library")
_IMPROPERLY_CONFIGURED = re.compile(r"ImproperlyConfigured: (.+)")
_SYSTEM_CHECKS = re.compile(r"SystemCheckError: System check identified some issues:\s*(.+?)(?:\n\s*\n|\Z)", re.DOTALL)


def diagnose(what: str, text: str, settings_module: str) -> BuildpackError:
    """The cause of a failure of `what` (e.g. "collectstatic"), from Django's output, with its fix."""
    tail = _excerpt(text)
    for pattern in _MISSING_ENV_VAR:
        match = pattern.search(text)
        if match:
            name = match.group(1)
            return BuildpackError(
                f"{what} failed: the settings need {name}, which is not set at build time",
                f"The settings read the env var {name}, which most platforms set only when the app runs.\n\n{tail}",
                [BUILD_ENV_HOWTO.format(name=name), f'Or give it a default in the settings: os.environ.get("{name}", "...").',
                 "Or turn collectstatic off with DISABLE_COLLECTSTATIC=1."],
            )
    match = _MISSING_STATIC_FILE.search(text)
    if match:
        return BuildpackError(
            f"{what} failed: a static file is referenced but missing: {match.group(1)}",
            f"{match.group(2)} checks every file that CSS and other static files refer to, "
            f"and {match.group(1)} is not among them.\n\n{tail}",
            [f"Add {match.group(1)} to a static folder, or fix the reference to it.",
             "Run `python manage.py collectstatic --noinput` locally to see it."],
        )
    match = _SYNTAX_ERROR.search(text)
    if match:
        return BuildpackError(
            f"{what} failed: a syntax error in {match.group(1).rpartition('/')[2]}, line {match.group(2)}",
            f"{match.group(1)}, line {match.group(2)}: {match.group(3).strip()}",
            ["Fix the syntax error, then build again (`python -m py_compile FILE` finds it locally)."],
        )
    match = _NO_MODULE.search(text)
    if match:
        module = match.group(1)
        if settings_module == module or settings_module.startswith(module + "."):
            return BuildpackError(
                f"{what} failed: the settings module {settings_module} cannot be imported",
                f"No module named {module!r} in the app.\n\n{tail}",
                ["Set DJANGO_SETTINGS_MODULE (or the default in manage.py) to the dotted path of your settings."],
            )
        return BuildpackError(
            f"{what} failed: the app imports {module}, which is not installed",
            tail,
            [f"Add the package that provides {module} to requirements.txt."],
        )
    match = _SYSTEM_CHECKS.search(text)
    if match:
        return BuildpackError(f"{what} failed: Django's system checks found errors", match.group(1).strip(),
                              ["Fix what the checks name above; `python manage.py check --deploy` shows them locally."])
    match = _GEO_LIBRARY.search(text)
    if match:
        library = match.group(1)
        return BuildpackError(
            f"{what} failed: GeoDjango cannot find the {library} library",
            f"Django looks for {library} with ctypes.util.find_library, and found none. With pycnb/apt in the builder\n"
            f"(first in pycnb's order), the build installs GDAL, GEOS and PROJ and makes find_library see them;\n"
            f"this build had no {library} where find_library looks (the system's library cache, or a compiler's search path).\n\n{tail}",
            ["Build with a builder whose order has pycnb/apt before pycnb/django (pycnb's builder has it).",
             "Or install GDAL, GEOS and PROJ with another buildpack and name their files in the settings, e.g.:\nimport os\n"
             'GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH")\nGEOS_LIBRARY_PATH = os.environ.get("GEOS_LIBRARY_PATH")'],
        )
    match = _IMPROPERLY_CONFIGURED.search(text)
    if match:
        return BuildpackError(f"{what} failed: Django says the settings are improperly configured", match.group(1).strip(),
                              ["Fix the setting Django names above."])
    # Importing the settings is what every manage.py command does first; `check` does little else.
    reproduce = "collectstatic --noinput" if what == "collectstatic" else "check"
    return BuildpackError(f"{what} failed", tail,
                          [f"Run `python manage.py {reproduce}` locally to reproduce it.", "Or turn it off with DISABLE_COLLECTSTATIC=1."])
