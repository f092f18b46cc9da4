"""uv: an app locked with `uv.lock`, installed with `uv sync --locked` into our environment.

uv runs from its build-only layer (layers/tool.py), held to our runtime: `UV_PYTHON` names the
environment's interpreter and managed Python downloads are off, so a `.python-version` uv reads
cannot make it build the environment on another Python. `--locked` refuses a lock that no longer
matches pyproject.toml; `uv sync` is exact, so what the lock no longer lists is uninstalled.
Dev groups never reach the image: `--no-default-groups`, plus the groups `BP_PYTHON_INSTALL_GROUPS` names.
That holds for `[tool.uv] default-groups = "all"` too, as on Heroku (`uv sync --locked --no-default-groups`):
the groups a plain `uv sync` would add are named in the build summary, so that a runtime dependency kept in
one is easy to find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from cnb import commands
from cnb.one_file_cache import OneFileCaches
from cnb.log import Logger
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from .. import app_files, messages
from ..app import PYPROJECT, App
from ..layers import tool, venv as venv_layer, venv_delta
from ..requirements import RequirementsFile
from . import groups as dependency_groups, lock_files
from .interface import InstallContext

if TYPE_CHECKING:
    from .choice import Choice

UV_LOCK = "uv.lock"
CACHE_LAYER_NAME = "uv-cache"
# What uv prints when `--locked` finds the lock stale (uv's `LockError`/`ProjectError::LockMismatch`).
STALE_LOCK_OUTPUT = "needs to be updated, but `--locked` was provided"
# uv's settings that would move the environment, the cache or the Python uv installs with: pycnb sets
# them (Heroku's Python CNB refuses the same set).
FORBIDDEN_ENV_VARS = (
    "UV_CACHE_DIR", "UV_LINK_MODE", "UV_MANAGED_PYTHON", "UV_NO_CACHE", "UV_NO_MANAGED_PYTHON", "UV_PROJECT", "UV_PROJECT_ENVIRONMENT",
    "UV_PYTHON", "UV_PYTHON_DOWNLOADS", "UV_PYTHON_PREFERENCE", "UV_FROZEN", "UV_SYSTEM_PYTHON",
)
# The settings that give uv its default index, newest name first.
INDEX_ENV_VARS = ("UV_DEFAULT_INDEX", "UV_INDEX_URL")
# The newest uv.lock format uv 0.13 writes and reads (uv.lock's top-level `version`).
LOCK_VERSION = 1
# Where a package comes from in uv.lock when it is a folder of the user's (not an index or a URL).
LOCAL_SOURCES = ("path", "directory", "editable", "virtual")


@dataclass(frozen=True)
class UvProject:
    source: Path  # uv.lock
    files: list[RequirementsFile]  # pyproject.toml and uv.lock: they key the environment's cache
    requires_python: SpecifierSet | None
    groups: tuple[str, ...] = ()
    lock_indexes: tuple[str, ...] = ()  # the registries uv.lock's packages come from
    build_index: str | None = None  # the default index the build gives uv, when it gives one
    default_groups: tuple[str, ...] = ()  # the groups a plain `uv sync` would install and this build does not

    locked: tuple[str, ...] = ()  # every package of the lock, as `name==version`

    def addition_texts(self) -> list[str] | None:
        # A lock that only gained packages is installed as a delta (install_delta).
        return ["\n".join(self.locked)]

    @property
    def installer_version(self) -> str:
        return f"uv {tool.UV.version}; groups: {','.join(self.groups) or 'none'}"

    def installer_summary(self) -> str:
        left_out = tuple(group for group in self.default_groups if group not in self.groups)
        return messages.uv_installer_summary(tool.UV.version, self.groups, dependency_groups.ENV_VAR, left_out)

    @property
    def index_differs(self) -> bool:
        """Whether the build's index is not one the lock was made against: `uv sync --locked` then calls the lock stale."""
        return bool(self.build_index and self.lock_indexes and _normal_index(self.build_index) not in map(_normal_index, self.lock_indexes))

    def warnings(self, app_dir: Path) -> list[messages.Warning]:
        if self.index_differs:
            return [messages.lock_index_differs(UV_LOCK, list(self.lock_indexes), self.build_index or "", INDEX_ENV_VARS)]
        return []

    def check_runtime(self, version: str) -> None:
        if self.requires_python is not None and not self.requires_python.contains(version, prereleases=True):
            raise messages.runtime_outside_requires_python(version, str(self.requires_python), PYPROJECT)

    def installer(self, context: InstallContext) -> "UvInstaller":
        uv = tool.install(context.log, context.caches, tool.UV, context.python, context.runtime_sha256, context.env)
        return UvInstaller(uv, context.python, cache_dir(context.caches), context.app_dir, context.env, self.groups, context.extra_packages,
                           self.index_differs)


