"""Buildpackages and publishing: the pure parts (names, targets, the composed builder.toml)."""

import tomllib

import pytest

from pycnb_tools import buildpackages, publish
from pycnb_tools.errors import StepError
from pycnb_tools.paths import ROOT


def test_targets_become_packs_target_flags():
    assert buildpackages.pack_target({"os": "linux", "arch": "amd64", "distros": [{"name": "debian", "version": "13"}]}) \
        == "linux/amd64:debian@13"
    assert buildpackages.pack_target({"os": "linux", "arch": "arm", "variant": "v7"}) == "linux/arm/v7"
    assert buildpackages.pack_target({"os": "linux", "arch": "amd64", "distros": [{"name": "debian", "version": "12"},
                                                                                   {"name": "ubuntu"}]}) == "linux/amd64:debian@12;ubuntu"


@pytest.mark.parametrize("name", ["apt", "python", "django", "procfile"])
def test_every_buildpack_describes_its_buildpackage(name):
    package = buildpackages.describe(ROOT / "buildpacks" / name)
    assert package.id == f"pycnb/{name}" and package.version == "0.1.0"
    assert package.targets == ("linux/amd64:debian@13",)
    assert package.image == f"pycnb/buildpack-{name}:0.1.0"
    assert package.remote("127.0.0.1:5000/") == f"127.0.0.1:5000/pycnb/buildpack-{name}:0.1.0"
    assert package.file.name == f"pycnb_{name}-0.1.0.cnb" and package.file.parent == ROOT / "build" / "buildpackages"


def test_buildpackage_images_are_docker_uris_unless_the_registry_has_a_port():
    assert buildpackages.pack_locator("registry.example.com/pycnb/buildpack-python:0.1.0") == "docker://registry.example.com/pycnb/buildpack-python:0.1.0"
    assert buildpackages.pack_locator("ghcr.io/you/pycnb/buildpack-python:0.1.0") == "docker://ghcr.io/you/pycnb/buildpack-python:0.1.0"
    # pack v0.40 refuses docker:// with a port (buildpacks/pack#2536) and reads the bare name as an image.
    assert buildpackages.pack_locator("127.0.0.1:5000/pycnb/buildpack-python:0.1.0") == "127.0.0.1:5000/pycnb/buildpack-python:0.1.0"


def test_package_toml_names_the_staged_folder(tmp_path):
    package = buildpackages.Buildpackage("python", "pycnb/python", "0.1.0", ("linux/amd64",), tmp_path / "python")
    assert tomllib.loads(buildpackages.package_toml(package)) == {"buildpack": {"uri": str(tmp_path / "python")}}


def test_an_unreadable_buildpack_toml_is_a_step_error(tmp_path):
    (tmp_path / "buildpack.toml").write_text("[buildpack]\nid = 'x'\n")
    with pytest.raises(StepError) as raised:
        buildpackages.describe(tmp_path)
    assert "cannot be read" in raised.value.problem


@pytest.mark.parametrize("registry", ["127.0.0.1:5000", "registry.example.com/team/", "ghcr.io/you"])
def test_registry_names_publish_accepts(registry):
    assert publish.check_registry(registry) == registry.rstrip("/")


@pytest.mark.parametrize("registry", ["", "https://127.0.0.1:5000", "ghcr.io/you:latest", "user@host", "a b"])
def test_registry_names_publish_refuses(registry):
    with pytest.raises(StepError):
        publish.check_registry(registry)


def test_the_published_builder_is_composed_from_the_published_pieces(tmp_path):
    images = {"build": "r.example/pycnb/build:trixie", "run": "r.example/pycnb/run:trixie"}
    packages = {name: f"r.example/pycnb/buildpack-{name}:0.1.0" for name in ("apt", "python", "django", "procfile")}
    config = tomllib.loads(publish.composed_builder_config(images, packages, tmp_path / "lifecycle.tgz", tmp_path / "b.toml").read_text())
    assert [entry["uri"] for entry in config["buildpacks"]] == [f"docker://{packages[name]}"
                                                                for name in ("apt", "python", "django", "procfile")]
    assert config["build"]["image"] == images["build"] and config["run"]["images"] == [{"image": images["run"]}]
    assert config["lifecycle"]["uri"] == str(tmp_path / "lifecycle.tgz")
    assert config["order"] == tomllib.loads((ROOT / "builder.toml").read_text())["order"]
