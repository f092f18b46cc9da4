"""The package managers users run (uv, Poetry, Pipenv, Django's django-admin), to make test apps
the way users make them: each in a virtual environment of its own, cached between sessions
outside the repository, at the exact versions the buildpack pins (python_buildpack/tools/*.txt)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PINS = ROOT / "buildpacks" / "python" / "python_buildpack" / "tools"
CACHE = Path(os.environ.get("PYCNB_CACHE_DIR", Path.home() / ".cache" / "pycnb")) / "test-tools"


def tool(name: str, executable: str | None = None) -> Path:
    """The executable of the tool pinned in tools/<name>.txt, installed once per pins version."""
    pins = PINS / f"{name}.txt"
    digest = hashlib.sha256(pins.read_bytes() + sys.version.encode()).hexdigest()[:12]
    home = CACHE / f"{name}-{digest}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / ".complete").exists():
            shutil.rmtree(home, ignore_errors=True)
            venv.create(home, with_pip=True)
            subprocess.run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "--require-hashes", "--no-deps", "-r", str(pins)], check=True)
            (home / ".complete").touch()
    return home / "bin" / (executable or name)


def tool_env(**extra: str) -> dict[str, str]:
    """An environment for running a tool in a test: no user config, no colours, no prompts."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("UV_", "POETRY_", "PIPENV_", "VIRTUAL_ENV", "PIP_"))}
    return {**env, "NO_COLOR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}
