"""pycnb's buildpacks as buildpackages, composed by others: `./pycnb package` makes them, `./pycnb publish`
pushes them with the stacks and a builder to a real registry, and from there pack composes a second
builder with its own order, and builds with one buildpackage named by `pack build --buildpack`."""

import json
import os
import subprocess
import tarfile

import pytest

from pycnb_tools import buildpackages, builder, packaging, publish
from pycnb_tools.paths import BUILD_DIR
from support.apps import EXAMPLE_APP, ROOT, copy_app
from support.images import pack_build, remove_image_and_cache, run_image, run_pack, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

NAMES = packaging.BUILDPACKS
FLASK_QUICKSTART = ('from flask import Flask\n\napp = Flask(__name__)\n\n@app.route("/")\n'
                    'def hello_world():\n    return "<p>Hello, World!</p>"\n')


@pytest.fixture(scope="module")
def packaged(docker_client, builder_image):
    """`./pycnb package`, as a user runs it (the builder fixture made the runtimes it stages)."""
    result = subprocess.run([str(ROOT / "pycnb"), "package"], capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "PYCNB_BUILDER_IMAGE": builder.BUILDER_IMAGE})
    assert result.returncode == 0, result.stdout + result.stderr
    return {name: buildpackages.describe(buildpackages.STAGED_BUILDPACKS / name) for name in NAMES}, result.stdout


@pytest.fixture(scope="module")
def registry():
    """A registry of this module's own on 127.0.0.1's port 80: its image names carry no port, so pack takes the
    buildpackages by `docker://` URI, as users of a real registry do (pack v0.40 refuses `docker://HOST:PORT/...`,
    buildpacks/pack#2536)."""
    from support import registry as oci

    server = oci.start(port=80)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def published(docker_client, registry, packaged):
    """`./pycnb publish REGISTRY`'s work, on what `packaged` made."""
    result = publish.publish(docker_client, f"{registry.host}/published", prepare=False)
    yield result.images
    for image in docker_client.images.list():
        for tag in image.tags:
            if tag.startswith(f"{registry.host}/"):
                docker_client.images.remove(tag, force=True)


