"""GeoDjango through the real pack with no Aptfile: django.contrib.gis in the settings makes pycnb/django ask
pycnb/apt for GDAL, GEOS and PROJ; the app migrates a PointField into a real PostGIS and answers a distance
query computed in the database."""

import json

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, run_image, unique_image
from support.postgres import enable_postgis

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

SETTINGS = '''
import os

INSTALLED_APPS += ["django.contrib.gis", "places"]
# Django finds GDAL and GEOS with ctypes.util.find_library, which cannot see a buildpack layer:
# pycnb/apt sets these two variables (README, GeoDjango).
GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH")
GEOS_LIBRARY_PATH = os.environ.get("GEOS_LIBRARY_PATH")
if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], engine="django.contrib.gis.db.backends.postgis")}
'''
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


@pytest.fixture(scope="module")
def geodjango(docker_client, builder_image, tmp_path_factory):
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("geodjango") / "app")
    with (app / "requirements.txt").open("a") as file:
        file.write("dj-database-url==2.3.0\npsycopg[binary]==3.2.12\n")
    with (app / "myproject" / "settings.py").open("a") as file:
        file.write(SETTINGS)
    (app / "places" / "migrations").mkdir(parents=True)
    (app / "places" / "__init__.py").write_text("")
    (app / "places" / "migrations" / "__init__.py").write_text("")
    (app / "places" / "models.py").write_text(MODELS)
    (app / "places" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    with (app / "myproject" / "urls.py").open("a") as file:
        file.write(VIEW)
    image = unique_image("geodjango")
    try:
        result = pack_build(image, app)
        assert result.returncode == 0, result.log
        yield image, result.log
    finally:
        remove_image_and_cache(docker_client, image)


def test_the_django_buildpack_asks_for_gdal_geos_and_proj_without_an_aptfile(geodjango):
    _, log = geodjango
    assert "Asked by buildpacks  libgdal36, libgeos-c1t64, libproj25" in log
    assert "GDAL_LIBRARY_PATH" in log


def test_migrates_into_postgis_and_answers_a_distance_query(docker_client, geodjango, postgres):
    image, _ = geodjango
    enable_postgis(postgres)
    env = {"DATABASE_URL": postgres.url}
    output = docker_client.containers.run(image, entrypoint="migrate", environment=env, network_mode="host", remove=True).decode()
    assert "Applying places.0001_initial... OK" in output
    postgres.query("INSERT INTO places_place (name, location) VALUES "
                   "('Lyon', ST_GeogFromText('SRID=4326;POINT(4.8357 45.7640)')), ('London', ST_GeogFromText('SRID=4326;POINT(-0.1276 51.5072)'))")
    with run_image(docker_client, image, env=env) as running:
        status, body = running.get("/nearest/")
    assert status == 200, body
    places = json.loads(body)["places"]
    assert [name for name, _ in places] == ["London", "Lyon"]
    assert 330 < places[0][1] < 360 and 380 < places[1][1] < 410
