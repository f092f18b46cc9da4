"""GeoDjango out of the box, through the real pack: an app made as Django's GeoDjango tutorial makes one
(`django-admin startproject`, `startapp`, `django.contrib.gis` and the app in INSTALLED_APPS, a PostGIS
DATABASES entry) with no Aptfile and no GDAL_LIBRARY_PATH/GEOS_LIBRARY_PATH lines. pycnb/django asks
pycnb/apt for GDAL, GEOS and PROJ, and for Django's own find_library lookup to see them; the build
imports the settings and runs collectstatic, the image migrates a PointField into a real PostGIS and
answers a distance query computed in the database. One pack build, shared by the module's tests.

A second app has the shape of a GeoDjango project managed with uv (`uv init`, `uv add`): psycopg2 (built
from source against the build image's libpq headers), `[tool.uv] default-groups = "all"` with a dev and a
lint group, no gunicorn and no Procfile, and a compose-style DATABASES URL whose host nobody serves: it
builds, its groups stay out of the image (as on Heroku), and `/admin/login/` answers 200 with no database."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from support.images import pack_build, remove_image_and_cache, run_image, unique_image
from support.logs import summary_value
from support.package_tools import tool, tool_env
from support.postgres import enable_postgis

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

DJANGO = "django==5.2.8"
REQUIREMENTS = "Django==5.2.8\ngunicorn==23.0.0\ndj-database-url==2.3.0\npsycopg[binary]==3.2.12\n"
# What the GeoDjango tutorial (docs.djangoproject.com/en/5.2/ref/contrib/gis/tutorial/) changes in the
# settings startproject wrote, with the database from DATABASE_URL as on Heroku-style platforms.
INSTALLED = ("    'django.contrib.staticfiles',\n]", "    'django.contrib.staticfiles',\n    'django.contrib.gis',\n    'places',\n]")
DATABASES = (
    "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}",
    "import dj_database_url\n\nDATABASES = {'default': dj_database_url.config(engine='django.contrib.gis.db.backends.postgis')}",
)
# The one line every deployment guide adds (Heroku's, Django's checklist), so that the build runs
# collectstatic, a second Django process that loads GDAL and GEOS at build time.
STATIC_ROOT = "\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n"
MODELS = '''from django.contrib.gis.db import models


class Place(models.Model):
    name = models.CharField(max_length=100)
    location = models.PointField(geography=True, srid=4326)
'''
MIGRATION = '''import django.contrib.gis.db.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Place",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                ("location", django.contrib.gis.db.models.fields.PointField(geography=True, srid=4326)),
            ],
        ),
    ]
'''
VIEW = '''
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.http import JsonResponse


def nearest(request):
    paris = Point(2.3522, 48.8566, srid=4326)
    places = Place.objects.annotate(distance=Distance("location", paris)).order_by("distance")
    return JsonResponse({"places": [[place.name, round(place.distance.km)] for place in places]})


from places.models import Place  # noqa: E402

urlpatterns += [path("nearest/", nearest)]
'''


def django_admin(app: Path, *args: str) -> None:
    subprocess.run([str(tool("uv")), "tool", "run", "--from", DJANGO, "django-admin", *args], cwd=app, check=True,
                   env=tool_env(UV_PYTHON_DOWNLOADS="never"), capture_output=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"startproject no longer writes {old!r}"
    path.write_text(text.replace(old, new))


def make_geodjango_app(app: Path) -> Path:
    """The GeoDjango tutorial's app: startproject, startapp, a model with a PointField, PostGIS from DATABASE_URL."""
    app.mkdir()
    django_admin(app, "startproject", "mysite", ".")
    django_admin(app, "startapp", "places")
    settings = app / "mysite" / "settings.py"
    edit(settings, *INSTALLED)
    edit(settings, *DATABASES)
    with settings.open("a") as file:
        file.write(STATIC_ROOT)
    assert "LIBRARY_PATH" not in settings.read_text()
    (app / "requirements.txt").write_text(REQUIREMENTS)
    (app / "places" / "models.py").write_text(MODELS)
    (app / "places" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    with (app / "mysite" / "urls.py").open("a") as file:
        file.write(VIEW)
    return app


@pytest.fixture(scope="module")
def geodjango(docker_client, builder_image, tmp_path_factory):
    app = make_geodjango_app(tmp_path_factory.mktemp("geodjango") / "app")
    image = unique_image("geodjango")
    try:
        result = pack_build(image, app)
        assert result.returncode == 0, result.log
        yield image, result.log
    finally:
        remove_image_and_cache(docker_client, image)


def test_the_django_buildpack_asks_for_gdal_geos_and_proj_without_an_aptfile(geodjango):
    _, log = geodjango
    assert "Asked by buildpacks  libgdal36, libgeos-c1t64, libproj25, binutils" in log
    assert "find_library sees    gdal, geos_c" in log
    assert "Linked libgdal.so -> libgdal.so.36" in log and "Linked libgeos_c.so -> libgeos_c.so.1" in log
    # The build imported the settings with django.setup(), which imports places.models and so GDAL and GEOS,
    # then ran collectstatic (GeoDjango's admin widgets among the files).
    assert re.search(r"\n  Django +5\.2\.8\n  Settings +mysite\.settings\n", log), log
    assert re.search(r"\n  collectstatic +run\n", log) and "Collecting static files" in log, log


def python_in_image(docker_client, image: str, code: str) -> str:
    """`python -c code` through the launcher, as the app's processes run; its output."""
    return docker_client.containers.run(image, ["python", "-c", code], entrypoint="launcher", remove=True).decode()


def test_django_finds_gdal_and_geos_itself_at_launch(docker_client, geodjango):
    """Django's own lookup, no settings naming a file: find_library answers through the layer's ld and objdump."""
    image, _ = geodjango
    # One line: the launcher runs a command through bash, which joins its arguments.
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings'); django.setup(); "
            "from django.conf import settings; from django.contrib.gis import gdal, geos; "
            "print(hasattr(settings, 'GDAL_LIBRARY_PATH'), gdal.libgdal.lgdal._name, geos.libgeos.lgeos._name, "
            "gdal.gdal_version().decode())")
    output = python_in_image(docker_client, image, code)
    assert output.splitlines()[-1].split()[:3] == ["False", "libgdal.so.36", "libgeos_c.so.1"], output


