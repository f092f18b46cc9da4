"""The base images: debian:trixie-slim (made with debootstrap when it cannot be pulled, slim the
way Debian's official slim images are), then the build and run images from stacks/trixie/, and the
GIS variant's from those (`./pycnb builder --gis`).

`PYCNB_BASE_IMAGE`, `PYCNB_BUILD_IMAGE` and `PYCNB_RUN_IMAGE` rename the three images (default
debian:trixie-slim, pycnb/build:trixie and pycnb/run:trixie), so that a second work tree can try
other stacks on a shared Docker daemon without replacing the images the others build on."""

from __future__ import annotations

import fnmatch
import hashlib
import os
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
BASE_IMAGE = os.environ.get("PYCNB_BASE_IMAGE") or "debian:trixie-slim"
DEBIAN_SUITE = "trixie"
# Copied over the debootstrap root: dpkg's path-exclude config and apt's clean-up config.
BASE_OVERLAY = STACKS_DIR / DEBIAN_SUITE / "base"
DPKG_FILTERS = BASE_OVERLAY / "etc" / "dpkg" / "dpkg.cfg.d" / "docker"
# Names the recipe of a base pycnb made, so that a base made by an older recipe is made again.
RECIPE_LABEL = "io.pycnb.base.recipe"


@dataclass(frozen=True)
class Stack:
    name: str
    build_image: str
    run_image: str
    folder: Path
    # A variant is made from another stack's images by `<kind>-<name suffix>.Dockerfile` (the GIS stack).
    variant_of: "Stack | None" = None
    dockerfile_suffix: str = ""

    @property
    def versions_file(self) -> Path:
        """The CPython versions compiled for this stack, one a line (`PYCNB_RUNTIME_VERSIONS` overrides it)."""
        return self.folder / "python-versions.txt"


TRIXIE = Stack(
    "trixie",
    os.environ.get("PYCNB_BUILD_IMAGE") or "pycnb/build:trixie",
    os.environ.get("PYCNB_RUN_IMAGE") or "pycnb/run:trixie",
    STACKS_DIR / "trixie",
)


# The plain stack's images with GDAL, GEOS and PROJ (stacks/trixie/gis-packages.txt): a GeoDjango app built on
# them needs no apt layer (docs/apt.md).
GIS = Stack(
    "trixie-gis",
    os.environ.get("PYCNB_GIS_BUILD_IMAGE") or "pycnb/build:trixie-gis",
    os.environ.get("PYCNB_GIS_RUN_IMAGE") or "pycnb/run:trixie-gis",
    STACKS_DIR / "trixie",
    variant_of=TRIXIE,
    dockerfile_suffix="-gis",
)