def cache_dir(caches: OneFileCaches) -> Path:
    """uv's download and build cache: kept between builds as one file, never in the image."""
    return caches.open(CACHE_LAYER_NAME)[0]


def environment(env: dict[str, str], cache: Path, venv: Path) -> dict[str, str]:
    """The env uv runs with: the user's (UV_INDEX_* and credentials included), held to the environment's Python."""
    return {
        **env,
        "UV_PYTHON": str(venv / "bin" / "python"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(cache),
        # The cache is unpacked beside the layers (cnb.one_file_cache), on the environment's filesystem:
        # a wheel's files are unpacked once, into the cache, and linked into the environment.
        "UV_LINK_MODE": "hardlink",
        "UV_COMPILE_BYTECODE": "1",
        "UV_NO_PROGRESS": "1",
    }


def prune_cache(log: Logger, uv: Path, env: dict[str, str]) -> None:
    """Keep only what uv built from source (`uv cache prune --ci`): wheels it downloaded are fetched again
    faster than thousands of unpacked files are carried from build to build (cnb.one_file_cache)."""
    code, output = commands.run(log, [str(uv), "cache", "prune", "--ci"], env=env, quiet=True)
    if code != 0:
        log.detail("uv could not prune its cache; it is kept whole: " + " ".join(output[-3:]))


@dataclass(frozen=True)
class UvInstaller:
    uv: Path
    python: Path
    cache_dir: Path
    app_dir: Path
    env: dict[str, str]
    groups: tuple[str, ...] = ()
    extra_packages: list[str] = field(default_factory=list)
    index_differs: bool = False

    def install(self, log: Logger, venv: Path, *, update_in_place: bool, exact: bool = True) -> None:
        env = {**environment(self.env, self.cache_dir, venv), "UV_PROJECT_ENVIRONMENT": str(venv)}
        argv = [str(self.uv), "sync", "--locked", "--no-default-groups", *(f"--group={group}" for group in self.groups)]
        argv += [] if exact else ["--inexact"]
        with log.timed(f"Installing dependencies from {UV_LOCK} with uv sync"):
            code, output = commands.run(log, argv, env=env, cwd=self.app_dir)
            if code != 0:
                if any(STALE_LOCK_OUTPUT in line for line in output):
                    raise messages.stale_lock(UV_LOCK, "uv lock", output, index_differs=self.index_differs)
                raise messages.tool_failed("uv", "uv sync --locked", output)
        prune_cache(log, self.uv, env)
        venv_layer.install_extra_packages(log, self.python, venv, self.extra_packages, self.env)

    def install_delta(self, log: Logger, venv: Path, prefix: Path, base: dict[str, str]) -> str:
        """`uv sync --inexact` on the base's skeleton, which has every locked package the base has (inexact:
        the packages other buildpacks asked for stay): only the lock's new packages are installed, then
        moved under `prefix` (layers/venv_delta.py)."""
        return venv_delta.install_in_place(venv, prefix, lambda: self.install(log, venv, update_in_place=False, exact=False))


def read(app: App, choice: Choice, env: dict[str, str]) -> UvProject:
    """uv.lock and pyproject.toml, checked before anything is downloaded."""
    app_dir, pyproject = app.dir, app.pyproject()
    lock_files.refuse_settings(env, FORBIDDEN_ENV_VARS, "uv")
    if pyproject is None:
        raise messages.lock_without_pyproject(UV_LOCK, "uv", "uv init")
    lock_path = app_dir / UV_LOCK
    lock_text, lock = lock_files.read_toml(app_dir, UV_LOCK, "uv lock")
    version = lock.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise messages.invalid_lock(UV_LOCK, "it has no integer `version` at the top, as every uv.lock has", "uv lock")
    if version > LOCK_VERSION:
        raise messages.lock_from_newer_tool(UV_LOCK, "uv", f"version = {version}", tool.UV.version, f"version = {LOCK_VERSION}")
    _check_required_version(pyproject)
    _check_local_sources(lock, app_dir)
    groups = dependency_groups.selected(env)
    return UvProject(
        lock_path,
        [app.file(PYPROJECT), RequirementsFile(lock_path, lock_text)],
        app.requires_python(),
        groups,
        _registries(lock),
        next((env[name].strip() for name in INDEX_ENV_VARS if env.get(name, "").strip()), None),
        _default_groups(pyproject),
        lock_files.locked_pins(lock),
    )



def _default_groups(pyproject: dict) -> tuple[str, ...]:
    """What `uv sync` installs besides the dependencies: `[tool.uv] default-groups` (a list, or "all"
    for every `[dependency-groups]` table), else `dev` when the project has one. Unreadable shapes: none."""
    tool_table = pyproject.get("tool")
    uv_settings = tool_table.get("uv", {}) if isinstance(tool_table, dict) else {}
    uv_settings = uv_settings if isinstance(uv_settings, dict) else {}
    declared = pyproject.get("dependency-groups")
    names = [str(name) for name in declared] if isinstance(declared, dict) else []
    if uv_settings.get("dev-dependencies") and "dev" not in names:
        names.append("dev")
    setting = uv_settings.get("default-groups", ["dev"])
    if setting == "all":
        return tuple(names)
    if isinstance(setting, list):
        return tuple(str(name) for name in setting if str(name) in names)
    return ()


def _registries(lock: dict) -> tuple[str, ...]:
    packages = lock.get("package", [])
    found: dict[str, None] = {}
    for package in packages if isinstance(packages, list) else []:
        source = package.get("source") if isinstance(package, dict) else None
        if isinstance(source, dict) and isinstance(source.get("registry"), str):
            found[source["registry"]] = None
    return tuple(found)


def _normal_index(url: str) -> str:
    return url.strip().rstrip("/")


def _check_required_version(pyproject: dict) -> None:
    """`[tool.uv] required-version`: the project may pin the uv that locks it; ours must match."""
    uv_settings = pyproject.get("tool", {}).get("uv", {}) if isinstance(pyproject.get("tool"), dict) else {}
    required = uv_settings.get("required-version") if isinstance(uv_settings, dict) else None
    if required is None:
        return
    text = str(required).strip()
    try:
        specifier = SpecifierSet(text if text[:1] in "<>=!~" else f"=={text}")
        allowed = specifier.contains(tool.UV.version, prereleases=True)
    except (InvalidSpecifier, ValueError):
        raise messages.invalid_tool_setting(PYPROJECT, "tool.uv.required-version", text) from None
    if not allowed:
        raise messages.tool_version_required("uv", "tool.uv.required-version", text, tool.UV.version, PYPROJECT)


def _check_local_sources(lock: dict, app_dir: Path) -> None:
    """A package the lock takes from a folder must be in the app: nothing else is in the build."""
    packages = lock.get("package", [])
    for package in packages if isinstance(packages, list) else []:
        source = package.get("source") if isinstance(package, dict) else None
        if not isinstance(source, dict):
            continue
        for kind in LOCAL_SOURCES:
            folder = source.get(kind)
            if isinstance(folder, str) and not app_files.stays_inside(app_dir, folder):
                raise messages.local_source_outside_app(UV_LOCK, str(package.get("name", "?")), folder)
