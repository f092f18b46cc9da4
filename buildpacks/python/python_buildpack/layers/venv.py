"""The `venv` layer: the app's dependencies in a virtual environment, reused while its key holds.

The key covers every dependency file's content (requirements or lock files), the extra packages
other buildpacks asked for, the package manager and its version, and the exact runtime (which
fixes the Python version, distro, arch and pip). When it holds, no installer runs at all. When
only the files, extra packages or installer version changed, the package manager's installer
brings the cached environment to exactly the new dependencies in place (what is no longer
required is uninstalled); when the runtime or the package manager changed, it is made anew.

Launch-only, reused from the previous image; its build copy `venv-copy` (cnb.reuse) also holds the
SBOM components of what is installed, so a kept environment is described without running it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Protocol

from cnb import commands
from cnb.layers import CacheDecision, Layers
from cnb.log import Logger
from cnb.one_file_cache import OneFileCaches
from cnb.reuse import How, LayerPlan, ReusableLayer, ReuseDecision
from cnb.sbom import Component
from packaging.utils import canonicalize_name

from .. import bytecode, messages, package_index, pip_diagnosis, requirements
from ..requirements import RequirementsFile
from ..runtime_index import Runtime
from . import venv_delta

LAYER_NAME = "venv"
PIP_CACHE_LAYER_NAME = "pip-cache"
# Bump when the layout of the layer changes, to discard every cached environment.
# 2: the hook that adds venv-delta's site-packages.
LAYER_SCHEMA = 2
COMPONENTS_FILE = venv_delta.COMPONENTS_FILE
# With SOURCE_DATE_EPOCH set, py_compile writes hash-based .pyc files (PEP 552), so the same
# inputs give the same bytes. 315532801 is 1980-01-01T00:00:01Z, the earliest time a zip
# (and so a wheel) can record; Heroku's Python CNB uses the same value.
SOURCE_DATE_EPOCH = "315532801"
# C extensions built from source (psycopg2, ...) are compiled without debug info unless the user
# sets CFLAGS: debug info records pip's random build folder, so two builds of the same inputs
# would differ, and a production image does not need it.
DEFAULT_CFLAGS = "-g0"
# pip waits 15 seconds per socket operation and retries 5 times, per request: a hung index could
# hold a build for minutes per package. These bound it, unless the user set pip's own variables
# (PIP_DEFAULT_TIMEOUT is the older name of PIP_TIMEOUT; https://pip.pypa.io/en/stable/cli/pip/#cmdoption-timeout).
PIP_NETWORK_DEFAULTS = {"PIP_TIMEOUT": "15", "PIP_RETRIES": "2"}
PIP_NETWORK_OVERRIDES = {"PIP_TIMEOUT": ("PIP_TIMEOUT", "PIP_DEFAULT_TIMEOUT"), "PIP_RETRIES": ("PIP_RETRIES",)}


def pip_network_defaults(env: dict[str, str]) -> dict[str, str]:
    """Our bounded timeout and retries for pip, for each the user has not set."""
    return {name: value for name, value in PIP_NETWORK_DEFAULTS.items() if not any(env.get(user) for user in PIP_NETWORK_OVERRIDES[name])}


@dataclass(frozen=True)
class VenvMetadata:
    layer_schema: int
    python_version: str
    runtime_sha256: str
    requirements_digest: str
    extra_packages: list[str]
    # The tool that made the environment (package_managers.MANAGERS). Environments cached before it was
    # recorded were all made by pip.
    package_manager: str = "pip"
    # The installer's own version, when it is not the runtime's pip (uv, Poetry, Pipenv).
    installer_version: str = ""

    @classmethod
    def wanted(cls, runtime: Runtime, package_manager: str, files: list[RequirementsFile], installer_version: str,
               extra_packages: list[str], app_dir: Path) -> "VenvMetadata":
        return cls(LAYER_SCHEMA, runtime.version, runtime.sha256, requirements.digest(files, app_dir), extra_packages, package_manager,
                   installer_version)


def decide(cached: dict, wanted: VenvMetadata) -> CacheDecision:
    """Reuse the environment only while its key (every input of the install) is unchanged."""
    if not cached:
        return CacheDecision(cached=False)
    remake = []
    if cached.get("layer_schema") != wanted.layer_schema:
        remake.append("the buildpack's environment layout changed")
    if cached.get("python_version") != wanted.python_version:
        remake.append(f"the Python version changed ({cached.get('python_version')} to {wanted.python_version})")
    elif cached.get("runtime_sha256") != wanted.runtime_sha256:
        remake.append("the Python runtime was rebuilt")
    if cached.get("package_manager", "pip") != wanted.package_manager:
        remake.append(f"the package manager changed ({cached.get('package_manager', 'pip')} to {wanted.package_manager})")
    update = []
    if cached.get("installer_version", "") != wanted.installer_version and not remake:
        update.append(f"the installer changed ({cached.get('installer_version') or 'none'} to {wanted.installer_version or 'none'})")
    if cached.get("requirements_digest") != wanted.requirements_digest:
        update.append("the dependency files changed")
    if cached.get("extra_packages") != wanted.extra_packages:
        update.append("the packages other buildpacks asked for changed")
    return CacheDecision(cached=True, reasons=tuple(remake + update), update_in_place=bool(update) and not remake)


@dataclass(frozen=True)
class EnvironmentPlan:
    """The environment layer's plan and, when the requirements only gained lines since it was installed,
    the delta layer's (venv_delta). `wanted` is this build's key either way."""

    base: LayerPlan[VenvMetadata]
    delta: LayerPlan[venv_delta.DeltaMetadata] | None
    wanted: VenvMetadata
    lines: list[str] | None

    def summary(self) -> str:
        if self.delta is None:
            return self.base.decision.summary()
        if self.delta.decision.how is How.INSTALL:
            return f"{self.base.decision.summary()}; {self.delta.decision.cache.reasons[0]}: installed on top (venv-delta)"
        return f"{self.base.decision.summary()}; the added packages: {self.delta.decision.summary()}"

    def added(self) -> list[dict] | None:
        """What the delta added (venv_delta.added_distributions): [] without a delta, None when not recorded."""
        return venv_delta.recorded_added(self.delta.layer.copy.path) if self.delta is not None else []

    @property
    def kept(self) -> list[ReusableLayer]:
        return [plan.layer for plan in (self.base, self.delta) if plan is not None and plan.decision.how is How.KEEP]


def plan(layers: Layers, wanted: VenvMetadata, lines: list[str] | None) -> EnvironmentPlan:
    """`lines`: the requirement lines (venv_delta.requirement_lines), or None when a delta cannot follow the inputs."""
    layer = ReusableLayer(layers, LAYER_NAME)
    restored = layer.restore()
    problems = restored.copy_problems
    if restored.copy and not (layer.copy.path / COMPONENTS_FILE).is_file():
        problems = ("it has no record of its packages (an earlier build stopped before finishing it)",)
    cache = CacheDecision.untrusted(problems) if problems else decide(restored.copy, wanted)
    delta = None
    if cache.update_in_place:
        delta = venv_delta.plan(layers, restored.copy, _base_lines(layer), asdict(wanted), lines)
    if delta is None:
        return EnvironmentPlan(LayerPlan(layer, wanted, ReuseDecision.of(restored, asdict(wanted), cache)), None, wanted, lines)
    base = LayerPlan(layer, VenvMetadata(**restored.copy), ReuseDecision.of(restored, restored.copy, CacheDecision(cached=True)))
    return EnvironmentPlan(base, delta, wanted, lines)


def _base_lines(layer: ReusableLayer) -> list[str] | None:
    try:
        lines = json.loads((layer.copy.path / venv_delta.LINES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return lines if isinstance(lines, list) and all(isinstance(line, str) for line in lines) else None


def needs_runtime(plan: EnvironmentPlan) -> bool:
    """Whether making the environment runs the runtime (an installer), so its files must be there."""
    return any(part.decision.how.runs_installer for part in (plan.base, plan.delta) if part is not None)


def pip_environment(caches: OneFileCaches, env: dict[str, str]) -> dict[str, str]:
    """The env pip runs with: the user's (PIP_* included), our cache, no prompts, .pyc left to bytecode.py
    (and reproducible: hash-based)."""
    return {
        "CFLAGS": DEFAULT_CFLAGS,
        **pip_network_defaults(env),
        **env,
        # pip's wheel and HTTP cache: kept between builds as one file, never in the image; unpacked
        # only in builds that run an installer (`open_pip_cache`).
        "PIP_CACHE_DIR": str(caches.folder(PIP_CACHE_LAYER_NAME)),
        # Compiled afterwards on every core (bytecode.py); pip reads `PIP_NO_COMPILE=1` as "compile".
        "PIP_COMPILE": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PIP_PROGRESS_BAR": "off",
        "PYTHONUNBUFFERED": "1",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }


class Installer(Protocol):
    """Brings a virtual environment to exactly the app's dependencies: one per package manager."""

    def install(self, log: Logger, venv: Path, *, update_in_place: bool) -> None: ...

    def install_delta(self, log: Logger, venv: Path, prefix: Path, base: dict[str, str]) -> str:
        """Install what the requirements add to `venv` (whose distributions, name to version, are `base`) under `prefix`.
        Returns why the delta must be folded into the environment instead, or ""."""
        ...


