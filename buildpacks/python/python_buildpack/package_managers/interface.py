"""What every package manager answers, and what each is given to install: one protocol for pip, uv, Poetry and Pipenv.

A package manager is a row of choice.PACKAGE_MANAGERS: its name, the app's files that name it, its
build-only cache, and `read(app, choice, env)`, which reads and checks its files before anything is
downloaded and returns its `Dependencies`. The venv layer (layers/venv.py) asks those for an `Installer`
only when the environment must be made or updated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from cnb.one_file_cache import OneFileCaches
from cnb.log import Logger

from ..layers.venv import Installer

if TYPE_CHECKING:
    from ..app import App
    from ..messages import Warning
    from ..requirements import RequirementsFile
    from .choice import Choice


@dataclass(frozen=True)
class InstallContext:
    """What every installer is given: the build's log and build-only caches (cnb.one_file_cache), the runtime, the app, the env the
    installers run with, a scratch folder, and the packages other buildpacks asked for."""

    log: Logger
    caches: OneFileCaches
    python: Path
    runtime_sha256: str
    app_dir: Path
    env: dict[str, str]
    tmp: Path
    extra_packages: list[str] = field(default_factory=list)
    # The cached environment is reused as it is: what would only be needed to make it is skipped.
    reuse: bool = False


class Dependencies(Protocol):
    """What a package manager read from the app, and what it reports and does with it."""

    @property
    def files(self) -> list[RequirementsFile]:
        """Every file read: their content keys the environment's cache."""
        ...

    @property
    def installer_version(self) -> str:
        """The installer's own version when it is not the runtime's pip (a new one updates the environment)."""
        ...

    def installer_summary(self) -> str:
        """The build summary's `Installer` line."""
        ...

    def addition_texts(self) -> list[str] | None:
        """The texts of the lines a delta on the cached environment follows (layers/venv_delta.py): requirement
        lines installed as they are, or a lock's pins; None when the inputs can only change as a whole."""
        ...

    def warnings(self, app_dir: Path) -> list[Warning]: ...

    def check_runtime(self, version: str) -> None:
        """Refuse, before any download, a runtime the project says it cannot run on."""
        ...

    def installer(self, context: InstallContext) -> Installer:
        """Prepare the tool (a build-only layer) and return what installs the dependencies."""
        ...


@dataclass(frozen=True)
class PackageManager:
    name: str  # BP_PYTHON_PACKAGE_MANAGER's value for it, and what the environment's metadata records
    files: tuple[str, ...]  # the app's files that name it, in the order the log lists them
    read: Callable[[App, Choice, dict[str, str]], Dependencies]
    cache_layer: str  # its download and build cache: a build-only layer kept from build to build
