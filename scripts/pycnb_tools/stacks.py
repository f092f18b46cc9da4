"""The base images: debian:trixie-slim (made with debootstrap when it cannot be pulled), then
the build and run images from stacks/trixie/."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker
from docker.errors import APIError, BuildError, DockerException, ImageNotFound

from . import shell
from .debian_apt import host_install, host_mirror
from .errors import StepError
from .paths import STACKS_DIR

STEP = "stacks"
BASE_IMAGE = "debian:trixie-slim"
DEBIAN_SUITE = "trixie"


@dataclass(frozen=True)
class Stack:
    name: str
    build_image: str
    run_image: str
    folder: Path

    @property
    def versions_file(self) -> Path:
        """The CPython versions compiled for this stack, one a line (`PYCNB_RUNTIME_VERSIONS` overrides it)."""
        return self.folder / "python-versions.txt"


TRIXIE = Stack("trixie", "pycnb/build:trixie", "pycnb/run:trixie", STACKS_DIR / "trixie")


def _has_image(client: docker.DockerClient, name: str) -> bool:
    try:
        client.images.get(name)
        return True
    except ImageNotFound:
        return False


def ensure_base_image(client: docker.DockerClient) -> None:
    if _has_image(client, BASE_IMAGE):
        return
    try:
        shell.say(f"Pulling {BASE_IMAGE}")
        client.images.pull(BASE_IMAGE)
        return
    except (APIError, DockerException):
        shell.say(f"{BASE_IMAGE} cannot be pulled: creating it with debootstrap")
    fix = "install debootstrap (apt-get install debootstrap) and make sure a Debian mirror is reachable"
    if not shutil.which("debootstrap"):
        host_install(["debootstrap"], STEP, fix)
    with tempfile.TemporaryDirectory(prefix="pycnb-rootfs-") as work:
        rootfs, tarball = Path(work) / "rootfs", Path(work) / "rootfs.tar"
        shell.run(STEP, ["debootstrap", "--variant=minbase", DEBIAN_SUITE, str(rootfs), host_mirror()], fix=fix, capture=True)
        # What debian:*-slim leaves out too: downloaded packages and apt lists.
        for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for path in (rootfs / leftover).glob("*"):
                if path.is_file():
                    path.unlink()
        shell.run(STEP, ["tar", "-C", str(rootfs), "-cf", str(tarball), "."], fix="check the free disk space")
        repository, tag = BASE_IMAGE.split(":")
        try:
            client.api.import_image_from_file(str(tarball), repository=repository, tag=tag)
        except (APIError, DockerException) as error:
            raise StepError(STEP, f"importing the debootstrap root as {BASE_IMAGE} failed: {error}", "check the Docker daemon's log") from None


def build_images(client: docker.DockerClient, stack: Stack = TRIXIE) -> None:
    """Build the stack's build and run images; Docker's layer cache makes a rebuild instant."""
    ensure_base_image(client)
    for kind, tag in (("build", stack.build_image), ("run", stack.run_image)):
        shell.say(f"Building the {kind} image {tag}")
        try:
            for chunk in client.api.build(path=str(stack.folder), dockerfile=f"{kind}.Dockerfile", tag=tag, network_mode="host", rm=True, decode=True, pull=False):
                if "stream" in chunk and chunk["stream"].strip():
                    print(f"    {chunk['stream'].rstrip()}")
                if "error" in chunk:
                    raise BuildError(chunk["error"], [])
        except (BuildError, APIError) as error:
            raise StepError(STEP, f"building {tag} failed: {error}", f"fix stacks/{stack.name}/{kind}.Dockerfile, or check that Debian's mirror is reachable") from None
