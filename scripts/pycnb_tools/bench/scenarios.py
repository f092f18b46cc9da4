"""The reference app and what each scenario changes in a working copy of it before a build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..paths import ROOT

REFERENCE_APP = ROOT / "benchmarks" / "reference-app"
ADDED_DEPENDENCY = "django-extensions==4.1"

COLD, NO_CHANGE, CODE_CHANGE, ADD_DEPENDENCY, REMOVE_DEPENDENCY = "cold", "no-change", "code-change", "add-dependency", "remove-dependency"
# In this order within a repetition: each rebuild starts from the image and caches of the one before.
ALL = (COLD, NO_CHANGE, CODE_CHANGE, ADD_DEPENDENCY, REMOVE_DEPENDENCY)
QUICK = (COLD, CODE_CHANGE)
# The GeoDjango variant of the reference app (approach G), measured against the plain one.
GEODJANGO = (COLD, NO_CHANGE, CODE_CHANGE)
INSTALLED_APPS_END = "    'catalog',\n]"

GREETING = re.compile(r"^GREETING = .*$", re.MULTILINE)


def copy_reference_app(destination: Path) -> Path:
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(REFERENCE_APP, destination, ignore=shutil.ignore_patterns("__pycache__", "staticfiles"))
    return destination


def add_geodjango(app_dir: Path) -> None:
    """`django.contrib.gis` in INSTALLED_APPS, as Django's GeoDjango tutorial has it: Django loads GDAL and GEOS
    when it sets up, so collectstatic at build time needs the apt layer's libraries."""
    settings = app_dir / "myproject" / "settings.py"
    text = settings.read_text()
    assert INSTALLED_APPS_END in text, "the reference app's INSTALLED_APPS changed: update scenarios.INSTALLED_APPS_END"
    settings.write_text(text.replace(INSTALLED_APPS_END, "    'catalog',\n    'django.contrib.gis',\n]"))


def apply(scenario: str, app_dir: Path, repetition: int) -> None:
    """Make `scenario`'s change; the code change differs per repetition, so each is a real change."""
    requirements = app_dir / "requirements.txt"
    if scenario == CODE_CHANGE:
        views = app_dir / "catalog" / "views.py"
        views.write_text(GREETING.sub(f"GREETING = 'catalog ready, revision {repetition}'", views.read_text()))
    elif scenario == ADD_DEPENDENCY:
        requirements.write_text(requirements.read_text() + ADDED_DEPENDENCY + "\n")
    elif scenario == REMOVE_DEPENDENCY:
        requirements.write_text(requirements.read_text().replace(ADDED_DEPENDENCY + "\n", ""))


def expected_greeting(scenario: str, repetition: int) -> str:
    """What the app's / answers after `scenario`: proof that the image holds the change."""
    return "catalog ready" if scenario in (COLD, NO_CHANGE) else f"catalog ready, revision {repetition}"