def base_recipe() -> str:
    """A digest of what makes the debootstrap base: the suite, the variant and the overlay files.
    Bump `slimify-vN` when ensure_base_image's own steps change what the base holds."""
    digest = hashlib.sha256(f"{DEBIAN_SUITE} minbase slimify-v1\n".encode())
    for path in sorted(BASE_OVERLAY.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(BASE_OVERLAY).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def dpkg_filters(config: Path = DPKG_FILTERS) -> list[tuple[bool, str]]:
    """The path-exclude (False) and path-include (True) rules of a dpkg config file, in order."""
    rules = []
    for line in config.read_text().splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in ("path-exclude", "path-include"):
            rules.append((words[0] == "path-include", words[1]))
    return rules


def excluded(path: str, rules: list[tuple[bool, str]]) -> bool:
    """Whether dpkg leaves `path` out: the last rule whose glob matches decides, as in dpkg's filters.c."""
    keep = True
    for include, pattern in rules:
        if fnmatch.fnmatchcase(path, pattern):
            keep = include
    return not keep


def slim_root(rootfs: Path, rules: list[tuple[bool, str]]) -> None:
    """Remove from an installed root what the dpkg filters leave out of later installs, then the
    directories that leaves empty (what debuerreotype-slimify does for Debian's slim images)."""
    tops = {rootfs / pattern.lstrip("/").rsplit("/", 1)[0] for include, pattern in rules if not include}
    for top in sorted(tops):
        if not top.is_dir() or top.is_symlink():
            continue
        for path in sorted(top.rglob("*"), reverse=True):
            if (path.is_symlink() or not path.is_dir()) and excluded("/" + path.relative_to(rootfs).as_posix(), rules):
                path.unlink()
        for path in sorted(top.rglob("*"), reverse=True):  # deepest first, so emptied parents go too
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()


def _base_is_current(client: docker.DockerClient) -> bool | None:
    """True for a base this recipe made, or one pulled from a registry; False for one an older
    recipe made (an older pycnb's base has no recipe label, but is an imported root); None when
    there is no base."""
    try:
        image = client.images.get(BASE_IMAGE)
    except ImageNotFound:
        return None
    if RECIPE_LABEL in (image.labels or {}):
        return image.labels[RECIPE_LABEL] == base_recipe()
    return image.attrs.get("Comment") != "Imported from -"


def ensure_base_image(client: docker.DockerClient) -> None:
    current = _base_is_current(client)
    if current:
        return
    if current is None:
        try:
            shell.say(f"Pulling {BASE_IMAGE}")
            client.images.pull(BASE_IMAGE)
            return
        except (APIError, DockerException):
            shell.say(f"{BASE_IMAGE} cannot be pulled: creating it with debootstrap")
    else:
        shell.say(f"{BASE_IMAGE} was made by an older recipe: making it again with debootstrap")
    fix = "install debootstrap (apt-get install debootstrap) and make sure a Debian mirror is reachable"
    if not shutil.which("debootstrap"):
        host_install(["debootstrap"], STEP, fix)
    with tempfile.TemporaryDirectory(prefix="pycnb-rootfs-") as work:
        rootfs, tarball = Path(work) / "rootfs", Path(work) / "rootfs.tar"
        shell.run(STEP, ["debootstrap", "--variant=minbase", DEBIAN_SUITE, str(rootfs), host_mirror()], fix=fix, capture=True)
        # What debian:*-slim leaves out too: docs, manuals, translations (now and in later
        # installs), downloaded packages, apt's lists and caches.
        shutil.copytree(BASE_OVERLAY, rootfs, dirs_exist_ok=True)
        slim_root(rootfs, dpkg_filters())
        for leftover in ("var/cache/apt", "var/lib/apt/lists"):
            for path in (rootfs / leftover).rglob("*"):
                if path.is_file():
                    path.unlink()
        shell.run(STEP, ["tar", "-C", str(rootfs), "-cf", str(tarball), "."], fix="check the free disk space")
        repository, tag = BASE_IMAGE.rsplit(":", 1)
        try:
            client.api.import_image_from_file(str(tarball), repository=repository, tag=tag,
                                              changes=[f"LABEL {RECIPE_LABEL}={base_recipe()}"])
        except (APIError, DockerException) as error:
            raise StepError(STEP, f"importing the debootstrap root as {BASE_IMAGE} failed: {error}",
                            "check the Docker daemon's log") from None


def build_images(client: docker.DockerClient, stack: Stack = TRIXIE) -> None:
    """Build the stack's build and run images (a variant's after the stack it is made from); Docker's
    layer cache makes a rebuild instant."""
    if stack.variant_of is not None:
        build_images(client, stack.variant_of)
    else:
        ensure_base_image(client)
    base = {"RUN_BASE": stack.variant_of.run_image, "BUILD_BASE": stack.variant_of.build_image} if stack.variant_of else {}
    # The run image first: the build image records its installed packages (for pycnb/apt).
    for kind, tag in (("run", stack.run_image), ("build", stack.build_image)):
        shell.say(f"Building the {kind} image {tag}")
        try:
            for chunk in client.api.build(path=str(stack.folder), dockerfile=f"{kind}{stack.dockerfile_suffix}.Dockerfile", tag=tag,
                                          buildargs={"BASE_IMAGE": BASE_IMAGE, **base,
                                                     **({"RUN_IMAGE": stack.run_image} if kind == "build" else {})},
                                          network_mode="host", rm=True, decode=True, pull=False):
                if "stream" in chunk and chunk["stream"].strip():
                    print(f"    {chunk['stream'].rstrip()}")
                if "error" in chunk:
                    raise BuildError(chunk["error"], [])
        except (BuildError, APIError) as error:
            raise StepError(STEP, f"building {tag} failed: {error}",
                            f"fix stacks/{stack.folder.name}/{kind}{stack.dockerfile_suffix}.Dockerfile, or check that Debian's "
                            "mirror is reachable") from None
