"""The builder image: our buildpacks, our lifecycle, our stack."""

import json

import pytest

from pycnb_tools import toolchain

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def test_builder_carries_our_buildpacks_and_lifecycle(docker_client, builder_image):
    labels = docker_client.images.get(builder_image).labels
    metadata = json.loads(labels["io.buildpacks.builder.metadata"])
    assert {bp["id"] for bp in metadata["buildpacks"]} == {"pycnb/apt", "pycnb/python", "pycnb/django", "pycnb/procfile"}
    assert metadata["lifecycle"]["version"] == toolchain.LIFECYCLE_VERSION
    order = json.loads(labels["io.buildpacks.buildpack.order"])
    assert [(entry["id"], entry.get("optional", False)) for entry in order[0]["group"]] == [
        ("pycnb/apt", True), ("pycnb/python", False), ("pycnb/django", True), ("pycnb/procfile", True),
    ]


def test_builder_runs_as_the_non_root_build_user(docker_client, builder_image):
    config = docker_client.images.get(builder_image).attrs["Config"]
    assert config["User"] not in ("", "0", "root")
    assert "CNB_USER_ID=1001" in config["Env"]
