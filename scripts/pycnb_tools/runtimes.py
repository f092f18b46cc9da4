"""CPython runtimes: fetched as upstream source, compiled in the build image, published with
their sha256 in a runtime index the Python buildpack reads.

The versions compiled come from configuration: `PYCNB_RUNTIME_VERSIONS` (comma-separated), else
the stack's `python-versions.txt` (one version a line, `#` comments). Every version's source is
fetched before the first compile, so a version no source can provide fails at once.

Sources are tried in order (`PYCNB_CPYTHON_SOURCE`, default "python.org,debian"):
- python.org: the release tarball from python.org, or from a mirror named by `PYCNB_CPYTHON_MIRROR`;
- debian: the pristine upstream tarball inside Debian's source package (`X.orig.tar.*`),
  fetched with a private apt configuration so the host's apt is untouched.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker
from docker.errors import ContainerError, DockerException

from . import shell
from .errors import StepError
from .paths import ROOT, cache_dir
from .debian_apt import PrivateApt
from .stacks import TRIXIE, Stack

STEP = "runtimes"
VERSIONS_ENV_VAR = "PYCNB_RUNTIME_VERSIONS"
VERSION_PATTERN = re.compile(r"3\.\d+\.\d+")
DEFAULT_SOURCES = "python.org,debian"
PYTHON_ORG = "https://www.python.org/ftp/python"
RECIPE = Path(__file__).with_name("compile_cpython.sh")
INDEX_SCHEMA_VERSION = 1
DOWNLOAD_TIMEOUT_SECONDS = 60
DEBIAN_SOURCE_SUITES = ("trixie", "sid", "bookworm")
DEBIAN_FIX = "check that Debian's source mirror is reachable, or set PYCNB_CPYTHON_SOURCE=python.org with a reachable PYCNB_CPYTHON_MIRROR"


@dataclass(frozen=True)
class Target:
    os: str = "linux"
    arch: str = "amd64"
    distro_name: str = "debian"
    distro_version: str = "13"


def configured_versions(stack: Stack = TRIXIE) -> tuple[str, ...]:
    """The CPython versions to compile: `PYCNB_RUNTIME_VERSIONS`, else the stack's list, each checked."""
    from_env = os.environ.get(VERSIONS_ENV_VAR, "").strip()
    if from_env:
        origin, entries = VERSIONS_ENV_VAR, [(1, word.strip()) for word in from_env.split(",")]
    else:
        origin = str(stack.versions_file.relative_to(ROOT) if stack.versions_file.is_relative_to(ROOT) else stack.versions_file)
        entries = [(number, line.split("#", 1)[0].strip()) for number, line in enumerate(stack.versions_file.read_text().splitlines(), 1)]
    versions: list[str] = []
    for number, version in entries:
        if not version:
            continue
        where = origin if origin == VERSIONS_ENV_VAR else f"{origin}, line {number}"
        if not VERSION_PATTERN.fullmatch(version):
            raise StepError(STEP, f"{where}: {version!r} is not an exact CPython version", "write versions as 3.X.Y, for example 3.13.15")
        if version not in versions:
            versions.append(version)
    if not versions:
        raise StepError(STEP, f"{origin} names no CPython version", "list at least one version, for example 3.13.15")
    return tuple(versions)


def runtimes_dir() -> Path:
    """The runtime index and its archives: the folder an operator can serve over HTTP as is.
    One folder per version of the recipe, so that work trees with different recipes do not
    recompile each other's runtimes."""
    path = cache_dir() / "runtimes" / _recipe_digest()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _recipe_digest() -> str:
    return hashlib.sha256(RECIPE.read_bytes()).hexdigest()[:12]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# Sources

def _from_python_org(version: str, destination: Path) -> Path:
    base = os.environ.get("PYCNB_CPYTHON_MIRROR", PYTHON_ORG).rstrip("/")
    url = f"{base}/{version}/Python-{version}.tar.xz"
    target = destination / f"Python-{version}.tar.xz"
    shell.say(f"Downloading {url}")
    partial = target.with_suffix(".partial")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response, open(partial, "wb") as file:  # noqa: S310
        shutil.copyfileobj(response, file)
    partial.rename(target)
    return target


@functools.cache
def _debian_sources() -> PrivateApt:
    """One private apt for Debian's sources per run, so its lists are fetched once."""
    return PrivateApt("sources", "deb-src", DEBIAN_SOURCE_SUITES, STEP, DEBIAN_FIX)


def _from_debian(version: str, destination: Path) -> Path:
    package = f"python{version.rsplit('.', 1)[0]}"
    apt = _debian_sources()
    versions = apt.source_versions(package)
    matching = [v for v in versions if v.split(":")[-1].startswith(f"{version}-")]
    if not matching:
        raise StepError(STEP, f"Debian has no source package of Python {version} (it has {', '.join(versions) or 'none'})",
                        f"choose one of those versions, or {DEBIAN_FIX}")
    errors = []
    for debian_version in matching:
        try:
            apt.download_source(package, debian_version, destination)
            break
        except StepError as error:
            errors.append(error.problem.splitlines()[-1])
    found = sorted(destination.glob(f"{package}_{version}.orig.tar.*"))
    if not found:
        raise StepError(STEP, f"Debian's source of Python {version} could not be downloaded: {'; '.join(errors)}", DEBIAN_FIX)
    return found[0]


