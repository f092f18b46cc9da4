"""The staged Apt buildpack run as the lifecycle runs it, in the build image, against Debian's real mirror."""

import tomllib

import pytest

from support.lifecycle import run_phase

pytestmark = pytest.mark.docker

PLAN_ENTRY = '[[entries]]\nname = "apt"\n[entries.metadata]\npackages = ["libmagic1"]\n'


def make_app(tmp_path, aptfile=None):
    app = tmp_path / "app"
    app.mkdir()
    if aptfile is not None:
        (app / "Aptfile").write_text(aptfile)
    return app


def test_detect_provides_apt_and_requires_it_only_with_an_aptfile(docker_client, builder_image, tmp_path):
    app = make_app(tmp_path, "libmagic1\n")
    with_file = run_phase(docker_client, "apt", "detect", app, tmp_path / "with")
    assert (with_file.exit_code, with_file.output) == (0, "")
    assert tomllib.loads((tmp_path / "with/plan/plan.toml").read_text()) == {"provides": [{"name": "apt"}], "requires": [{"name": "apt"}]}
    (app / "Aptfile").unlink()
    without = run_phase(docker_client, "apt", "detect", app, tmp_path / "without")
    assert without.exit_code == 0
    assert tomllib.loads((tmp_path / "without/plan/plan.toml").read_text()) == {"provides": [{"name": "apt"}]}


@pytest.fixture(scope="module")
def built(docker_client, builder_image, tmp_path_factory):
    """The Aptfile's libmagic1 (a virtual name trixie's libmagic1t64 provides), built twice in one layers folder."""
    tmp = tmp_path_factory.mktemp("apt-contract")
    app = make_app(tmp, "# python-magic loads it\nlibmagic1\n")
    first = run_phase(docker_client, "apt", "build", app, tmp / "work", network="host")
    second = run_phase(docker_client, "apt", "build", app, tmp / "work", network="host")
    return first, second


def test_build_unpacks_the_package_and_its_dependencies_the_run_image_lacks(built):
    first, _ = built
    assert first.exit_code == 0, first.output
    assert "Run image record     recorded by the stack" in first.output
    assert "libmagic1t64 1:5.46-5" in first.output and "libmagic-mgc" in first.output
    assert "Installed 2 packages" in first.output  # libc6, zlib1g, libbz2-1.0, liblzma5: the run image has them
    layer = first.layers / "pycnb_apt" / "apt"
    assert (layer / "usr/lib/x86_64-linux-gnu/libmagic.so.1").exists()
    assert not (layer / "usr/share/doc").exists()
    assert (layer / "env/LD_LIBRARY_PATH.prepend").read_text() == "/layers/pycnb_apt/apt/usr/lib/x86_64-linux-gnu:/layers/pycnb_apt/apt/usr/lib"
    assert (layer / "env/MAGIC.default").read_text() == "/layers/pycnb_apt/apt/usr/lib/file/magic.mgc"
    types = tomllib.loads((first.layers / "pycnb_apt" / "apt.toml").read_text())["types"]
    assert types == {"build": True, "launch": True, "cache": True}


def test_a_rebuild_with_no_change_reuses_the_layer_without_downloading(built):
    _, second = built
    assert second.exit_code == 0, second.output
    assert "Package cache        reuse" in second.output
    assert "- Using cached Debian packages" in second.output
    assert "Downloading" not in second.output


def test_packages_asked_for_through_the_build_plan_are_installed(docker_client, builder_image, tmp_path):
    result = run_phase(docker_client, "apt", "build", make_app(tmp_path), tmp_path / "work", buildpack_plan=PLAN_ENTRY, network="host")
    assert result.exit_code == 0, result.output
    assert "Asked by buildpacks  libmagic1" in result.output
    assert "libmagic1t64 1:5.46-5 (178.4 KiB; the build plan)" in result.output


def test_an_unknown_package_fails_with_its_line_and_no_apt_layer(docker_client, builder_image, tmp_path):
    result = run_phase(docker_client, "apt", "build", make_app(tmp_path, "libmagic1\nlibmagick1\n"), tmp_path / "work", network="host")
    assert result.exit_code == 1
    assert "! ERROR: No package libmagick1 in Debian trixie" in result.output
    assert "Aptfile, line 2" in result.output and "Traceback" not in result.output
    assert not (result.layers / "pycnb_apt" / "apt.toml").exists()
