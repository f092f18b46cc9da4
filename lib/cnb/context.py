"""What the lifecycle hands a buildpack: folders, target and environment, read from env vars."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import toml


@dataclass(frozen=True)
class Target:
    """The platform the image is for (Buildpack API 0.10 `CNB_TARGET_*`)."""

    os: str = "linux"
    arch: str = "amd64"
    distro_name: str = ""
    distro_version: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str]) -> "Target":
        return cls(
            os=env.get("CNB_TARGET_OS", "linux"),
            arch=env.get("CNB_TARGET_ARCH", "amd64"),
            distro_name=env.get("CNB_TARGET_DISTRO_NAME", ""),
            distro_version=env.get("CNB_TARGET_DISTRO_VERSION", ""),
        )


@dataclass(frozen=True)
class Context:
    """Shared by detect and build: the app, the buildpack, the platform and the environment.

    With `clear-env = false` the lifecycle has already put the user's platform env vars
    (`pack build --env`, project.toml) into our environment, so `env` holds them.
    """

    app_dir: Path
    buildpack_dir: Path
    platform_dir: Path
    target: Target
    env: dict[str, str] = field(repr=False)

    @cached_property
    def buildpack(self) -> dict[str, Any]:
        """The `[buildpack]` table of our buildpack.toml: id, version, name."""
        return toml.load(self.buildpack_dir / "buildpack.toml").get("buildpack", {})

    def flag(self, name: str, default: bool) -> bool:
        """A boolean setting from the environment: 1/true/yes/on or 0/false/no/off."""
        value = self.env.get(name, "").strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off"}:
            return False
        return default


@dataclass(frozen=True)
class DetectContext(Context):
    build_plan_path: Path = Path("/dev/null")


@dataclass(frozen=True)
class BuildContext(Context):
    layers_dir: Path = Path("/layers")
    buildpack_plan_path: Path = Path("/dev/null")


def _common(env: dict[str, str]) -> dict:
    return {
        "app_dir": Path.cwd(),
        "buildpack_dir": Path(env["CNB_BUILDPACK_DIR"]),
        "platform_dir": Path(env.get("CNB_PLATFORM_DIR", "/platform")),
        "target": Target.from_env(env),
        "env": env,
    }


def detect_context(env: dict[str, str] | None = None) -> DetectContext:
    env = dict(os.environ if env is None else env)
    return DetectContext(**_common(env), build_plan_path=Path(env["CNB_BUILD_PLAN_PATH"]))


def build_context(env: dict[str, str] | None = None) -> BuildContext:
    env = dict(os.environ if env is None else env)
    return BuildContext(
        **_common(env),
        layers_dir=Path(env["CNB_LAYERS_DIR"]),
        buildpack_plan_path=Path(env["CNB_BP_PLAN_PATH"]),
    )