def install(log: Logger, plan: EnvironmentPlan, python: Path, installer: Callable[[], Installer], pip_env: dict[str, str],
            components: Callable[[], list[Component]]) -> EnvironmentPlan:
    """Keep the environment, unpack it, add a delta to it, bring it up to date in place, or make it anew
    with `installer()`. Returns the plan carried out: a delta that had to be folded leaves none."""
    if plan.delta is not None:
        plan.base.decision.log(log, "virtual environment")
        if _install_delta(log, plan, python, installer, pip_env, components):
            return plan
        plan = EnvironmentPlan(
            LayerPlan(plan.base.layer, plan.wanted, ReuseDecision(CacheDecision(cached=True, reasons=("the delta was folded in",),
                                                                                update_in_place=True), How.UPDATE)),
            None, plan.wanted, plan.lines)
    else:
        venv_delta.drop(_layers_of(plan))
        plan.base.decision.log(log, "virtual environment")
    _install_whole(log, plan, python, installer, pip_env)
    return plan


def _layers_of(plan: EnvironmentPlan) -> Layers:
    return Layers(plan.base.layer.path.parent)


def _install_whole(log: Logger, plan: EnvironmentPlan, python: Path, installer: Callable[[], Installer], pip_env: dict[str, str]) -> None:
    layer, wanted, decision = plan.base.layer, plan.wanted, plan.base.decision
    if decision.how is How.KEEP:
        log.detail("The dependency files, extra packages, installer and runtime are unchanged: no installer runs")
        layer.keep(asdict(wanted))
        return
    if decision.how is How.MATERIALIZE:
        log.detail("The dependency files, extra packages, installer and runtime are unchanged: no installer runs")
        layer.layer.invalidate()
        with log.timed("Unpacking the environment from the build cache"):
            layer.materialize()
    else:
        if decision.how is How.UPDATE:
            layer.layer.invalidate()
            with log.timed("Unpacking the cached environment to update it"):
                layer.materialize()
        else:
            layer.reset()
            with log.timed("Creating virtual environment"):
                code, output = commands.run(log, [str(python), "-m", "venv", "--without-pip", str(layer.path)], env=pip_env, quiet=True)
                if code != 0:
                    raise messages.venv_creation_failed(output)
        installer().install(log, layer.path, update_in_place=decision.how is How.UPDATE)
        bytecode.compile_missing(log, python, [layer.path], pip_env)
        _check(log, python, layer.path, pip_env)
        venv_delta.write_hook(layer.path)
    layer.layer.set_env("VIRTUAL_ENV", str(layer.path))
    layer.commit(asdict(wanted), copy_changed=decision.how is not How.MATERIALIZE)
    if decision.how.runs_installer and plan.lines is not None:
        (layer.copy.path / venv_delta.LINES_FILE).write_text(json.dumps(plan.lines), encoding="utf-8")


