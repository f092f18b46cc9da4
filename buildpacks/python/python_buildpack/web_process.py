"""The default `web` process of a Python web app that has no Procfile and is not a Django project:
its WSGI or ASGI application object, found by reading the source (never importing it), served
by the server the app installs; else a `[project.scripts]` command; else a warning with the
Procfile line to add.

The Django and Procfile buildpacks run after this one, and a later buildpack's process of the
same type replaces an earlier one's (Buildpack API: launch.toml), so their `web` always wins;
this one steps aside when their inputs are present anyway, so that their logs stay the only word.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from cnb.errors import BuildpackError
from cnb.launch import Process
from packaging.utils import canonicalize_name

from . import app_files
from . import web_process_messages as messages

# The files a WSGI/ASGI app object is found in, in this order: Flask's quickstart (app.py), FastAPI's
# tutorial (main.py), the names gunicorn and uvicorn docs use (wsgi.py, asgi.py), Elastic Beanstalk's
# (application.py), then the same names inside each top-level package, and a package's __init__.py
# (Flask's application-factory layout).
TOP_LEVEL_FILES = ("app.py", "main.py", "wsgi.py", "asgi.py", "application.py", "server.py", "api.py")
PACKAGE_FILES = ("__init__.py", "app.py", "main.py", "wsgi.py", "asgi.py", "application.py")
# The names servers look for (gunicorn's and uvicorn's docs use `app`; WSGI's PEP 3333 examples and
# mod_wsgi use `application`).
APP_NAMES = ("app", "application", "api")
# Flask's application factories (https://flask.palletsprojects.com/en/stable/patterns/appfactories/):
# gunicorn calls `module:create_app()`.
FACTORY_NAMES = ("create_app", "make_app")
# What the object is, from the callable that made it: the last part of its dotted name, or the whole
# dotted name where the last part is ambiguous (falcon.App is WSGI, falcon.asgi.App ASGI).
WSGI_CALLS = {"Flask", "Bottle", "get_wsgi_application", "make_wsgi_app"}
ASGI_CALLS = {"FastAPI", "Starlette", "Quart", "Litestar", "get_asgi_application"}
DOTTED_CALLS = {"falcon.App": "wsgi", "falcon.API": "wsgi", "falcon.asgi.App": "asgi"}
# Imports that say which interface an object of unknown make serves, when its file imports one of these.
WSGI_IMPORTS = {"flask", "bottle", "pyramid", "werkzeug"}
ASGI_IMPORTS = {"fastapi", "starlette", "quart", "litestar", "blacksheep"}
# A project's own script runs when it is one of these names, or the only one.
SCRIPT_NAMES = ("web", "serve", "server", "start")
# Django's buildpack owns apps with a manage.py; the Procfile buildpack those with a Procfile.
PROCFILE = "Procfile"
MANAGE_PY = "manage.py"
MANAGE_PY_ENV_VAR = "BP_DJANGO_MANAGE_PY"
BIND = "0.0.0.0:${PORT:-8000}"


@dataclass(frozen=True)
class AppObject:
    """An application object found in the source: `module:name` (`name()` for a factory), and its interface."""

    file: str        # app.py, myapp/__init__.py
    target: str      # app:app, myapp:create_app()
    interface: str   # wsgi | asgi | unknown
    made_by: str     # Flask, FastAPI, a factory, ...


@dataclass
class Findings:
    """What the source says, read before anything is installed; `skipped` explains a file that could not be read."""

    owner: str | None = None  # "Procfile" or "manage.py" when another buildpack gives the web process
    apps: list[AppObject] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    project_name: str | None = None
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    process: Process | None
    log: str                                  # the step line, or "" when another buildpack owns the process
    warning: tuple[str, str] | None = None


def _module(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    if isinstance(node, ast.Call):  # Flask(__name__).something(): the call's own callable
        return _dotted(node.func)
    return ""


def _interface(call: str, imports: set[str], file: str) -> str:
    """wsgi, asgi or unknown: from the callable, else from what the file imports, else from its name."""
    last = call.rpartition(".")[2]
    if call in DOTTED_CALLS:
        return DOTTED_CALLS[call]
    if last in WSGI_CALLS:
        return "wsgi"
    if last in ASGI_CALLS:
        return "asgi"
    if imports & ASGI_IMPORTS or Path(file).name == "asgi.py":
        return "asgi"
    if imports & WSGI_IMPORTS or Path(file).name == "wsgi.py":
        return "wsgi"
    return "unknown"


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def app_objects(source: str, relative: Path) -> list[AppObject]:
    """The application objects a module defines at its top level: `app = Flask(__name__)`, `application =
    get_wsgi_application()`, `app: FastAPI = FastAPI()`, or a factory `def create_app()`. Raises SyntaxError."""
    tree = ast.parse(source, filename=str(relative))
    imports = _imports(tree)
    module = _module(relative)
    found: dict[str, AppObject] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.FunctionDef) and node.name in FACTORY_NAMES and not node.args.args:
            interface = _interface("", imports, str(relative))
            found.setdefault(node.name, AppObject(str(relative), f"{module}:{node.name}()", interface, f"the factory {node.name}()"))
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in APP_NAMES and isinstance(value, ast.Call):
                call = _dotted(value.func)
                found[target.id] = AppObject(str(relative), f"{module}:{target.id}", _interface(call, imports, str(relative)),
                                             call or "a call")
    return [found[name] for name in (*APP_NAMES, *FACTORY_NAMES) if name in found]


def _candidate_files(app_dir: Path) -> list[Path]:
    files = [app_dir / name for name in TOP_LEVEL_FILES]
    try:
        packages = sorted(path.parent for path in app_dir.glob("*/__init__.py") if not path.parent.name.startswith((".", "_")))
    except OSError:
        packages = []
    for package in packages:
        if package.name in {"tests", "test", "venv", ".venv", "node_modules", "migrations"}:
            continue
        files += [package / name for name in PACKAGE_FILES]
    return [path for path in files if app_files.exists(path, file=True)]


def owner(app_dir: Path, env: dict[str, str]) -> str | None:
    """The file whose buildpack gives the web process instead: a Procfile, or Django's manage.py."""
    if app_files.exists(app_dir / PROCFILE) or (app_dir / PROCFILE).is_symlink():
        return PROCFILE
    if env.get(MANAGE_PY_ENV_VAR, "").strip() or app_files.exists(app_dir / MANAGE_PY, file=True):
        return MANAGE_PY
    try:
        if any(app_dir.glob(f"*/{MANAGE_PY}")):
            return MANAGE_PY
    except OSError:
        pass
    return None


