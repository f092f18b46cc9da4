"""pip: its inputs (requirements.txt, requirements.in pinned with pip-compile first, or pyproject.toml's
static dependencies) and its installer (pip-sync semantics: exactly the requirements, nothing else)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cnb import commands
from cnb.one_file_cache import OneFileCaches
from cnb.log import Logger
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from .. import messages, package_index, pip_diagnosis, requirements
from ..app import PYPROJECT, App
from ..layers import tool, venv as venv_layer
from ..requirements import RequirementsFile
from . import uv_pip
from .interface import InstallContext

if TYPE_CHECKING:
    from .choice import Choice

# pip's wheel and HTTP cache (made by layers/venv.pip_environment, for every pip the build runs).
CACHE_LAYER_NAME = venv_layer.PIP_CACHE_LAYER_NAME


@dataclass(frozen=True)
class PipInputs:
    source: Path  # the file the log names: requirements.txt, requirements.in or pyproject.toml
    files: list[RequirementsFile]  # every file read, which keys the environment's cache
    # pyproject.toml: its [project].dependencies, and whether the project itself is installed
    dependencies: tuple[str, ...] | None = None
    install_project: bool = False
    with_uv: bool = False  # BP_PYTHON_INSTALLER=uv: uv resolves and installs them (uv_pip.py)
    requires_python: SpecifierSet | None = None  # pyproject.toml's, when pip installs the project itself

    @property
    def needs_compiling(self) -> bool:
        return requirements.needs_compiling(self.source)

    @property
    def from_pyproject(self) -> bool:
        return self.dependencies is not None

    def lists_nothing(self) -> bool:
        if self.from_pyproject:
            return not self.dependencies and not self.install_project
        return requirements.lists_nothing(self.files)

    def installer_summary(self) -> str:
        if self.with_uv:
            return messages.uv_pip_installer_summary(tool.UV.version, uv_pip.ENV_VAR)
        return messages.installer_summary(self.needs_compiling, tool.PIP_TOOLS.version)

    def addition_texts(self) -> list[str] | None:
        # pyproject.toml's lines are TOML, and requirements.in's are pinned anew by pip-compile.
        return None if self.from_pyproject or self.needs_compiling else [file.text for file in self.files]

    @property
    def installer_version(self) -> str:
        # The runtime's pip, whose version the runtime's digest fixes, or uv's.
        return f"uv {tool.UV.version}" if self.with_uv else ""

    def check_runtime(self, version: str) -> None:
        """A project pip installs must allow the runtime (pip would refuse it after the downloads);
        requirements files do not say which Python they need: python_version warns of a conflict."""
        if self.install_project and self.requires_python is not None and not self.requires_python.contains(version, prereleases=True):
            raise messages.runtime_outside_requires_python(version, str(self.requires_python), PYPROJECT)

    def warnings(self, app_dir: Path) -> list[messages.Warning]:
        if self.from_pyproject:
            return [messages.pyproject_not_locked(PYPROJECT, nothing=self.lists_nothing())]
        if self.lists_nothing():
            return [messages.empty_requirements(self.source.relative_to(app_dir))]
        return []

    def installer(self, context: InstallContext) -> PipInstaller | uv_pip.UvPipInstaller:
        install_from = self.requirements_file(context.app_dir, context.tmp / "pyproject-requirements.txt")
        if self.with_uv:
            return uv_pip.installer(context, install_from, self.source.name)
        if self.needs_compiling and not context.reuse:
            install_from = compile_requirements(context.log, context.caches, context.python, context.runtime_sha256, install_from,
                                                context.tmp / "requirements.txt", context.env)
        return PipInstaller(context.python, install_from, self.source.name, context.app_dir, context.env, context.extra_packages)

    def requirements_file(self, app_dir: Path, destination: Path) -> Path:
        """The file pip installs from: the app's own, or one written to `destination` from pyproject.toml."""
        if not self.from_pyproject:
            return self.source
        # Editable, as uv installs a project: /workspace is the same path at build and launch, and the
        # app's code is not copied a second time into the environment.
        lines = [*self.dependencies, *([f"-e {app_dir}"] if self.install_project else [])]
        destination.write_text("".join(f"{line}\n" for line in lines))
        return destination


def read(app: App, choice: Choice, env: dict[str, str]) -> PipInputs:
    """Everything pip will install from, read and checked before anything is downloaded."""
    with_uv = uv_pip.wanted(env)
    if choice.from_pyproject:
        return replace(_from_pyproject(app), with_uv=with_uv)
    source = requirements.find(app.dir)
    return PipInputs(source, requirements.collect(source, app.dir), with_uv=with_uv)


