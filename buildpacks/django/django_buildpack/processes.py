"""The default processes of a Django app: gunicorn serving WSGI_APPLICATION (migrating a SQLite
database in the container first), and migrate."""

from __future__ import annotations

from cnb.launch import Process

# Heroku's switch style (BP_<BUILDPACK>_<SETTING>): false keeps the default web process to gunicorn alone.
MIGRATE_AT_LAUNCH_ENV_VAR = "BP_DJANGO_MIGRATE_AT_LAUNCH"


def gunicorn_target(wsgi_application: str) -> str:
    """`myproject.wsgi.application` (Django's form) as `myproject.wsgi:application` (gunicorn's)."""
    module, _, attribute = wsgi_application.rpartition(".")
    return f"{module}:{attribute}"


def default_processes(wsgi_application: str | None, manage: str, working_dir: str | None = None,
                      migrate_first: bool = False) -> list[Process]:
    """`web` (the default, when there is a WSGI application) and `migrate`, for a release step;
    both run in `working_dir` (the project folder, when it is not the app's own). With
    `migrate_first`, web migrates before gunicorn starts: a SQLite database in a new container is
    empty, and nothing else would create its tables."""
    processes = []
    migrate = f"python {manage} migrate --noinput"
    if wsgi_application:
        # bash -c so that $PORT expands at launch; exec so gunicorn gets the container's signals.
        # Workers: gunicorn reads WEB_CONCURRENCY, which the exec.d program sets from the limits.
        web = f"exec gunicorn {gunicorn_target(wsgi_application)} --bind 0.0.0.0:${{PORT:-8000}}"
        if migrate_first:
            said = ("pycnb/django: migrating the SQLite database before gunicorn starts "
                    f"(build with {MIGRATE_AT_LAUNCH_ENV_VAR}=false to skip)")
            web = f"echo '{said}' >&2 && {migrate} && {web}"
        processes.append(Process("web", ["bash", "-c", web], default=True, working_dir=working_dir))
    processes.append(Process("migrate", ["bash", "-c", f"exec {migrate}"], working_dir=working_dir))
    return processes
