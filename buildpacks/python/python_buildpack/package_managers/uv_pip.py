"""uv as the installer of pip's inputs, opt-in with `BP_PYTHON_INSTALLER=uv`: the same requirements files,
resolved with `uv pip compile` and installed with `uv pip sync`, so the environment holds exactly what
they resolve to (what they no longer need is uninstalled), as with pip.

uv reads its own settings, not pip's: `UV_INDEX_URL`/`UV_DEFAULT_INDEX` and `UV_EXTRA_INDEX_URL` replace
`PIP_INDEX_URL` and `PIP_EXTRA_INDEX_URL`, and no `PIP_*` variable reaches it (the README lists them).
CA certificates from bindings reach it through `SSL_CERT_FILE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cnb import commands
from cnb.log import Logger
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .. import messages
from ..layers import tool
from . import uv
from .interface import InstallContext

ENV_VAR = "BP_PYTHON_INSTALLER"
INSTALLERS = ("pip", "uv")


def wanted(env: dict[str, str]) -> bool:
    """Whether the build asked for uv to install pip's inputs; an error for an installer pycnb does not know."""
    value = env.get(ENV_VAR, "").strip()
    if value and value not in INSTALLERS:
        raise messages.unknown_installer(ENV_VAR, value, INSTALLERS)
    return value == "uv"


@dataclass(frozen=True)
class UvPipInstaller:
    uv: Path
    cache_dir: Path
    requirements_file: Path
    source_name: str
    app_dir: Path
    env: dict[str, str]
    tmp: Path
    extra_packages: list[str] = field(default_factory=list)

    def install(self, log: Logger, venv: Path, *, update_in_place: bool) -> None:
        env = uv.environment(self.env, self.cache_dir, venv)
        resolved = self._compile(log, venv, env)
        with log.timed(f"Installing dependencies from {self.source_name} with uv pip sync"):
            code, output = commands.run(log, [str(self.uv), "pip", "sync", "--python", str(venv / "bin" / "python"), str(resolved)],
                                        env=env, cwd=self.app_dir)
            if code != 0:
                raise messages.tool_failed("uv", "uv pip sync", output)
        uv.prune_cache(log, self.uv, env)

    def install_delta(self, log: Logger, venv: Path, prefix: Path, base: dict[str, str]) -> str:
        """The resolution's pins that `base` lacks, installed under `prefix` without their dependencies
        (the resolution already holds them); a pin of another version than the base's is installed too,
        which folds the delta into the environment (layers/venv_delta.py)."""
        env = uv.environment(self.env, self.cache_dir, venv)
        resolved = self._compile(log, venv, env)
        lines = resolved.read_text(encoding="utf-8").splitlines()
        pins = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        added = [pin for pin in pins if _not_in(pin, base)]
        if not added:
            log.detail("The environment already has every resolved distribution")
            return ""
        with log.timed(f"Installing what {self.source_name} adds with uv pip install"):
            argv = [str(self.uv), "pip", "install", "--no-deps", "--python", str(venv / "bin" / "python"), "--prefix", str(prefix), *added]
            code, output = commands.run(log, argv, env=env, cwd=self.app_dir)
            if code != 0:
                raise messages.tool_failed("uv", "uv pip install", output)
        uv.prune_cache(log, self.uv, env)
        return ""

    def _compile(self, log: Logger, venv: Path, env: dict[str, str]) -> Path:
        inputs = [str(self.requirements_file)]
        if self.extra_packages:
            extra = self.tmp / "extra-packages.in"
            extra.write_text("".join(f"{package}\n" for package in self.extra_packages))
            inputs.append(str(extra))
        resolved = self.tmp / "uv-resolved.txt"
        python = str(venv / "bin" / "python")
        with log.timed(f"Resolving {self.source_name} with uv pip compile"):
            argv = [str(self.uv), "pip", "compile", "--python", python, "--quiet", "--no-header", "--output-file", str(resolved), *inputs]
            code, output = commands.run(log, argv, env=env, cwd=self.app_dir)
            if code != 0:
                raise messages.tool_failed("uv", f"uv pip compile {self.source_name}", output)
        return resolved


def _not_in(pin: str, base: dict[str, str]) -> bool:
    found = _pinned(pin)
    return found is None or base.get(found[0]) != found[1]


def _pinned(line: str) -> tuple[str, str] | None:
    """(canonical name, version) of a `name==version` line of uv's resolution, else None (a URL, a path)."""
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None
    specifiers = list(requirement.specifier)
    if requirement.url or len(specifiers) != 1 or specifiers[0].operator != "==":
        return None
    return canonicalize_name(requirement.name), specifiers[0].version


def installer(context: InstallContext, requirements_file: Path, source_name: str) -> UvPipInstaller:
    executable = tool.install(context.log, context.caches, tool.UV, context.python, context.runtime_sha256, context.env)
    return UvPipInstaller(executable, uv.cache_dir(context.caches), requirements_file, source_name, context.app_dir, context.env,
                          context.tmp, context.extra_packages)
