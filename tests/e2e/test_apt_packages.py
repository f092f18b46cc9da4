"""Debian packages from an Aptfile through the real pack: python-magic loads libmagic from the apt layer at run
time, and a rebuild with no change reuses the layer and says why."""

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

APTFILE = "# python-magic loads libmagic with ctypes: trixie's libmagic1t64 provides libmagic1\nlibmagic1\n"
VIEW = '''
import magic
from django.http import JsonResponse

PDF = b"%PDF-1.7\\n1 0 obj\\n<< /Type /Catalog >>\\nendobj\\n"


def detect(request):
    return JsonResponse({"mime": magic.from_buffer(PDF, mime=True), "description": magic.from_buffer(PDF)})


urlpatterns += [path("magic/", detect)]
'''


@pytest.fixture(scope="module")
def builds(docker_client, builder_image, tmp_path_factory):
    """The example app (django-admin startproject) with an Aptfile and python-magic, built, then built again unchanged."""
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("apt") / "app")
    (app / "Aptfile").write_text(APTFILE)
    with (app / "requirements.txt").open("a") as file:
        file.write("python-magic==0.4.27\n")
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
    assert "Installed 2 packages" in first


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
