"""The builder image: the staged buildpacks, the lifecycle and the stack, via `pack builder create`."""

from __future__ import annotations

import os
import shutil

import docker

from . import packaging, pack, runtimes, stacks, toolchain
from .paths import BUILD_DIR, ROOT

# A second work tree can set PYCNB_BUILDER_IMAGE so that its builder does not replace this one.
BUILDER_IMAGE = os.environ.get("PYCNB_BUILDER_IMAGE") or "pycnb/builder:trixie"
CONFIG = ROOT / "builder.toml"


def create(client: docker.DockerClient, tag: str = BUILDER_IMAGE) -> str:
    """Everything the builder needs, then the builder itself; each step reuses what it can."""
    tarball = toolchain.lifecycle_tarball()
    toolchain.pack()
    stacks.build_images(client)
    index = runtimes.build_all(client)
    packaging.stage_all(index.parent)
    BUILD_DIR.mkdir(exist_ok=True)
    shutil.copyfile(tarball, BUILD_DIR / "lifecycle.tgz")
    pack.run(
        ["builder", "create", tag, "--config", str(CONFIG), "--pull-policy", "never"],
        fix="read pack's message above; builder.toml must match pack v" + toolchain.PACK_VERSION,
    )
    return tag
