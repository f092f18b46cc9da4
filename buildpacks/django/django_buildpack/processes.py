"""The default processes of a Django app: gunicorn serving WSGI_APPLICATION, and migrate."""

from __future__ import annotations

from cnb.launch import Process


def gunicorn_target(wsgi_application: str) -> str:
    """`myproject.wsgi.application` (Django's form) as `myproject.wsgi:application` (gunicorn's)."""
    module, _, attribute = wsgi_application.rpartition(".")
    return f"{module}:{attribute}"


def default_processes(wsgi_application: str | None, manage: str, working_dir: str | None = None) -> list[Process]:
    """`web` (the default, when there is a WSGI application) and `migrate`, for a release step;
    both run in `working_dir` (the project folder, when it is not the app's own)."""
    processes = []
    if wsgi_application:
        # bash -c so that $PORT expands at launch; exec so gunicorn gets the container's signals.
        # Workers: gunicorn reads WEB_CONCURRENCY, which the exec.d program sets from the limits.
        web = f"exec gunicorn {gunicorn_target(wsgi_application)} --bind 0.0.0.0:${{PORT:-8000}}"
        processes.append(Process("web", ["bash", "-c", web], default=True, working_dir=working_dir))
    processes.append(Process("migrate", ["bash", "-c", f"exec python {manage} migrate --noinput"], working_dir=working_dir))
    return processes
