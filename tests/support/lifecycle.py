"""Running a staged buildpack's bin/detect or bin/build in the build image, as the lifecycle does:
the build user, the app at /workspace, the buildpack at /cnb/buildpacks/<id>/<version>, and the
CNB_* env vars of Buildpack API 0.10."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pycnb_tools.paths import STAGED_BUILDPACKS
from pycnb_tools.stacks import TRIXIE

BUILD_UID = 1001
VERSION = "0.1.0"


@dataclass
class PhaseResult:
    exit_code: int
    output: str
    workdir: Path

    @property
    def layers(self) -> Path:
        return self.workdir / "layers"

    @property
    def plan(self) -> Path:
        return self.workdir / "plan" / "plan.toml"


def own_by_build_user(path: Path) -> Path:
    """What a platform's prepare step does: the app, layers and cache belong to the build user."""
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, BUILD_UID, BUILD_UID, follow_symlinks=False)
    return path


def run_phase(docker_client, buildpack: str, phase: str, app_dir: Path, workdir: Path, *,
              env: dict[str, str] | None = None, buildpack_plan: str = "", bindings: Path | None = None, network: str = "none",
              timeout: int = 600, umask: str | None = None) -> PhaseResult:
    """Run `phase` of the staged `buildpack` against `app_dir`; `workdir` keeps layers between calls.
    With `umask`, the phase starts with that umask, as a platform may set one."""
    for folder in ("layers", "plan", "platform/env"):
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    if phase == "build":
        (workdir / "plan" / "buildpack-plan.toml").write_text(buildpack_plan)
    if bindings is not None:
        shutil.copytree(bindings, workdir / "platform" / "bindings", dirs_exist_ok=True)
    # The lifecycle gives the build user the app folder (collectstatic writes into it).
    own_by_build_user(workdir)
    own_by_build_user(app_dir)
    bp_dir = f"/cnb/buildpacks/pycnb_{buildpack}/{VERSION}"
    cnb_env = {
        "CNB_BUILDPACK_DIR": bp_dir,
        "CNB_PLATFORM_DIR": "/platform",
        "CNB_TARGET_OS": "linux",
        "CNB_TARGET_ARCH": "amd64",
        "CNB_TARGET_DISTRO_NAME": "debian",
        "CNB_TARGET_DISTRO_VERSION": "13",
        **(
            {"CNB_LAYERS_DIR": f"/layers/pycnb_{buildpack}", "CNB_BP_PLAN_PATH": "/plan/buildpack-plan.toml"}
            if phase == "build" else {"CNB_BUILD_PLAN_PATH": "/plan/plan.toml"}
        ),
        **(env or {}),
    }
    (workdir / "layers" / f"pycnb_{buildpack}").mkdir(exist_ok=True)
    os.chown(workdir / "layers" / f"pycnb_{buildpack}", BUILD_UID, BUILD_UID)
    volumes = {
        str(STAGED_BUILDPACKS / buildpack): {"bind": bp_dir, "mode": "ro"},
        str(app_dir): {"bind": "/workspace", "mode": "rw"},
        str(workdir / "layers"): {"bind": "/layers", "mode": "rw"},
        str(workdir / "plan"): {"bind": "/plan", "mode": "rw"},
        str(workdir / "platform"): {"bind": "/platform", "mode": "ro"},
    }
    container = docker_client.containers.run(
        TRIXIE.build_image, ["bash", "-c", f'umask {umask} && exec "$0"', f"{bp_dir}/bin/{phase}"] if umask else [f"{bp_dir}/bin/{phase}"],
        user=f"{BUILD_UID}:{BUILD_UID}", working_dir="/workspace",
        environment=cnb_env, volumes=volumes, network_mode=network, detach=True,
    )
    try:
        exit_code = container.wait(timeout=timeout)["StatusCode"]
        return PhaseResult(exit_code, container.logs(stdout=True, stderr=True).decode(errors="replace"), workdir)
    finally:
        container.remove(force=True)