SOURCES = {"python.org": _from_python_org, "debian": _from_debian}


def configured_sources() -> list[str]:
    """The source names from `PYCNB_CPYTHON_SOURCE`, checked before anything is fetched."""
    names = [name.strip() for name in os.environ.get("PYCNB_CPYTHON_SOURCE", DEFAULT_SOURCES).split(",") if name.strip()]
    unknown = [name for name in names if name not in SOURCES]
    if unknown or not names:
        raise StepError(STEP, f"unknown CPython source {', '.join(map(repr, unknown)) or '(none)'} in PYCNB_CPYTHON_SOURCE",
                        f"use a comma-separated list of {', '.join(SOURCES)}")
    return names


def fetch_source(version: str) -> Path:
    destination = cache_dir() / "sources"
    destination.mkdir(parents=True, exist_ok=True)
    cached = sorted(destination.glob(f"Python-{version}.tar.*")) + sorted(destination.glob(f"python*_{version}.orig.tar.*"))
    if cached:
        return cached[0]
    failures = []
    for name in configured_sources():
        try:
            return SOURCES[name](version, destination)
        except (urllib.error.URLError, OSError, StepError) as error:
            failures.append(f"{name}: {getattr(error, 'problem', None) or getattr(error, 'reason', None) or error}")
            shell.say(f"Source {name} failed for Python {version}: {failures[-1]}")
    raise StepError(STEP, f"no source of Python {version} could be fetched ({'; '.join(failures)})",
                    "set PYCNB_CPYTHON_SOURCE to a reachable source, or PYCNB_CPYTHON_MIRROR to a python.org mirror")


# Compiling and publishing

def archive_name(version: str, target: Target) -> str:
    return f"cpython-{version}-{target.os}-{target.arch}-{target.distro_name}-{target.distro_version}-install_only.tar.gz"


def build(client: docker.DockerClient, version: str, stack: Stack = TRIXIE, target: Target = Target()) -> Path:
    """The runtime archive for `version`, compiled unless one from the same recipe exists."""
    out = runtimes_dir()
    archive = out / archive_name(version, target)
    # Work trees share the cache: one compiles a version while the others wait for its archive.
    with open(archive.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if archive.exists():
            return archive
        return _compile(client, version, stack, archive)


def _compile(client: docker.DockerClient, version: str, stack: Stack, archive: Path) -> Path:
    out = archive.parent
    source = fetch_source(version)
    shell.say(f"Compiling Python {version} with PGO and LTO in {stack.build_image} "
              "(PGO and LTO: 20-35 minutes on 2 cores, versions side by side)")
    try:
        client.containers.run(
            stack.build_image, ["/recipe/compile_cpython.sh", f"/src/{source.name}", version, f"/out/{archive.name}"],
            user="0", remove=True, network_mode="none",
            volumes={str(RECIPE.parent): {"bind": "/recipe", "mode": "ro"}, str(source.parent): {"bind": "/src", "mode": "ro"},
                     str(out): {"bind": "/out", "mode": "rw"}},
        )
    except ContainerError as error:
        output = error.stderr.decode(errors="replace")[-3000:] if error.stderr else ""
        raise StepError(STEP, f"compiling Python {version} failed:\n{output}",
                        "read the configure/make output above; the build image may lack a header") from None
    except DockerException as error:
        raise StepError(STEP, f"compiling Python {version} failed: {error}", "build the stack images first: ./pycnb stacks") from None
    return archive


def write_index(archives: list[Path], target: Target = Target()) -> Path:
    """index.json beside the archives; archive URLs are relative, so the folder can be hosted anywhere."""
    entries = []
    for archive in sorted(archives):
        version = archive.name.split("-")[1]
        entries.append({
            "version": version, "os": target.os, "arch": target.arch,
            "distro": {"name": target.distro_name, "version": target.distro_version},
            "url": archive.name, "sha256": _sha256(archive), "size": archive.stat().st_size,
        })
    index = runtimes_dir() / "index.json"
    partial = index.with_suffix(".partial")
    partial.write_text(json.dumps({"schema_version": INDEX_SCHEMA_VERSION, "runtimes": entries}, indent=2) + "\n")
    partial.rename(index)
    return index


def build_all(client: docker.DockerClient, versions: tuple[str, ...] | None = None) -> Path:
    """Build `versions` (the configured ones by default) and write an index of exactly those.
    Every source is fetched first: a version no source provides fails before any compile."""
    versions = versions or configured_versions()
    out = runtimes_dir()
    for version in versions:
        if not (out / archive_name(version, Target())).exists():
            fetch_source(version)
    # Compiles run side by side: a PGO build spends much of its time in steps that use one core
    # (the profile run, the LTO link), which the other compile fills.
    with ThreadPoolExecutor(max_workers=len(versions)) as pool:
        archives = list(pool.map(lambda version: build(client, version), versions))
    return write_index(archives)
