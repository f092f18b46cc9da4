"""Detect and build for the Django buildpack; build reads like its log."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cnb.context import BuildContext, DetectContext
from cnb.errors import DetectFail
from cnb.launch import write_launch
from cnb.layers import Layers
from cnb.log import Logger
from cnb import app_files, permissions, python_env
from cnb.plan import BuildPlan, Require, write_alternatives

from . import (collectstatic, database_tls, dependencies, messages, processes, project, replaceable_at_launch, settings,
               static_files_cache, writable)

# What the Python buildpack provides: the app's Python and its installed dependencies.
PYTHON_PLAN_NAME = "python"
# What pycnb/apt provides: Debian packages. GeoDjango loads GDAL, GEOS and PROJ at run time
# (https://docs.djangoproject.com/en/5.2/ref/contrib/gis/install/geolibs/); these are their trixie
# runtime packages, no headers: GeoDjango binds them with ctypes.
APT_PLAN_NAME = "apt"
GEODJANGO_PACKAGES = ["libgdal36", "libgeos-c1t64", "libproj25"]
# Django looks GDAL and GEOS up with ctypes.util.find_library("gdal") / ("geos_c") unless the settings
# name the files; pycnb/apt makes that lookup find its layer (apt_buildpack/find_library.py says how and
# why), so unmodified settings work at build and at launch.
GEODJANGO_FIND_LIBRARY = ["gdal", "geos_c"]
AUTO_INSTALL_ENV_VAR = "BP_DJANGO_AUTO_INSTALL"
# What every Django app on a Heroku-style platform runs with, at versions known to work
# together with Django 4.2-5.2 on Python 3.11-3.13 (gunicorn: the newest release, 27.0.1, 2026-11).
# The user's own pin always wins.
KNOWN_GOOD = {"gunicorn": "gunicorn==27.0.1", "django-heroku": "django-heroku==0.3.1"}
WEB_CONCURRENCY_LAYER = "web-concurrency"
# Importing the app at build time (settings, collectstatic) would leave __pycache__ in the app:
# timestamp-based .pyc recording the checkout's file times, so two checkouts of one commit gave
# different images, and useless at run time, since the lifecycle exports the sources with the
# time 1980-01-01 and Python finds every such .pyc stale. So the app's commands write none.
BUILD_TIME_ENV = {"PYTHONDONTWRITEBYTECODE": "1"}


def detect(context: DetectContext, log: Logger) -> None:
    declared = dependencies.declared_packages(context.app_dir, context.env)
    if "django" not in declared:
        raise DetectFail
    manage = project.manage_py(context.app_dir, context.env)
    if not app_files.inside_app(manage, context.app_dir):
        raise DetectFail(messages.manage_py_outside_app(context.env.get(project.MANAGE_PY_ENV_VAR) or project.MANAGE_PY,
                                                        project.MANAGE_PY_ENV_VAR))
    if not app_files.is_file(manage):
        candidates = [str(path.relative_to(context.app_dir)) for path in project.manage_py_one_folder_down(context.app_dir)]
        raise DetectFail(messages.no_manage_py(str(manage.relative_to(context.app_dir)), candidates))
    added = packages_to_add(declared, context.flag(AUTO_INSTALL_ENV_VAR, default=True))
    python = Require(PYTHON_PLAN_NAME, {"packages": added} if added else {})
    if project.uses_geodjango(manage, context.app_dir, context.env):
        # Without pycnb/apt in the builder, the second plan still builds the app (with GDAL from elsewhere).
        with_libraries = BuildPlan(
            requires=[python, Require(APT_PLAN_NAME, {"packages": GEODJANGO_PACKAGES, "find_library": GEODJANGO_FIND_LIBRARY})]
        )
        write_alternatives(context.build_plan_path, with_libraries, BuildPlan(requires=[python]))
    else:
        BuildPlan(requires=[python]).write(context.build_plan_path)


def packages_to_add(declared: set[str], auto_install: bool) -> list[str]:
    """The known-good pins of what the app needs but does not declare. Detect asks pycnb/python
    for them; build works them out again, since a buildpack's plan holds only what it provides."""
    return [pin for name, pin in KNOWN_GOOD.items() if name not in declared] if auto_install else []


def build(context: BuildContext, log: Logger) -> None:
    with python_env.AppPython(log, messages.python_env_failed) as app_python:
        _build(context, log, app_python)


