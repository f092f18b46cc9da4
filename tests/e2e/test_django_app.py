"""The example Django app through the real pack: built, run, answering HTTP from gunicorn."""

import pytest

from pycnb_tools.stacks import TRIXIE
from support.images import pack_inspect_local, run_image, run_pack

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def test_image_serves_http_200_from_gunicorn_on_port(docker_client, example_image):
    image, _ = example_image
    with run_image(docker_client, image) as running:
        status, body = running.get("/")
        assert status == 200
        assert "The install worked successfully!" in body
        server = running.container.exec_run(["bash", "-c", "cat /proc/1/cmdline | tr '\\0' ' '"]).output.decode()
        assert "gunicorn myproject.wsgi" in server


def test_app_runs_as_the_non_root_run_user(docker_client, example_image):
    image, _ = example_image
    with run_image(docker_client, image) as running:
        running.get("/")
        uid = running.container.exec_run(["stat", "-c", "%u", "/proc/1"]).output.decode().strip()
    assert uid == "1000"


def test_pack_inspect_names_our_builder_and_processes(example_image):
    image, _ = example_image
    output = pack_inspect_local(image)
    assert "pycnb/python" in output and "pycnb/procfile" in output
    assert "web (default)" in output
    assert TRIXIE.run_image in output  # pycnb/run:trixie unless PYCNB_RUN_IMAGE renames it
    assert "Rebasable: true" in output


def test_build_log_has_a_summary_and_sections(example_image):
    _, log = example_image
    assert "## Build summary" in log
    assert "from .python-version: 3.13" in log
    assert "## Installing Python" in log and "## Installing dependencies" in log


def test_build_log_has_no_missing_lifecycle_sbom_warning(example_image, tmp_path):
    # The lifecycle tarball carries lifecycle.sbom.* and launcher.sbom.* (pycnb_tools/lifecycle_sbom.py).
    image, log = example_image
    assert "Did not find SBOM" not in log
    result = run_pack("sbom", "download", image, "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    # The launcher runs in the image, so its SBOM is a launch SBOM; the lifecycle's is a build one, which pack does not download.
    found = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.json") if "buildpacksio_lifecycle" in path.as_posix()}
    assert {f"layers/sbom/launch/buildpacksio_lifecycle/launcher/sbom.{kind}.json"
            for kind in ("cdx", "spdx", "syft")} <= found, sorted(found)
