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

from .. import messages
from ..layers import tool, venv_delta
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
        """uv installs into an environment, not beside one (with `--prefix` it installs every requirement
        again), so `uv pip install` runs on the base's skeleton: the base's distributions satisfy their lines
        from their installed metadata, with nothing downloaded, and only what the requirements add is
        installed; it is then moved under `prefix` (layers/venv_delta.py)."""
        env = uv.environment(self.env, self.cache_dir, venv)

        def install() -> None:
            with log.timed(f"Installing what {self.source_name} adds with uv pip install"):
                argv = [str(self.uv), "pip", "install", "--python", str(venv / "bin" / "python"), "-r", str(self.requirements_file),
                        *self.extra_packages]
                code, output = commands.run(log, argv, env=env, cwd=self.app_dir)
                if code != 0:
                    raise messages.tool_failed("uv", "uv pip install", output)
            uv.prune_cache(log, self.uv, env)

        return venv_delta.install_in_place(venv, prefix, install)

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


def installer(context: InstallContext, requirements_file: Path, source_name: str) -> UvPipInstaller:
    executable = tool.install(context.log, context.caches, tool.UV, context.python, context.runtime_sha256, context.env)
    return UvPipInstaller(executable, uv.cache_dir(context.caches), requirements_file, source_name, context.app_dir, context.env,
                          context.tmp, context.extra_packages)
