"""Running pack: our cached binary, its own config home, and a stable cache-volume key."""

from __future__ import annotations

import secrets
from pathlib import Path

from . import shell, toolchain
from .paths import ROOT, cache_dir

STEP = "pack"


def env() -> dict[str, str]:
    home = cache_dir() / "pack-home"
    home.mkdir(parents=True, exist_ok=True)
    # pack, when it finds itself inside a container, names its cache volumes from a random key
    # unless PACK_VOLUME_KEY is set: without a stable key no build would find the last one's cache.
    key_file = home / "volume-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(16))
    # PACK_HOME: our config, so the user's own pack config is untouched.
    return {"PACK_HOME": str(home), "PACK_VOLUME_KEY": key_file.read_text()}


def run(args: list[str], *, fix: str, capture: bool = False, cwd: Path = ROOT) -> str:
    return shell.run(STEP, [str(toolchain.pack()), *args], env=env(), fix=fix, capture=capture, cwd=cwd)