def find(app_dir: Path, env: dict[str, str], pyproject: dict | None) -> Findings:
    """Everything the default web process depends on in the app's files, read before the first download."""
    findings = Findings(owner=owner(app_dir, env))
    if findings.owner:
        return findings
    for path in _candidate_files(app_dir):
        relative = path.relative_to(app_dir)
        try:
            findings.apps += app_objects(app_files.read_text(path, app_dir), relative)
        except BuildpackError as error:
            findings.skipped.append(f"{relative}: {error.title}")
        except SyntaxError as error:
            findings.skipped.append(f"{relative}, line {error.lineno}: {error.msg}")
        except (ValueError, RecursionError, MemoryError):  # a NUL byte; nesting too deep for the parser
            findings.skipped.append(f"{relative}: Python cannot parse it")
    project = (pyproject or {}).get("project", {})
    scripts = project.get("scripts", {}) if isinstance(project, dict) else {}
    if isinstance(scripts, dict):
        findings.scripts = [name for name, value in scripts.items()
                            if isinstance(name, str) and isinstance(value, str) and _safe_script(name)]
    name = project.get("name") if isinstance(project, dict) else None
    findings.project_name = name if isinstance(name, str) else None
    return findings


def _safe_script(name: str) -> bool:
    """A console script's name as a command word: no shell syntax can ride in on it."""
    return bool(name) and all(character.isalnum() or character in "._-" for character in name) and not name.startswith("-")


