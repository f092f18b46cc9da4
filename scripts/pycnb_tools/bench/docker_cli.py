"""The docker CLI with the buildx plugin, for approach B: Docker's Python guide relies on BuildKit
(cache mounts), and the legacy builder behind the SDK does not have them. Debian trixie's
docker-buildx (and docker-cli, when the machine has no docker CLI) are unpacked into the cache."""

from __future__ import annotations

import shutil

from .. import shell
from ..debian_apt import PrivateApt
from ..paths import cache_dir

STEP = "bench"
FIX = "check that Debian's mirror is reachable, or install docker-buildx yourself"


def ensure() -> tuple[str, dict[str, str]]:
    """The docker binary and the env (a DOCKER_CONFIG holding the buildx plugin) to run it with."""
    root = cache_dir() / "engine" / "buildx"
    plugin = root / "usr" / "libexec" / "docker" / "cli-plugins" / "docker-buildx"
    host_cli, bundled_cli = shutil.which("docker"), root / "usr" / "bin" / "docker"
    if not plugin.exists() or not (host_cli or bundled_cli.exists()):
        shell.say("Unpacking Debian trixie's docker-buildx into the cache")
        shutil.rmtree(root, ignore_errors=True)
        apt = PrivateApt("engine", "deb", ("trixie",), STEP, FIX)
        apt.unpack(("docker-buildx",) if host_cli else ("docker-buildx", "docker-cli"), root)
    config = cache_dir() / "docker-config"
    (config / "cli-plugins").mkdir(parents=True, exist_ok=True)
    link = config / "cli-plugins" / "docker-buildx"
    if not link.exists():
        link.symlink_to(plugin)
    return host_cli or str(bundled_cli), {"DOCKER_CONFIG": str(config), "DOCKER_BUILDKIT": "1"}