def _check(log: Logger, python: Path, venv: Path, pip_env: dict[str, str]) -> None:
    code, output = commands.run(log, [*runtime_pip(python, venv), "check"], env=pip_env, quiet=True)
    if code != 0:
        raise messages.pip_check_failed(output)


def _install_delta(log: Logger, plan: EnvironmentPlan, python: Path, installer: Callable[[], Installer], pip_env: dict[str, str],
                   components: Callable[[], list[Component]]) -> bool:
    """Keep, unpack or install the delta on the base; False when it must be folded into the base instead."""
    base, delta = plan.base, plan.delta
    assert delta is not None
    # The environment's TOML is written once the delta is there: a failed install leaves none to trust.
    base.layer.layer.invalidate()
    if base.decision.how is not How.KEEP:
        with log.timed("Unpacking the environment from the build cache"):
            base.layer.materialize()
    if delta.decision.how is not How.INSTALL:
        _commit_base(base)
        delta.decision.log(log, "packages the requirements added (venv-delta)")
        log.detail("The added requirements are unchanged: no installer runs")
        if delta.decision.how is How.KEEP:
            delta.layer.keep(delta.metadata)
        else:
            delta.layer.layer.invalidate()
            with log.timed("Unpacking the added packages from the build cache"):
                delta.layer.materialize()
            delta.layer.commit(delta.metadata, copy_changed=False)
        return True
    log.step(f"The requirements gained lines ({delta.decision.cache.reasons[0]}): installing only what they add, "
             "into a layer of its own (venv-delta), on the unchanged environment")
    skeleton = not base.layer.path.is_dir()
    if skeleton:
        with log.timed("Unpacking the environment's metadata to install against"):
            venv_delta.unpack_skeleton(base.layer)
    base_components = _recorded_components(base.layer)
    try:
        delta.layer.reset()
        fold = installer().install_delta(log, base.layer.path, delta.layer.path,
                                         {canonicalize_name(component.name): component.version for component in base_components})
        fold = fold or venv_delta.why_fold(delta.layer.path, {canonicalize_name(component.name) for component in base_components},
                                   base.layer.archive.stat().st_size)
        if fold:
            log.step(f"Updating the whole environment instead, since {fold}")
            venv_delta.drop(_layers_of(plan))
            return False
        bytecode.compile_missing(log, python, [delta.layer.path], pip_env)
        _check(log, python, base.layer.path, pip_env)
        delta.layer.commit(delta.metadata)
        found = components()
        (delta.layer.copy.path / COMPONENTS_FILE).write_text(json.dumps([asdict(component) for component in found]), encoding="utf-8")
        venv_delta.record_added(delta.layer.copy.path, delta.layer.path)
    finally:
        if skeleton and base.layer.path.is_dir():
            shutil.rmtree(base.layer.path)
    _commit_base(base)
    return True


