"""A Docker engine the lifecycle can talk to: a reachable daemon with API 1.44 or newer, else
Debian trixie's Engine, unpacked into the cache and started in the background.

lifecycle v0.21 talks to the daemon through moby's client, which refuses daemons older than
API 1.44 (Engine 25). Debian bookworm's docker.io is 20.10 (API 1.41); trixie's is 26.1
(API 1.45) and needs only glibc 2.34, so its binaries run on bookworm hosts too. They are
unpacked rather than installed, so the host's packages are untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import docker
from docker.errors import DockerException

from . import shell
from .debian_apt import PrivateApt, host_install
from .errors import StepError
from .paths import cache_dir

STEP = "docker"
MIN_API_VERSION = (1, 44)
ENGINE_SUITES = ("trixie",)
ENGINE_PACKAGES = ("docker.io", "containerd")
READY_TIMEOUT_SECONDS = 60
# No bridge network exists on the machines this runs on: containers use the host's network.
DOCKERD_ARGS = ["--storage-driver=overlay2", "--iptables=false", "--ip-masq=false", "--bridge=none"]


def _client() -> docker.DockerClient | None:
    try:
        client = docker.from_env(version="auto", timeout=600)
        client.ping()
        return client
    except DockerException:
        return None


def _api_version(client: docker.DockerClient) -> tuple[int, int]:
    major, minor = client.version()["ApiVersion"].split(".")[:2]
    return int(major), int(minor)


def _engine_root() -> Path:
    """Debian trixie's dockerd and containerd, unpacked once into the cache."""
    root = cache_dir() / "engine" / "trixie"
    if (root / "usr" / "sbin" / "dockerd").exists():
        return root
    if os.geteuid() != 0 or not shutil.which("dpkg-deb"):
        raise StepError(STEP, "no Docker daemon answers, and one can only be started as root on Debian",
                        "start Docker Engine 25 or newer yourself")
    shell.say("Unpacking Debian trixie's Docker Engine into the cache")
    apt = PrivateApt("engine", "deb", ENGINE_SUITES, STEP,
                     "check that Debian's mirror is reachable, or start Docker Engine 25 or newer yourself")
    apt.unpack(ENGINE_PACKAGES, root)
    return root


def ensure() -> docker.DockerClient:
    """A client for a daemon new enough for the lifecycle; starts one when none answers."""
    client = _client()
    if client:
        if _api_version(client) < MIN_API_VERSION:
            found = client.version()
            raise StepError(
                STEP,
                f"the Docker daemon answering is Engine {found['Version']} (API {found['ApiVersion']}); "
                f"lifecycle v0.21 needs API {'.'.join(map(str, MIN_API_VERSION))} or newer (Engine 25+)",
                "upgrade Docker Engine, or stop this daemon so that ./pycnb starts Debian trixie's Engine 26 itself",
            )
        return client
    root = _engine_root()
    if not shutil.which("runc"):
        host_install(["runc"], STEP, "install runc (apt-get install runc)")
    log_path = cache_dir() / "dockerd.log"
    shell.say(f"Starting Docker Engine from {root} in the background (log: {log_path})")
    path = f"{root / 'usr' / 'sbin'}:{root / 'usr' / 'bin'}:{os.environ.get('PATH', '')}"
    with open(log_path, "ab") as log:
        subprocess.Popen(
            [str(root / "usr" / "sbin" / "dockerd"), *DOCKERD_ARGS], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, "PATH": path},
        )
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        client = _client()
        if client:
            return client
        time.sleep(1)
    raise StepError(STEP, f"dockerd did not answer within {READY_TIMEOUT_SECONDS}s",
                    f"read {log_path}; dockerd needs root and overlay2 support")
