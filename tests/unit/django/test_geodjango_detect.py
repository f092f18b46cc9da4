"""GeoDjango at detect: the settings name django.contrib.gis, so the plan asks pycnb/apt for GDAL, GEOS and PROJ."""

from __future__ import annotations

import tomllib
from pathlib import Path

from cnb.context import DetectContext, Target
from cnb.log import Logger
from django_buildpack import main, project

MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"


def make_app(tmp_path: Path, settings_files: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "manage.py").write_text(MANAGE)
    (tmp_path / "requirements.txt").write_text("Django==5.2.8\ngunicorn==23.0.0\n")
    for name, text in settings_files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def detect_plan(app: Path, env: dict[str, str] | None = None) -> dict:
    plan = app.parent / f"{app.name}-plan.toml"
    context = DetectContext(app_dir=app, buildpack_dir=app, platform_dir=app, target=Target(), env=env or {}, build_plan_path=plan)
    main.detect(context, Logger())
    return tomllib.loads(plan.read_text())


GIS = "INSTALLED_APPS = [\n    'django.contrib.staticfiles',\n    'django.contrib.gis',\n]\n"


def test_a_settings_module_with_gis_asks_for_the_libraries_with_a_fallback_plan(tmp_path):
    plan = detect_plan(make_app(tmp_path, {"mysite/__init__.py": "", "mysite/settings.py": GIS}))
    assert plan["requires"][1] == {"name": "apt", "metadata": {"packages": ["libgdal36", "libgeos-c1t64", "libproj25"],
                                                                     "find_library": ["gdal", "geos_c"]}}
    assert [[r["name"] for r in alternative["requires"]] for alternative in plan["or"]] == [["python"]]


def test_settings_split_in_a_package_are_read(tmp_path):
    app = make_app(tmp_path, {"mysite/settings/__init__.py": "from .base import *\n", "mysite/settings/base.py": GIS})
    assert project.uses_geodjango(app / "manage.py", app, {})


def test_an_import_from_gis_is_not_the_app_and_no_gis_means_one_plan(tmp_path):
    app = make_app(tmp_path, {"mysite/settings.py": "from django.contrib.gis.db import models\nINSTALLED_APPS = []\n"})
    assert not project.uses_geodjango(app / "manage.py", app, {})
    plan = detect_plan(app)
    assert "or" not in plan and [r["name"] for r in plan["requires"]] == ["python"]


def test_a_settings_link_out_of_the_app_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "settings.py").write_text(GIS)
    app = make_app(tmp_path / "app", {"mysite/__init__.py": ""})
    (app / "mysite" / "settings.py").symlink_to(outside / "settings.py")
    assert not project.uses_geodjango(app / "manage.py", app, {})


def test_django_not_finding_gdal_is_explained_with_a_builder_that_has_pycnb_apt_or_the_settings_to_add():
    from django_buildpack import messages

    output = ('django.core.exceptions.ImproperlyConfigured: Could not find the GDAL library (tried "gdal", "GDAL", "gdal3.10.0"). '
              "Is GDAL installed? If it is, try setting GDAL_LIBRARY_PATH in your settings.")
    error = messages.diagnose("collectstatic", output, "mysite.settings")
    assert error.title == "collectstatic failed: GeoDjango cannot find the GDAL library"
    assert "pycnb/apt before pycnb/django" in error.fix[0]
    assert 'GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH")' in error.fix[1]
