"""Detect and build for the Django buildpack."""

from __future__ import annotations

from cnb.context import BuildContext, DetectContext
from cnb.errors import DetectFail
from cnb.launch import Process, write_launch
from cnb.log import Logger
from cnb.plan import BuildPlan, Require

from . import project

# What the Python buildpack provides: the app's Python and its installed dependencies.
PYTHON_PLAN_NAME = "python"


def detect(context: DetectContext, log: Logger) -> None:
    if not (context.app_dir / project.MANAGE_PY).is_file() or not project.declares_django(context.app_dir):
        raise DetectFail
    BuildPlan(requires=[Require(PYTHON_PLAN_NAME)]).write(context.build_plan_path)


def build(context: BuildContext, log: Logger) -> None:
    log.header("pycnb/django")
    log.section("Default processes")
    settings = project.settings_module(context.app_dir, context.env)
    wsgi = project.wsgi_module(context.app_dir, settings) if settings else None
    if wsgi is None:
        log.step("No WSGI module found beside the settings: no default web process (a Procfile can add one)")
        return
    # bash -c so that $PORT expands at launch; exec so gunicorn gets the container's signals.
    command = f"exec gunicorn {wsgi} --bind 0.0.0.0:${{PORT:-8000}}"
    log.step(f"web: {command} (default; a Procfile's web process replaces it)")
    write_launch(context.layers_dir, [Process("web", ["bash", "-c", command], default=True)])