def _commit_base(base: LayerPlan[VenvMetadata]) -> None:
    """The environment as it was: the previous image's layer, or the folder unpacked from its copy."""
    if base.decision.how is How.KEEP:
        base.layer.keep(asdict(base.wanted))
    else:
        base.layer.commit(asdict(base.wanted), copy_changed=False)


def _recorded_components(layer: ReusableLayer) -> list[Component]:
    return [Component(**entry) for entry in json.loads((layer.copy.path / COMPONENTS_FILE).read_text(encoding="utf-8"))]


def components(plan: EnvironmentPlan, describe: Callable[[Path], list[Component]]) -> list[Component]:
    """The SBOM components of the environment (and its delta): described from its interpreter when this
    build installed into it (and recorded in the copy), else read from the copy."""
    if plan.delta is not None:
        return _recorded_components(plan.delta.layer)  # written by _install_delta, or restored with the copy
    layer, decision = plan.base.layer, plan.base.decision
    recorded = layer.copy.path / COMPONENTS_FILE
    if decision.how.runs_installer or not recorded.is_file():
        found = describe(layer.path / "bin" / "python")
        recorded.write_text(json.dumps([asdict(component) for component in found]), encoding="utf-8")
        return found
    return _recorded_components(layer)


def runtime_pip(python: Path, venv: Path) -> list[str]:
    """The runtime's own pip, acting on the environment (`--python`), so that pip is not one of the app's packages."""
    return [str(python), "-m", "pip", "--python", str(venv / "bin" / "python")]


def pip_install(log: Logger, title: str, python: Path, venv: Path, arguments: list[str], env: dict[str, str],
                cwd: Path | None = None) -> None:
    """`pip install ARGUMENTS` by the runtime's pip on the environment, timed under `title`; a failure is
    diagnosed (pip_diagnosis), naming an unreachable index."""
    with log.timed(title):
        code, output = commands.run(log, [*runtime_pip(python, venv), "install", *arguments], env=env, cwd=cwd)
        if code != 0:
            raise pip_diagnosis.install_failed(output, package_index.unreachable(output, env))


def install_extra_packages(log: Logger, python: Path, venv: Path, packages: list[str], env: dict[str, str]) -> None:
    """The packages other buildpacks asked for, added with the runtime's pip after a lock-file install."""
    if packages:
        pip_install(log, "Installing packages other buildpacks asked for", python, venv, packages, env)
