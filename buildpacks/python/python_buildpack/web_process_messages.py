"""The messages of the default web process (web_process.py): what was found and served, or the Procfile line to add."""

from __future__ import annotations

DOCS = "https://github.com/pycnb/pycnb#web-apps-that-are-not-django"
INTERFACES = {"wsgi": "WSGI", "asgi": "ASGI", "unknown": "WSGI or ASGI"}
ARTICLES = {"wsgi": "a", "asgi": "an", "unknown": "a"}

Warning = tuple[str, str]


def found_app(target: str, file: str, made_by: str, interface: str, server: str, command: str) -> str:
    return (f"web: {command}\n"
            f"  ({file} defines `{target.partition(':')[2]}`, made by {made_by}: "
            f"{ARTICLES[interface]} {INTERFACES[interface]} app, served with {server}, "
            "which the app installs; a Procfile's web process replaces this one)")


def project_script(script: str) -> str:
    return (f"web: {script}\n"
            f"  (the project's own [project.scripts] command; it must serve HTTP on $PORT; a Procfile's web process replaces this one)")


def no_default_process_step() -> str:
    return "none: the image has no default process (see the warning below)"


def no_server(target: str, file: str, interface: str, package: str, line: str) -> Warning:
    return (
        f"No server installed for the {INTERFACES[interface]} app in {file}",
        f"{file} defines the {INTERFACES[interface]} application `{target}`, but the app installs no server that pycnb\n"
        f"knows to run it with (gunicorn for WSGI; uvicorn, hypercorn, or gunicorn with uvicorn's worker for ASGI),\n"
        "so the image has no default process: `docker run` of it stops at once, and platforms cannot start it.\n"
        f"To fix: add `{package}` to the app's dependencies (requirements.txt, pyproject.toml) and build again,\n"
        f"or add a Procfile in the app's root with this line (and {package} in the dependencies):\n"
        f"    {line}\n"
        f"See {DOCS}",
    )


def no_app_found(skipped: list[str], scripts: list[str], files: tuple[str, ...], names: tuple[str, ...]) -> Warning:
    unread = "".join(f"\n  {entry} (skipped)" for entry in skipped)
    several = (f"\npyproject.toml's [project.scripts] names several commands ({', '.join(scripts)}) and none is called web:"
               " pycnb does not guess which one serves.") if len(scripts) > 1 else ""
    return (
        "No default web process: add a Procfile",
        "The app has no Procfile and no manage.py, and pycnb found no WSGI or ASGI application object to serve\n"
        f"(`{'`, `'.join(names)}` made at the top of {', '.join(files)} or of a package's __init__.py, app.py, main.py,\n"
        f"wsgi.py or asgi.py), nor a [project.scripts] command of the installed project.{several}{unread}\n"
        "So the image has no default process: `docker run` of it stops at once, and platforms cannot start it.\n"
        "To fix: add a file named Procfile in the app's root with the command that serves the app on $PORT, e.g.\n"
        "    web: gunicorn myapp:app --bind 0.0.0.0:$PORT\n"
        "for a WSGI app `app` in myapp.py (Flask), with gunicorn in the dependencies, or\n"
        "    web: uvicorn myapp:app --host 0.0.0.0 --port $PORT\n"
        "for an ASGI app (FastAPI), with uvicorn in the dependencies.\n"
        f"See {DOCS}",
    )
