"""The builder image: the staged buildpacks, the lifecycle and the stack, via `pack builder create`."""

from __future__ import annotations

import io
import os
import shutil
import tomllib
from pathlib import Path

import docker

from . import packaging, pack, runtimes, stacks, toolchain
from .errors import StepError
from .paths import BUILD_DIR, ROOT

# A second work tree can set PYCNB_BUILDER_IMAGE so that its builder does not replace this one.
BUILDER_IMAGE = os.environ.get("PYCNB_BUILDER_IMAGE") or "pycnb/builder:trixie"
# The same buildpacks on the GIS stack (stacks.GIS): GeoDjango's libraries in the stack images.
GIS_BUILDER_IMAGE = os.environ.get("PYCNB_GIS_BUILDER_IMAGE") or "pycnb/builder:trixie-gis"
CONFIG = ROOT / "builder.toml"
DEFAULT_STACK_IMAGES = {"build": "pycnb/build:trixie", "run": "pycnb/run:trixie"}
# The lifecycle reads its platform settings from its container's env, which starts from the builder
# image's: every platform that runs this builder (pack, Tekton, kpack) gets them. pack has no flag for
# them. CNB_PARALLEL_EXPORT (Platform API 0.13+) exports the image and the cache side by side.
LIFECYCLE_ENV = {"CNB_PARALLEL_EXPORT": "true"}


def config(stack: stacks.Stack = stacks.TRIXIE) -> Path:
    """builder.toml, or, when the stack's images are renamed (PYCNB_BUILD_IMAGE, PYCNB_RUN_IMAGE),
    a copy of it in build/ that names them (its buildpack and lifecycle paths made relative to build/)."""
    images = {"build": stack.build_image, "run": stack.run_image}
    if images == DEFAULT_STACK_IMAGES:
        return CONFIG
    text = CONFIG.read_text().replace('uri = "build/', 'uri = "')
    for kind, name in images.items():
        text = text.replace(f'image = "{DEFAULT_STACK_IMAGES[kind]}"', f'image = "{name}"')
    parsed = tomllib.loads(text)
    if parsed["build"]["image"] != images["build"] or [run["image"] for run in parsed["run"]["images"]] != [images["run"]]:
        raise StepError("builder", "builder.toml no longer names the build and run images as expected",
                        'keep `image = "pycnb/build:trixie"` and `image = "pycnb/run:trixie"` in builder.toml')
    copy = BUILD_DIR / f"builder-{stack.name}.toml"
    BUILD_DIR.mkdir(exist_ok=True)
    copy.write_text(text)
    return copy


def create(client: docker.DockerClient, tag: str = BUILDER_IMAGE, stack: stacks.Stack = stacks.TRIXIE) -> str:
    """Everything the builder needs, then the builder itself; each step reuses what it can."""
    tarball = toolchain.lifecycle_tarball()
    toolchain.pack()
    stacks.build_images(client, stack)
    index = runtimes.build_all(client)
    packaging.compile_bytecode(client, stack.build_image, packaging.stage_all(index.parent))
    BUILD_DIR.mkdir(exist_ok=True)
    shutil.copyfile(tarball, BUILD_DIR / "lifecycle.tgz")
    pack.run(
        ["builder", "create", tag, "--config", str(config(stack)), "--pull-policy", "never"],
        fix="read pack's message above; builder.toml must match pack v" + toolchain.PACK_VERSION,
    )
    _set_lifecycle_env(client, tag)
    return tag


def _set_lifecycle_env(client: docker.DockerClient, tag: str) -> None:
    """LIFECYCLE_ENV in the builder image's config: one more image config on top, no new layer."""
    dockerfile = f"FROM {tag}\n" + "".join(f"ENV {name}={value}\n" for name, value in LIFECYCLE_ENV.items())
    try:
        client.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=tag, rm=True, pull=False)
    except docker.errors.DockerException as error:
        raise StepError("builder", f"setting the lifecycle's env in {tag} failed: {error}",
                        "check that the Docker engine is running") from None