@pytest.mark.parametrize("name", NAMES)
def test_package_makes_a_buildpackage_image_with_id_version_and_target(docker_client, packaged, name):
    packages, output = packaged
    package = packages[name]
    attrs = docker_client.images.get(package.image).attrs
    labels = attrs["Config"]["Labels"]
    metadata = json.loads(labels[buildpackages.METADATA_LABEL])
    assert (metadata["id"], metadata["version"]) == (f"pycnb/{name}", "0.1.0")
    assert f"pycnb/{name}" in json.loads(labels[buildpackages.LAYERS_LABEL])
    assert (attrs["Os"], attrs["Architecture"], attrs.get("OsVersion")) == ("linux", "amd64", "13")
    assert f"pycnb/{name} 0.1.0: {package.image} and build/buildpackages/{package.file.name}" in output
    assert (BUILD_DIR / "buildpackages" / name / "package.toml").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_package_writes_a_cnb_file_pack_can_read(packaged, name, tmp_path):
    package = packaged[0][name]
    with tarfile.open(package.file) as archive:  # an OCI image layout
        def blob(digest: str) -> dict:
            return json.loads(archive.extractfile(f"/blobs/sha256/{digest.removeprefix('sha256:')}").read())
        index = json.loads(archive.extractfile("/index.json").read())
        config = blob(blob(index["manifests"][0]["digest"])["config"]["digest"])
    assert (config["os"], config["architecture"]) == ("linux", "amd64")
    assert json.loads(config["config"]["Labels"][buildpackages.METADATA_LABEL])["id"] == f"pycnb/{name}"
    result = run_pack("buildpack", "inspect", str(package.file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"pycnb/{name}" in result.stdout and "0.1.0" in result.stdout


def test_publish_pushes_stacks_buildpackages_and_builder(docker_client, registry, published):
    assert set(published) == {"build", "run", "builder", *NAMES}
    for name in NAMES:
        assert published[name] == f"{registry.host}/published/pycnb/buildpack-{name}:0.1.0"
    for role, image in published.items():
        pulled = docker_client.images.pull(image)
        labels = pulled.attrs["Config"]["Labels"]
        if role in ("build", "run"):
            # kpack's ClusterStack compares this label of both images with its id (examples/kpack/pycnb.yaml).
            assert labels[publish.STACK_ID_LABEL] == publish.STACK_ID
        elif role in NAMES:
            assert json.loads(labels[buildpackages.METADATA_LABEL])["id"] == f"pycnb/{role}"
        else:
            assert json.loads(labels["io.buildpacks.builder.metadata"])["images"][0]["image"] == published["run"]
    # The registry holds each buildpack's layers once: the builder's are the buildpackages' own.
    packaged_layers = set(docker_client.images.get(published["python"]).attrs["RootFS"]["Layers"])
    assert packaged_layers <= set(docker_client.images.get(published["builder"]).attrs["RootFS"]["Layers"])


def test_a_second_builder_composed_from_the_published_buildpackages_builds_the_example(docker_client, registry, published, tmp_path):
    """Another team's builder: pycnb's python, django and procfile buildpackages by `docker://` URI, no apt,
    its own order and description, the registry's stack images, built where those images are pulled."""
    assert all(buildpackages.pack_locator(published[name]) == f"docker://{published[name]}" for name in NAMES)
    config = tmp_path / "builder.toml"
    config.write_text(
        'description = "another team\'s builder made of pycnb buildpackages"\n'
        + "".join(f'[[buildpacks]]\nuri = "{buildpackages.pack_locator(published[name])}"\n' for name in ("python", "django", "procfile"))
        + '[[order]]\n[[order.group]]\nid = "pycnb/python"\nversion = "0.1.0"\n'
        + '[[order.group]]\nid = "pycnb/django"\nversion = "0.1.0"\noptional = true\n'
        + '[[order.group]]\nid = "pycnb/procfile"\nversion = "0.1.0"\noptional = true\n'
        + f'[build]\nimage = "{published["build"]}"\n[run]\n[[run.images]]\nimage = "{published["run"]}"\n'
        + '[[targets]]\nos = "linux"\narch = "amd64"\n[[targets.distros]]\nname = "debian"\nversion = "13"\n'
        + f'[lifecycle]\nuri = "{BUILD_DIR / "lifecycle.tgz"}"\n'
    )
    other = unique_image("composed-builder")
    image = unique_image("composed-app")
    try:
        # `always`: the buildpackages and the build image come from the registry, not from the daemon's copies.
        result = run_pack("builder", "create", other, "--config", str(config), "--pull-policy", "always")
        assert result.returncode == 0, result.stdout + result.stderr
        labels = docker_client.images.get(other).attrs["Config"]["Labels"]
        assert (sorted(bp["id"] for bp in json.loads(labels["io.buildpacks.builder.metadata"])["buildpacks"])
                == ["pycnb/django", "pycnb/procfile", "pycnb/python"])
        assert ([entry["id"] for entry in json.loads(labels["io.buildpacks.buildpack.order"])[0]["group"]]
                == ["pycnb/python", "pycnb/django", "pycnb/procfile"])
        app = copy_app(EXAMPLE_APP, tmp_path / "app")
        built = pack_build(image, app, extra=["--builder", other, "--pull-policy", "if-not-present"])
        assert built.returncode == 0, built.log
        assert "[pycnb/python]" in built.log and "[pycnb/procfile]" in built.log and "[pycnb/apt]" not in built.log
        with run_image(docker_client, image) as running:
            assert running.get("/")[0] == 200
    finally:
        remove_image_and_cache(docker_client, image)
        remove_image_and_cache(docker_client, other)


def test_pack_build_with_one_published_buildpackage_serves_a_flask_app(docker_client, registry, published, builder_image, tmp_path):
    """`pack build --buildpack docker://...`: the python buildpackage alone (the builder's order is not
    used), on the Flask quickstart without a Procfile: its default web process serves it."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(FLASK_QUICKSTART)
    (app / "requirements.txt").write_text("Flask==3.1.3\ngunicorn==27.0.1\n")
    image = unique_image("one-buildpackage")
    assert buildpackages.pack_locator(published["python"]).startswith("docker://127.0.0.1/")
    try:
        built = pack_build(image, app, extra=["--buildpack", buildpackages.pack_locator(published["python"]), "--trust-extra-buildpacks",
                                              "--pull-policy", "if-not-present"])
        assert built.returncode == 0, built.log
        assert "[pycnb/python]" in built.log and "[pycnb/procfile]" not in built.log
        assert "web: gunicorn app:app --bind 0.0.0.0:${PORT:-8000}" in built.log
        with run_image(docker_client, image) as running:
            status, body = running.get("/")
            assert (status, body) == (200, "<p>Hello, World!</p>")
    finally:
        remove_image_and_cache(docker_client, image)