def test_settings_that_read_the_library_paths_still_work(docker_client, geodjango):
    """Apps written for Heroku's docs have `GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH")`: the layer sets both."""
    image, _ = geodjango
    code = ("import os; from django.conf import settings; "
            "settings.configure(GDAL_LIBRARY_PATH=os.environ.get('GDAL_LIBRARY_PATH'), "
            "GEOS_LIBRARY_PATH=os.environ.get('GEOS_LIBRARY_PATH')); "
            "from django.contrib.gis import gdal, geos; print(gdal.libgdal.lgdal._name, geos.libgeos.lgeos._name)")
    output = python_in_image(docker_client, image, code)
    gdal_path, geos_path = output.split()[-2:]
    assert gdal_path.startswith("/layers/pycnb_apt/apt/usr/lib/x86_64-linux-gnu/libgdal.so.36"), output
    assert geos_path.startswith("/layers/pycnb_apt/apt/usr/lib/x86_64-linux-gnu/libgeos_c.so.1"), output


def test_migrates_into_postgis_and_answers_a_distance_query(docker_client, geodjango, postgres):
    image, _ = geodjango
    enable_postgis(postgres)
    env = {"DATABASE_URL": postgres.url}
    output = docker_client.containers.run(image, entrypoint="migrate", environment=env, network_mode="host", remove=True).decode()
    assert "Applying places.0001_initial... OK" in output
    postgres.query("INSERT INTO places_place (name, location) VALUES "
                   "('Lyon', ST_GeogFromText('SRID=4326;POINT(4.8357 45.7640)')), "
                   "('London', ST_GeogFromText('SRID=4326;POINT(-0.1276 51.5072)'))")
    with run_image(docker_client, image, env=env) as running:
        status, body = running.get("/nearest/")
    assert status == 200, body
    places = json.loads(body)["places"]
    assert [name for name, _ in places] == ["London", "Lyon"]
    assert 330 < places[0][1] < 360 and 380 < places[1][1] < 410


@pytest.fixture(scope="module")
def geodjango_on_the_gis_builder(docker_client, gis_builder_image, tmp_path_factory):
    """The same app on the GIS builder, built twice: the second build changes nothing."""
    app = make_geodjango_app(tmp_path_factory.mktemp("geodjango-gis") / "app")
    image = unique_image("geodjango-gis")
    try:
        logs = []
        for _ in range(2):
            result = pack_build(image, app, builder=gis_builder_image)
            assert result.returncode == 0, result.log
            logs.append(result.log)
        yield image, logs
    finally:
        remove_image_and_cache(docker_client, image)


def test_on_the_gis_builder_nothing_is_installed_and_django_finds_the_stacks_libraries(docker_client, geodjango_on_the_gis_builder):
    image, (first, again) = geodjango_on_the_gis_builder
    assert "Asked by buildpacks  libgdal36, libgeos-c1t64, libproj25\n" in first, first
    assert "find_library sees" not in first and "binutils" not in first, first
    assert "libgdal36: the run image has it" in first and "libproj25: the run image has it" in first, first
    assert re.search(r"\n  collectstatic +run\n", first), first
    assert "Reusing layer 'pycnb/python:venv'" in again, again
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings'); django.setup(); "
            "from django.contrib.gis import gdal, geos; import os.path as p; "
            "print(gdal.libgdal.lgdal._name, geos.libgeos.lgeos._name, p.exists('/layers/pycnb_apt/apt/usr'))")
    output = python_in_image(docker_client, image, code)
    # Found by the system's linker cache (ldconfig -p), not in a layer.
    assert output.splitlines()[-1].split() == ["libgdal.so.36", "libgeos_c.so.1", "False"], output


