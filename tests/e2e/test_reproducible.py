"""Identical inputs give identical images: the same app built on empty caches, from checkouts made at
different times, and rebuilt unchanged from a warm cache, gives one image ID."""

import json
import os

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def checkout(destination, mtime: int):
    """A copy of the example whose files all have `mtime`, as a fresh checkout of the same commit would at another time."""
    app = copy_app(EXAMPLE_APP, destination)
    for folder, _, files in os.walk(app):
        for name in files:
            os.utime(os.path.join(folder, name), (mtime, mtime))
    return app


def layer_names(attrs: dict) -> dict[str, str]:
    """Layer diff IDs to what they hold (the app, a buildpack's layer, the launcher...), from the lifecycle's label."""
    metadata = json.loads(attrs["Config"]["Labels"]["io.buildpacks.lifecycle.metadata"])
    names = {layer["sha"]: "app" for layer in metadata.get("app", [])}
    names.update({metadata[key]["sha"]: key for key in ("sbom", "launcher", "config", "process-types") if metadata.get(key, {}).get("sha")})
    for buildpack in metadata.get("buildpacks", []):
        names.update({layer["sha"]: f"{buildpack['key']}:{name}" for name, layer in buildpack.get("layers", {}).items()})
    return names


def differences(docker_client, first: str, second: str) -> dict:
    """Which layers and which config keys differ, to say where the two images part."""
    a, b = (docker_client.images.get(image).attrs for image in (first, second))
    names = {**layer_names(a), **layer_names(b)}
    layers = [names.get(x, f"run image layer {n}") for n, (x, y) in enumerate(zip(a["RootFS"]["Layers"], b["RootFS"]["Layers"])) if x != y]
    config = [key for key in a["Config"] if a["Config"].get(key) != b["Config"].get(key)]
    return {"layers": layers, "layer counts": (len(a["RootFS"]["Layers"]), len(b["RootFS"]["Layers"])), "config keys": config,
            "created": (a["Created"], b["Created"])}


@pytest.fixture(scope="module")
def builds(docker_client, builder_image, tmp_path_factory):
    """Three builds of the example, each image ID taken when it is made: `cold` and `other-cold` on empty
    caches from checkouts made at different times, then `warm`, `cold` rebuilt unchanged from its cache."""
    tmp = tmp_path_factory.mktemp("reproducible")
    # The example gets django-heroku, so psycopg2's C extension is compiled from source each time.
    apps = {"cold": checkout(tmp / "cold", 1_700_000_000), "other": checkout(tmp / "other", 1_750_000_000)}
    images = {"cold": unique_image("reproducible-cold"), "other": unique_image("reproducible-other")}
    ids, logs = {}, {}
    for name, image, app, extra in [("cold", images["cold"], apps["cold"], ["--clear-cache"]),
                                    ("other-cold", images["other"], apps["other"], ["--clear-cache"]),
                                    ("warm", images["cold"], apps["cold"], [])]:
        result = pack_build(image, app, extra=extra)
        assert result.returncode == 0, result.log
        ids[name], logs[name] = docker_client.images.get(image).id, result.log
        if name == "cold":
            docker_client.images.get(image).tag(image.replace(":latest", ":cold"))
    yield ids, logs, images
    for image in images.values():
        remove_image_and_cache(docker_client, image)
    docker_client.images.remove(images["cold"].replace(":latest", ":cold"), force=True)


def test_two_builds_on_empty_caches_give_the_same_image(docker_client, builds):
    ids, _, images = builds
    assert ids["cold"] == ids["other-cold"], differences(docker_client, images["cold"].replace(":latest", ":cold"), images["other"])


def test_a_rebuild_from_a_warm_cache_gives_the_same_image(docker_client, builds):
    ids, logs, images = builds
    # It really was warm: the runtime and the environment came from the cache, no installer ran.
    assert "- Using cached Python 3.13" in logs["warm"] and "- Using cached virtual environment" in logs["warm"]
    assert ids["warm"] == ids["cold"] == ids["other-cold"], differences(docker_client, images["cold"], images["other"])