def server_command(app: AppObject, installed: set[str]) -> tuple[str, str] | None:
    """(command, server) serving `app` on $PORT with what the app installed, or None."""
    target = f"'{app.target}'" if "(" in app.target else app.target
    has = installed.__contains__
    wsgi = app.interface in ("wsgi", "unknown")
    asgi = app.interface in ("asgi", "unknown")
    if wsgi and has("gunicorn"):
        return f"gunicorn {target} --bind {BIND}", "gunicorn"
    if asgi and has("gunicorn") and has("uvicorn-worker"):
        return f"gunicorn {target} --worker-class uvicorn_worker.UvicornWorker --bind {BIND}", "gunicorn with uvicorn-worker"
    if asgi and has("gunicorn") and has("uvicorn"):
        return f"gunicorn {target} --worker-class uvicorn.workers.UvicornWorker --bind {BIND}", "gunicorn with uvicorn's worker"
    if asgi and has("uvicorn"):
        # uvicorn reads WEB_CONCURRENCY for its number of workers, as gunicorn does.
        factory = " --factory" if app.target.endswith("()") else ""
        return f"uvicorn {app.target.removesuffix('()')}{factory} --host 0.0.0.0 --port ${{PORT:-8000}}", "uvicorn"
    if asgi and has("hypercorn"):
        return f"hypercorn {target} --bind {BIND}", "hypercorn"
    if wsgi and has("waitress") and not app.target.endswith("()"):
        return f"waitress-serve --listen={BIND} {app.target}", "waitress"
    return None


def suggested_server(app: AppObject) -> tuple[str, str]:
    """(the package to add, the Procfile line that then serves the app)."""
    if app.interface == "asgi":
        factory = " --factory" if app.target.endswith("()") else ""
        return "uvicorn", f"web: uvicorn {app.target.removesuffix('()')}{factory} --host 0.0.0.0 --port $PORT"
    target = f"'{app.target}'" if "(" in app.target else app.target
    return "gunicorn", f"web: gunicorn {target} --bind 0.0.0.0:$PORT"


def decide(findings: Findings, installed: list[str]) -> Decision:
    """The default web process from what the source says and what is installed in the environment."""
    if findings.owner:
        return Decision(None, "")
    names = {canonicalize_name(name) for name in installed}
    for app in findings.apps:
        served = server_command(app, names)
        if served:
            command, server = served
            return Decision(_web(command), messages.found_app(app.target, app.file, app.made_by, app.interface, server, command))
    scripts = _chosen_scripts(findings, names)
    if len(scripts) == 1:
        return Decision(_web(scripts[0]), messages.project_script(scripts[0]))
    if findings.apps:
        app = findings.apps[0]
        package, line = suggested_server(app)
        return Decision(None, messages.no_default_process_step(), messages.no_server(app.target, app.file, app.interface, package, line))
    return Decision(None, messages.no_default_process_step(), messages.no_app_found(findings.skipped, scripts, TOP_LEVEL_FILES, APP_NAMES))


def _chosen_scripts(findings: Findings, installed: set[str]) -> list[str]:
    """The project's console scripts, when the project itself is installed (else they are not on PATH)."""
    if not findings.scripts or not findings.project_name or canonicalize_name(findings.project_name) not in installed:
        return []
    preferred = [name for name in SCRIPT_NAMES if name in findings.scripts]
    return preferred[:1] or findings.scripts


def _web(command: str) -> Process:
    # bash -c so that $PORT expands at launch, exec so the server gets the container's signals, as
    # the Django and Procfile buildpacks' processes do.
    return Process("web", ["bash", "-c", f"exec {command}"], default=True)