# docker-compose's service name: nothing answers at `db` when the image runs on its own.
UNSERVED_POSTGIS = (
    DATABASES[0],
    "import dj_database_url\n\nDATABASES = {'default': dj_database_url.config(default='postgis://geo:geo@db:5432/geosite')}",
)


def uv(app: Path, *args: str) -> None:
    subprocess.run([str(tool("uv")), *args], cwd=app, check=True, env=tool_env(UV_PYTHON_DOWNLOADS="never"), capture_output=True)


@pytest.fixture(scope="module")
def geodjango_uv(docker_client, builder_image, tmp_path_factory):
    app = tmp_path_factory.mktemp("geodjango-uv") / "app"
    app.mkdir()
    uv(app, "init", "--app", "--no-package", "--name", "geosite", "--no-pin-python", "--vcs", "none")
    with (app / "pyproject.toml").open("a") as file:
        file.write('\n[tool.uv]\ndefault-groups = "all"\n')
    uv(app, "add", "--no-sync", DJANGO, "psycopg2==2.9.10", "dj-database-url==2.3.0")
    uv(app, "add", "--no-sync", "--dev", "pytest-django")
    uv(app, "add", "--no-sync", "--group", "lint", "ruff")
    (app / ".python-version").write_text("3.13\n")
    django_admin(app, "startproject", "geosite", ".")
    django_admin(app, "startapp", "places")
    settings = app / "geosite" / "settings.py"
    edit(settings, *INSTALLED)
    edit(settings, *UNSERVED_POSTGIS)
    with settings.open("a") as file:
        file.write(STATIC_ROOT)
    (app / "places" / "models.py").write_text(MODELS)
    (app / "places" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    assert not (app / "Procfile").exists() and "gunicorn" not in (app / "uv.lock").read_text()
    image = unique_image("geodjango-uv")
    try:
        result = pack_build(image, app)
        assert result.returncode == 0, result.log
        yield image, result.log
    finally:
        remove_image_and_cache(docker_client, image)


def test_a_uv_geodjango_app_builds_psycopg2_from_source_and_leaves_its_groups_out(geodjango_uv):
    _, log = geodjango_uv
    assert summary_value(log, "Package manager") == "uv (from uv.lock)"
    assert summary_value(log, "Installer").endswith(
        "no dev or default groups (left out: dev, lint; BP_PYTHON_INSTALL_GROUPS adds groups)"), log
    assert "uv sync --locked --no-default-groups" in log
    assert re.search(r"Built psycopg2==2\.9\.10", log), log
    assert "Asked by buildpacks  libgdal36, libgeos-c1t64, libproj25, binutils" in log
    assert summary_value(log, "Added packages").startswith("gunicorn==")
    assert summary_value(log, "Web process") == "gunicorn geosite.wsgi:application"


def test_the_uv_geodjango_app_answers_the_admin_login_without_postgis(docker_client, geodjango_uv):
    image, _ = geodjango_uv
    with run_image(docker_client, image) as running:
        status, body = running.get("/admin/login/")
        assert status == 200, running.container.logs().decode()[-3000:]
    assert "Django administration" in body
    # Honest about the database: nothing serves it, so what needs it fails (the login page does not).
    container = docker_client.containers.run(image, entrypoint="migrate", network_mode="host", detach=True)
    try:
        assert container.wait(timeout=120)["StatusCode"] != 0
        assert 'could not translate host name "db"' in container.logs().decode()
    finally:
        container.remove(force=True)


def test_psycopg2_loads_the_run_images_libpq_and_no_group_reached_the_image(docker_client, geodjango_uv):
    image, _ = geodjango_uv
    code = ("import glob, importlib.util, subprocess, psycopg2; "
            "so = glob.glob(psycopg2.__path__[0] + '/_psycopg*.so')[0]; "
            "libpq = [line.split()[2] for line in subprocess.run(['ldd', so], capture_output=True, text=True).stdout.splitlines() "
            "if 'libpq' in line]; "
            "print(psycopg2.__version__.split()[0], libpq, "
            "[name for name in ('pytest', 'pytest_django', 'ruff') if importlib.util.find_spec(name)])")
    version, libpq, groups = python_in_image(docker_client, image, code).splitlines()[-1].split(" ", 2)
    assert version == "2.9.10" and groups == "[]", (version, groups)
    # The run image's libpq5 (the apt layer does not hold one: the run image has it).
    assert re.fullmatch(r"\['(/usr)?/lib/x86_64-linux-gnu/libpq\.so\.5'\]", libpq), libpq
