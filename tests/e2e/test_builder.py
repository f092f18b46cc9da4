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


# For every .py under /cnb/buildpacks: is there bytecode for this python3, hash-checked (PEP 552 flags 0b11),
# and does it match the source? importlib's own loader answers the last: it would compile again otherwise.
CHECK_BYTECODE = """
import importlib.util, pathlib, sys
stale, missing = [], []
for source in pathlib.Path('/cnb/buildpacks').rglob('*.py'):
    cached = pathlib.Path(importlib.util.cache_from_source(str(source)))
    if not cached.is_file():
        missing.append(str(source))
        continue
    data = cached.read_bytes()
    flags = int.from_bytes(data[4:8], 'little')
    if data[:4] != importlib.util.MAGIC_NUMBER or flags != 0b11 or data[8:16] != importlib.util.source_hash(source.read_bytes()):
        stale.append(str(source))
print(len(missing), len(stale), missing[:3], stale[:3])
"""


def test_the_buildpacks_python_is_compiled_for_the_build_images_python3(docker_client, builder_image):
    """/cnb is read-only at build time: without bytecode that matches, every detect and build would compile
    every module it imports again. pack sets every file's time to 1980, so only hash-checked bytecode matches."""
    output = docker_client.containers.run(builder_image, ["python3", "-c", CHECK_BYTECODE], entrypoint="", remove=True)
    assert output.decode().split()[:2] == ["0", "0"], output.decode()
