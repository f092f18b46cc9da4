"""Debian packages from an Aptfile through the real pack: python-magic loads libmagic from the apt layer at run
time; an old Pillow pin with no wheel for the app's Python compiles against the Aptfile's -dev packages (one a
virtual name, installed as the package that provides it; libjpeg's link pointing at the run image's library) and
loads their libraries at run time; a rebuild with no change reuses the layer and says why. One app, built twice."""

import json
import re

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

APTFILE = """# python-magic loads libmagic with ctypes: trixie's libmagic1t64 provides libmagic1
libmagic1
# What Pillow's old install docs list; libfreetype6-dev is a virtual name in trixie (libfreetype-dev provides it)
libjpeg-dev
zlib1g-dev
libfreetype6-dev
"""
# Pillow 9.1.1 has no wheel for Python 3.11 (9.2.0 is the first with one), so pip compiles it. FreeType is
# not in the build image: only the Aptfile's headers give Pillow its font support.
PILLOW = "Pillow==9.1.1"
PYTHON = "3.11\n"
VIEW = '''
import io

import magic
import PIL
from django.http import JsonResponse
from PIL import Image, features

PDF = b"%PDF-1.7\\n1 0 obj\\n<< /Type /Catalog >>\\nendobj\\n"


def detect(request):
    return JsonResponse({"mime": magic.from_buffer(PDF, mime=True), "description": magic.from_buffer(PDF)})


def pillow(request):
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(jpeg, "JPEG")
    freetype2 = features.version("freetype2")  # loads PIL._imagingft, and so libfreetype
    with open("/proc/self/maps") as maps:
        loaded = {line.split()[-1] for line in maps if ".so" in line}
    return JsonResponse({"pillow": PIL.__version__, "freetype2": freetype2, "jpeg": jpeg.getvalue()[:2].hex(),
                         "libfreetype": sorted(path for path in loaded if "libfreetype.so" in path),
                         "libjpeg": sorted(path for path in loaded if "libjpeg.so" in path)})


urlpatterns += [path("magic/", detect), path("pillow/", pillow)]
'''


@pytest.fixture(scope="module")
def builds(docker_client, builder_image, tmp_path_factory):
    """The example app (django-admin startproject) with an Aptfile and python-magic, built, then built again unchanged."""
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("apt") / "app")
    (app / "Aptfile").write_text(APTFILE)
    (app / ".python-version").write_text(PYTHON)
    with (app / "requirements.txt").open("a") as file:
        file.write(f"python-magic==0.4.27\n{PILLOW}\n")
    with (app / "myproject" / "urls.py").open("a") as file:
        file.write(VIEW)
    image = unique_image("apt-magic")
    try:
        first = pack_build(image, app)
        assert first.returncode == 0, first.log
        second = pack_build(image, app)
        assert second.returncode == 0, second.log
        yield image, first.log, second.log
    finally:
        remove_image_and_cache(docker_client, image)


def test_the_aptfile_package_and_its_dependencies_are_unpacked(builds):
    _, first, _ = builds
    assert "[pycnb/apt]" in first
    assert "libmagic1t64 1:5.46-5 (178.4 KiB; Aptfile, line 2, for libmagic1)" in first
    assert "libmagic-mgc 1:5.46-5" in first and "needed by libmagic1t64" in first
    assert re.search(r"Installed \d+ packages", first)


def test_a_virtual_name_installs_the_package_that_provides_it(builds):
    _, first, _ = builds
    assert "libfreetype6-dev is a virtual package: installing libfreetype-dev, which provides it" in first
    assert re.search(r"libfreetype-dev 2\.13\.\S+ \([\d.]+ [KM]iB; Aptfile, line 6, for libfreetype6-dev\)", first), first
    assert re.search(r"libfreetype6 2\.13\.\S+ \([\d.]+ [KM]iB; needed by libfreetype-dev\)", first), first
    assert re.search(r"libjpeg62-turbo-dev \S+ \([\d.]+ [KM]iB; needed by libjpeg-dev\)", first), first


def test_the_dev_link_to_a_library_the_run_image_has_points_at_the_image_file(builds):
    _, first, _ = builds
    link = "usr/lib/x86_64-linux-gnu/libjpeg.so"
    assert f"Linked {link} -> /{link}.62 (the run image has the library itself)" in first
    assert re.search(r"^\s*libjpeg62-turbo ", first, re.M) is None  # not unpacked: the run image has it


def test_pillow_compiles_against_the_aptfile_headers_and_loads_their_libraries(docker_client, builds):
    image, first, _ = builds
    assert "Pillow-9.1.1.tar.gz" in first, first  # the sdist: no wheel for 3.11
    with run_image(docker_client, image) as running:
        status, body = running.get("/pillow/")
    assert status == 200, body
    found = json.loads(body)
    assert found["pillow"] == "9.1.1" and found["jpeg"] == "ffd8"
    assert found["freetype2"].startswith("2.13.")
    # The run image has no FreeType: the one loaded is the apt layer's.
    assert found["libfreetype"] and all(path.startswith("/layers/pycnb_apt/apt/usr/lib/x86_64-linux-gnu/")
                                        for path in found["libfreetype"]), found
    # Linked against the shared libjpeg (not the static one), which at launch is the run image's own.
    assert len(found["libjpeg"]) == 1 and found["libjpeg"][0].startswith("/usr/lib/x86_64-linux-gnu/libjpeg.so.62."), found


def test_the_app_uses_the_library_at_run_time(docker_client, builds):
    image, _, _ = builds
    with run_image(docker_client, image) as running:
        status, body = running.get("/magic/")
    assert status == 200, body
    assert '"mime": "application/pdf"' in body and "PDF document, version 1.7" in body


def test_a_rebuild_with_no_change_reuses_the_apt_layer_and_says_why(builds):
    _, _, second = builds
    assert "Package cache        reuse" in second
    assert "- Using cached Debian packages" in second
    assert "Downloading the package index" not in second
    assert "Reusing layer 'pycnb/apt:apt'" in second
