"""Build-only tool layers: pip-tools, uv, Poetry and Pipenv, each in a virtual environment of its own.

Each tool is installed from `tools/<name>.txt`, a pip-compile output of `tools/<name>.in` with
every dependency pinned and hashed, by the runtime's pip (so `PIP_INDEX_URL`, `PIP_*` and CA
bindings reach it). The layer is a one-file cache (cnb.one_file_cache), unpacked only in builds that run
the tool, never in the image, and not on the app's PATH: callers run the tool by its absolute path. It is
reinstalled only when the pins or the runtime change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cnb import commands
from cnb.one_file_cache import OneFileCaches
from cnb.log import Logger

from .. import bytecode, messages

PINS_DIR = Path(__file__).resolve().parent.parent / "tools"


@dataclass(frozen=True)
class Tool:
    name: str  # the layer's name and the stem of its pins file: `tools/<name>.txt`
    package: str  # the distribution whose version the log names
    executable: str  # the script in the tool's bin/

    @property
    def pins(self) -> Path:
        return PINS_DIR / f"{self.name}.txt"

    @property
    def version(self) -> str:
        """The tool's own pinned version, read from its pins file."""
        prefix = f"{self.package}=="
        for line in self.pins.read_text(encoding="utf-8").splitlines():
            if line.startswith(prefix):
                return line[len(prefix):].split()[0]
        raise ValueError(f"{self.pins.name} pins no {self.package}")


PIP_TOOLS = Tool("pip-tools", "pip-tools", "pip-compile")
UV = Tool("uv", "uv", "uv")
POETRY = Tool("poetry", "poetry", "poetry")
PIPENV = Tool("pipenv", "pipenv", "pipenv")
TOOLS = (PIP_TOOLS, UV, POETRY, PIPENV)


def install(log: Logger, caches: OneFileCaches, tool: Tool, python: Path, runtime_sha256: str, env: dict[str, str]) -> Path:
    """The tool's executable, installed (or unpacked from the cache) in its build-only folder."""
    pins = tool.pins.read_bytes()
    wanted = {"version": tool.version, "pins_sha256": hashlib.sha256(pins).hexdigest(), "runtime_sha256": runtime_sha256}
    folder, cached = caches.open(tool.name, wanted)
    if cached:
        log.step(f"Using cached {tool.package} {tool.version}")
    else:
        with log.timed(f"Installing {tool.package} {tool.version} (for this build only)"):
            for argv in (
                [str(python), "-m", "venv", "--without-pip", str(folder)],
                [str(python), "-m", "pip", "--python", str(folder / "bin" / "python"), "install", "--quiet",
                 "--require-hashes", "--no-deps", "-r", str(tool.pins)],
            ):
                code, output = commands.run(log, argv, env=env, quiet=True)
                if code != 0:
                    raise messages.tool_install_failed(tool.package, tool.version, output)
        # pip wrote no bytecode (PIP_COMPILE=0): without it every run of the tool would compile what it imports.
        bytecode.compile_missing(log, python, [folder], env)
    return folder / "bin" / tool.executable