def _build(context: BuildContext, log: Logger, app_python: python_env.AppPython) -> None:
    log.header("pycnb/django")
    app, env = context.app_dir, {**context.env, **BUILD_TIME_ENV}
    log.add_secrets_from_env(env)

    # Read and check everything before running anything.
    if not env.get("VIRTUAL_ENV"):
        raise messages.no_python_environment()
    manage = project.manage_py(app, env)
    manage_name = str(manage.relative_to(app))
    # The project is imported, and its commands run, the way `python manage.py` does it: from the
    # folder of the real manage.py. `manage.py -> backend/manage.py` (a backend/frontend
    # repository) runs backend/manage.py with backend/ on sys.path. Detect refused a link out of the app.
    real_manage = project.real_manage_py(manage)
    if not app_files.inside_app(real_manage, app):
        raise messages.manage_py_outside_app_at_build(manage_name)
    project_folder = project.project_dir(manage)
    nested = project_folder != Path(os.path.realpath(app))
    project_shown = str(project_folder.relative_to(os.path.realpath(app))) if nested else "."
    real_shown = str(real_manage.relative_to(os.path.realpath(app)))
    settings_module = project.settings_module(manage, env)
    if not settings_module:
        raise messages.no_settings_module(manage_name)
    if not project.is_module_path(settings_module):
        raise messages.invalid_settings_module(settings_module,
                                               "DJANGO_SETTINGS_MODULE" if env.get("DJANGO_SETTINGS_MODULE") else manage_name)
    # pycnb/python says which file it installed from; detect could not ask, so it chose by the same rule.
    python_chose = python_env.chosen(env)
    declared = dependencies.declared_packages(app, env, python_chose)
    dependency_name, dependency_manager = dependencies.dependency_file(app, env, python_chose)
    added = packages_to_add(declared, context.flag(AUTO_INSTALL_ENV_VAR, default=True))
    turned_off = collectstatic.turned_off(env)
    read_only = context.flag(permissions.READ_ONLY_ENV_VAR, default=False)
    migrate_at_launch = context.flag(processes.MIGRATE_AT_LAUNCH_ENV_VAR, default=True)
    procfile = project.procfile_commands(app)
    collectstatic_processes = project.procfile_processes_running(app, "collectstatic")
    writes = writable.Plan()

    static_root: Path | None = None
    layers = Layers(context.layers_dir)
    app_state = static_files_cache.app_state(app, project_folder, env, settings_module)
    cached = static_files_cache.restore(layers, app_state)
    if cached:
        inspected: settings.Settings | settings.ImportFailure = cached.settings
    else:
        python, python_env_vars = app_python.get(env)
        inspected = settings.inspect(python, project_folder, settings_module, python_env_vars)
    if isinstance(inspected, settings.ImportFailure):
        failure = messages.diagnose("Importing the settings", inspected.traceback, settings_module)
        if turned_off is None:
            raise failure
        log.warning(*messages.settings_not_importable_warning(settings_module, failure.title))
        wsgi = project.wsgi_beside_settings(project_folder, settings_module)
        skip = turned_off
    else:
        wsgi = inspected.wsgi_application or None
        if wsgi and not inspected.wsgi_module_found:
            raise messages.wsgi_application_not_found(wsgi, settings_module)
        # A relative STATIC_ROOT is relative to the folder manage.py runs in.
        static_root = project_folder / inspected.static_root if inspected.static_root else None
        if static_root and turned_off is None and not static_root.resolve().is_relative_to(app.resolve()):
            raise messages.static_root_outside_app(inspected.static_root, str(app))
        skip = turned_off or collectstatic.skip_reason(inspected)
        if not read_only:
            # A relative MEDIA_ROOT, STATIC_ROOT or database NAME is relative to the folder manage.py runs in.
            writes = writable.plan(app, inspected, project_folder, collectstatic_processes)
        elif (rewrites := writable.collectstatic_at_run_time(collectstatic_processes, inspected)) and not skip:
            writes.warnings.append(rewrites)
    # The default web process migrates first when it is the one that runs and the default database is a
    # SQLite file the container can write: each new container starts with no database at all.
    sqlite_at_launch = (writable.default_sqlite_at_run_time(app, inspected, project_folder, [] if read_only else writes.folders)
                        if isinstance(inspected, settings.Settings) and wsgi and "web" not in procfile else None)
    migrate_first = bool(sqlite_at_launch) and migrate_at_launch
    tls_calls = database_tls.scan(app, settings_module, inspected.module_files if isinstance(inspected, settings.Settings) else [])

    log.summary(
        "Django",
        [
            *([("Project", messages.project_summary(project_shown, manage_name, real_shown,
                                                    project.found_one_folder_down(manage, app, env)))]
              if nested else []),
            ("Django", inspected.django_version if isinstance(inspected, settings.Settings) else "settings not importable at build time"),
            ("Settings", settings_module),
            ("Added packages", messages.added_packages_summary(added, dependency_name, dependencies.is_lock_file(dependency_manager))),
            ("collectstatic", f"skipped: {skip}" if skip else f"reuse: {messages.STATIC_FILES_UNCHANGED}"
             if cached and cached.has_static_files else "run"),
            ("Web process", f"{'migrate, then ' if migrate_first else ''}gunicorn {processes.gunicorn_target(wsgi)}" if wsgi else "none"),
            ("Workers", "WEB_CONCURRENCY from the container's CPU and memory limits, at launch"),
        ],
    )
    if "gunicorn" not in declared and not any(p.startswith("gunicorn") for p in added):
        log.warning(*messages.gunicorn_not_installed(dependency_name, dependency_manager))
    if tls_calls:
        log.warning(*messages.database_requires_tls([(call.file, call.line, call.code) for call in tls_calls]))
    for warning in writes.warnings:
        log.warning(*warning)

    log.section("Static files")
    collected = None
    if skip:
        log.step(f"Skipping collectstatic: {skip}")
    elif cached and cached.has_static_files and static_root:
        log.step(f"Using the static files of an earlier build: {messages.STATIC_FILES_UNCHANGED}")
        static_files_cache.unpack(layers, cached.key, static_root)
    else:
        python, python_env_vars = app_python.get(env)
        collected = collectstatic.run(log, python, real_manage, python_env_vars, settings_module)
    if cached:
        static_files_cache.keep(layers, cached.key)
    elif isinstance(inspected, settings.Settings):
        static_files_cache.save(layers, app_state, inspected, static_files_cache.loaded_modules(app, inspected, real_manage),
                                None if skip else static_root, collected)

    # STATIC_ROOT is in the app: what collectstatic wrote gets the same protection as the app's code.
    # This buildpack runs last of those writing into the app, so it sets the folders the app may write to.
    log.section("App files")
    replaceable: dict[Path, str] = {}
    if read_only:
        log.step(permissions.describe(permissions.remove_write_for_others(app)))
        log.step(f"{permissions.READ_ONLY_ENV_VAR}={env[permissions.READ_ONLY_ENV_VAR]}: "
                 "MEDIA_ROOT and SQLite folders are not made writable")
    else:
        if isinstance(inspected, settings.ImportFailure):
            log.step(messages.settings_unread_for_writable(settings_module))
        applied = permissions.apply(app, writes.folders)
        for line in permissions.describe_applied(app, applied):
            log.step(line)
        # The plan makes STATIC_ROOT the only replaceable folder; one apply refused got its warning there.
        replaceable = {app / folder.path: "STATIC_ROOT" for folder in applied.writable if folder.replaceable}
    taking_over = replaceable_at_launch.write(layers, context.buildpack_dir, replaceable, collectstatic_processes)
    if taking_over:
        log.step(messages.replaceable_at_launch(taking_over))

    log.section("Default processes")
    default = processes.default_processes(wsgi, real_manage.name if nested else manage_name, str(project_folder) if nested else None,
                                          migrate_first=migrate_first)
    if not wsgi:
        log.warning(*messages.no_wsgi_module(settings_module))
    if sqlite_at_launch:
        shown = sqlite_at_launch.relative_to(app) if sqlite_at_launch.is_relative_to(app) else sqlite_at_launch
        turned_off_by = None if migrate_first else env.get(processes.MIGRATE_AT_LAUNCH_ENV_VAR)
        log.step(messages.migrate_at_launch(str(shown), processes.MIGRATE_AT_LAUNCH_ENV_VAR, turned_off_by))
    for process in default:
        note = " (default; a Procfile's web process replaces it)" if process.default else ""
        where = f" (in {project_shown}/)" if process.working_dir else ""
        log.step(f"{process.type}: {process.command[-1]}{where}{note}")
    write_launch(context.layers_dir, default)

    log.section("Worker count")
    layer = layers.get(WEB_CONCURRENCY_LAYER)
    layer.reset()
    program = layer.path / "exec.d" / "web-concurrency"
    program.parent.mkdir()
    shutil.copy2(context.buildpack_dir / "django_buildpack" / "exec.d" / "web-concurrency", program)
    program.chmod(0o755)
    layer.commit(launch=True)
    log.step("WEB_CONCURRENCY is set at launch from the container's CPU and memory limits, unless you set it")

    # What the settings and collectstatic unpacked of the Python layers goes again, so the export
    # reuses the previous image's layers instead of reading them all.
    python_env.release(log, messages.python_env_failed, env)
