"""Each staged buildpack as a buildpackage (`pack buildpack package`): an image in the daemon and a
`.cnb` file in build/buildpackages/, for platforms that compose their own builders (kpack's
ClusterStore, `pack builder create` with `docker://` URIs, `pack build --buildpack`).

Buildpackage format: https://github.com/buildpacks/spec/blob/main/distribution.md#buildpackage
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import pack, packaging, shell
from .errors import StepError
from .paths import BUILD_DIR, STAGED_BUILDPACKS

STEP = "package"
BUILDPACKAGES_DIR = BUILD_DIR / "buildpackages"
# Where the buildpackage images are named: `<repository>/buildpack-<name>:<version>`, as Heroku names
# its own (heroku/buildpack-python). Another work tree may set its own so it replaces none of these.
REPOSITORY = os.environ.get("PYCNB_BUILDPACKAGE_REPOSITORY") or "pycnb"
# What pack reads from an image to use it as a buildpackage (pack's dist package).
METADATA_LABEL = "io.buildpacks.buildpackage.metadata"
LAYERS_LABEL = "io.buildpacks.buildpack.layers"


@dataclass(frozen=True)
class Buildpackage:
    name: str          # the folder under buildpacks/: python
    id: str            # pycnb/python
    version: str       # 0.1.0
    targets: tuple[str, ...]  # pack's --target form: linux/amd64:debian@13
    staged: Path

    @property
    def image(self) -> str:
        return image_name(self.name, self.version)

    def remote(self, registry: str) -> str:
        """Its name in `registry` (a host, or a host and a path)."""
        return f"{registry.rstrip('/')}/{self.image}"

    @property
    def file(self) -> Path:
        return BUILDPACKAGES_DIR / f"{self.id.replace('/', '_')}-{self.version}.cnb"

    @property
    def config(self) -> Path:
        return BUILDPACKAGES_DIR / self.name / "package.toml"


def image_name(name: str, version: str, repository: str = REPOSITORY) -> str:
    return f"{repository}/buildpack-{name}:{version}"


def pack_locator(image: str) -> str:
    """How pack is told to take a buildpackage image (builder.toml `uri`, `pack build --buildpack`):
    `docker://IMAGE`; but pack v0.40 refuses that form when the registry has a port
    (`unsupported protocol 'docker'`, buildpacks/pack#2536), so there the bare image name, which pack
    also reads as a buildpackage image."""
    host = image.split("/", 1)[0]
    return image if ":" in host else f"docker://{image}"


def pack_target(target: dict) -> str:
    """A buildpack.toml `[[targets]]` entry as pack's `--target` value: `os/arch[/variant][:distro@version;...]`."""
    platform = "/".join(part for part in (target.get("os", ""), target.get("arch", ""), target.get("variant", "")) if part)
    distros = ";".join(f"{distro['name']}@{distro['version']}" if distro.get("version") else distro["name"]
                       for distro in target.get("distros", []))
    return f"{platform}:{distros}" if distros else platform


def describe(staged: Path) -> Buildpackage:
    """What a staged buildpack's buildpack.toml says about its buildpackage."""
    try:
        descriptor = tomllib.loads((staged / "buildpack.toml").read_text())
        info = descriptor["buildpack"]
        targets = tuple(pack_target(target) for target in descriptor.get("targets", []))
        return Buildpackage(staged.name, info["id"], info["version"], targets, staged)
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise StepError(STEP, f"{staged / 'buildpack.toml'} cannot be read: {error}",
                        "run ./pycnb package again; check buildpacks/<name>/buildpack.toml") from None


def package_toml(buildpackage: Buildpackage) -> str:
    """pack's package config: the staged buildpack, no dependencies (each of ours is a component buildpack).
    Its targets go to pack as `--target`: pack reads buildpack.toml's only with `--path`, which
    cannot be combined with a config."""
    return f'# Written by ./pycnb package from {buildpackage.staged}/buildpack.toml\n[buildpack]\nuri = "{buildpackage.staged}"\n'


def create(buildpackage: Buildpackage) -> Buildpackage:
    """The buildpackage image in the daemon and its `.cnb` file; each `pack buildpack package` run
    reads only the staged folder, so nothing is pulled."""
    buildpackage.config.parent.mkdir(parents=True, exist_ok=True)
    buildpackage.config.write_text(package_toml(buildpackage))
    targets = [argument for target in buildpackage.targets for argument in ("--target", target)]
    fix = f"read pack's message above; {buildpackage.staged}/buildpack.toml must be valid for pack v0.40"
    pack.run(["buildpack", "package", buildpackage.image, "--config", str(buildpackage.config), "--pull-policy", "never", *targets],
             fix=fix)
    buildpackage.file.unlink(missing_ok=True)
    pack.run(["buildpack", "package", str(buildpackage.file), "--config", str(buildpackage.config), "--format", "file",
              "--pull-policy", "never", *targets], fix=fix)
    return buildpackage


def staged_folders() -> list[Path]:
    return [STAGED_BUILDPACKS / name for name in packaging.BUILDPACKS]


def create_all(staged: list[Path] | None = None) -> list[Buildpackage]:
    """Every staged buildpack as a buildpackage (staged by packaging.stage_all beforehand)."""
    folders = staged or staged_folders()
    shell.say(f"Making buildpackages: images {REPOSITORY}/buildpack-<name> and .cnb files in {BUILDPACKAGES_DIR}")
    return [create(describe(folder)) for folder in folders]
