"""pip's inputs: requirements.txt, requirements.in (pinned with pip-tools first), or pyproject.toml's static dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from .. import app_files, messages, requirements
from ..layers import pip_tools
from ..requirements import RequirementsFile
from . import PYPROJECT, Choice


@dataclass(frozen=True)
class PipInputs:
    source: Path  # the file the log names: requirements.txt, requirements.in or pyproject.toml
    files: list[RequirementsFile]  # every file read, which keys the environment's cache
    # pyproject.toml: its [project].dependencies, and whether the project itself is installed
    dependencies: tuple[str, ...] | None = None
    install_project: bool = False

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
        return messages.installer_summary(self.needs_compiling, pip_tools.PIP_TOOLS_VERSION)

    def requirements_file(self, app_dir: Path, destination: Path) -> Path:
        """The file pip installs from: the app's own, or one written to `destination` from pyproject.toml."""
        if not self.from_pyproject:
            return self.source
        # Editable, as uv installs a project: /workspace is the same path at build and launch, and the
        # app's code is not copied a second time into the environment.
        lines = [*self.dependencies, *([f"-e {app_dir}"] if self.install_project else [])]
        destination.write_text("".join(f"{line}\n" for line in lines))
        return destination


def read(app_dir: Path, choice: Choice, pyproject: dict | None) -> PipInputs:
    """Everything pip will install from, read and checked before anything is downloaded."""
    if choice.from_pyproject:
        return _from_pyproject(app_dir, pyproject or {})
    source = requirements.find(app_dir)
    return PipInputs(source, requirements.collect(source, app_dir))


def _from_pyproject(app_dir: Path, document: dict) -> PipInputs:
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
    path = app_dir / PYPROJECT
    return PipInputs(
        path, [RequirementsFile(path, app_files.read_text(path, app_dir))],
        dependencies=tuple(dependencies), install_project=isinstance(document.get("build-system"), dict),
    )