def _from_pyproject(app: App) -> PipInputs:
    document = app.pyproject() or {}
    project = document.get("project", {})
    dynamic = project.get("dynamic")
    if isinstance(dynamic, list) and "dependencies" in dynamic:
        raise messages.pyproject_dependencies_dynamic(PYPROJECT)
    dependencies = project.get("dependencies", [])
    if not isinstance(dependencies, list):
        raise messages.invalid_pyproject_dependency(PYPROJECT, dependencies, "`dependencies` must be a list of strings")
    for dependency in dependencies:
        if not isinstance(dependency, str):
            raise messages.invalid_pyproject_dependency(PYPROJECT, dependency, "a dependency is a string")
        if "\n" in dependency or "\r" in dependency:  # one line each in the file pip reads
            raise messages.invalid_pyproject_dependency(PYPROJECT, dependency, "a dependency is one line")
        try:
            Requirement(dependency)
        except InvalidRequirement as error:
            raise messages.invalid_pyproject_dependency(PYPROJECT, dependency, str(error)) from None
    return PipInputs(
        app.dir / PYPROJECT, [app.file(PYPROJECT)],
        dependencies=tuple(dependencies), install_project=isinstance(document.get("build-system"), dict),
        requires_python=app.requires_python(),
    )


def compile_requirements(log: Logger, caches: OneFileCaches, python: Path, runtime_sha256: str, requirements_in: Path, output: Path,
                         env: dict[str, str]) -> Path:
    """Pin `requirements_in` into `output` (outside the app) with pip-compile, and log the pinned result."""
    pip_compile = tool.install(log, caches, tool.PIP_TOOLS, python, runtime_sha256, env)
    with log.timed(f"Resolving {requirements_in.name} with pip-compile"):
        argv = [str(pip_compile), "--quiet", "--strip-extras", "--no-header", "--no-emit-index-url", "--output-file", str(output),
                str(requirements_in)]
        code, lines = commands.run(log, argv, env=env, cwd=requirements_in.parent)
        if code != 0:
            raise messages.pip_compile_failed(requirements_in.name, lines)
    log.detail("Pinned:")
    for line in output.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            log.detail(f"  {line.strip()}")
    return output


@dataclass(frozen=True)
class PipInstaller:
    """Installs `requirements_file` (named `source_name` in the log) and the extra packages with the runtime's pip."""

    python: Path
    requirements_file: Path
    source_name: str
    app_dir: Path
    env: dict[str, str]
    extra_packages: list[str] = field(default_factory=list)

    def install(self, log: Logger, venv: Path, *, update_in_place: bool) -> None:
        pip = venv_layer.runtime_pip(self.python, venv)
        wanted = ["-r", str(self.requirements_file), *self.extra_packages]
        if update_in_place:
            self._remove_unrequired(log, pip, wanted)
        venv_layer.pip_install(log, f"Installing dependencies from {self.source_name}", self.python, venv, wanted, self.env, self.app_dir)

    def install_delta(self, log: Logger, venv: Path, prefix: Path, base: dict[str, str]) -> str:
        """pip, run by the environment's interpreter, sees what the environment has as installed and
        installs only the rest, under `prefix`; scripts there run the environment's interpreter."""
        venv_layer.pip_install(log, f"Installing what {self.source_name} adds", self.python, venv,
                               ["--prefix", str(prefix), "--no-warn-script-location", "-r", str(self.requirements_file),
                                *self.extra_packages], self.env, self.app_dir)
        return ""

    def _remove_unrequired(self, log: Logger, pip: list[str], wanted: list[str]) -> None:
        """Uninstall what the new requirements no longer need: pip resolves them from scratch
        (`--dry-run --ignore-installed --report`) and whatever it would not install goes."""
        with log.timed("Removing packages the requirements no longer need"), tempfile.TemporaryDirectory(prefix="pycnb-") as tmp:
            report = Path(tmp) / "report.json"
            code, output = commands.run(
                log, [*pip, "install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report), *wanted],
                env=self.env, cwd=self.app_dir,
            )
            if code != 0:
                raise pip_diagnosis.install_failed(output, package_index.unreachable(output, self.env))
            needed = {canonicalize_name(item["metadata"]["name"]) for item in json.loads(report.read_text())["install"]}
            code, output = commands.run(log, [*pip, "list", "--format", "json"], env=self.env, quiet=True)
            if code != 0:
                raise pip_diagnosis.install_failed(output)
            installed = {canonicalize_name(item["name"]) for item in json.loads("\n".join(output))}
            unrequired = sorted(installed - needed)
            if unrequired:
                code, output = commands.run(log, [*pip, "uninstall", "--yes", *unrequired], env=self.env)
                if code != 0:
                    raise pip_diagnosis.install_failed(output)
            else:
                log.detail("Nothing to remove")
