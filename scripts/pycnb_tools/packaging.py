"""Staging the buildpacks as they ship: each one self-contained, with the shared CNB library and
its pinned pure-Python dependencies vendored in, and no link pointing outside it.

pack stores symlinks as links, so a buildpack that linked to ../../lib would break in the builder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import docker

from . import shell
from .errors import StepError
from .paths import ROOT, STAGED_BUILDPACKS, cache_dir

STEP = "package"
BUILDPACKS = ("apt", "python", "django", "procfile")
SHARED_LIBRARY = ROOT / "lib" / "cnb"
VENDOR_REQUIREMENTS = ROOT / "buildpacks" / "vendor.txt"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


def _vendored_libraries() -> Path:
    """The pinned libraries, installed once per pin set into the cache. Several `./pycnb` processes
    (work trees, CI) may stage at once: each installs into a folder of its own, and the first to
    finish publishes it; the others keep the published one."""
    digest = hashlib.sha256(VENDOR_REQUIREMENTS.read_bytes()).hexdigest()[:12]
    target = cache_dir() / "vendor" / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f"{digest}.partial-", dir=target.parent))
        try:
            shell.run(
                STEP,
                [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:", "--no-compile",
                 "--target", str(partial), "-r", str(VENDOR_REQUIREMENTS)],
                fix="check that PyPI is reachable and buildpacks/vendor.txt names existing versions",
            )
            shutil.rmtree(partial / "bin", ignore_errors=True)
            partial.chmod(0o755)
            try:
                partial.rename(target)
            except OSError:  # another process published it first
                if not target.exists():
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return target


def _check_links(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            raise StepError(STEP, f"{path} links outside the buildpack ({path.resolve()})", "replace the link with a copy of the file")


def _tree_digest(digest: "hashlib._Hash", folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or path.suffix == ".pyc" or ".pytest_cache" in path.parts:
            continue
        digest.update((f"{path.relative_to(folder)}\0{path.is_symlink() and path.readlink()}\0"
                       f"{path.stat().st_mode if path.exists() else 0:o}\0").encode())
        if path.is_file() and not path.is_symlink():
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def _stage_digest(source: Path, vendor: Path, runtimes: Path | None) -> str:
    """What a staged buildpack is made from: its source, the shared library, the vendored pins and the
    runtime index (which names each archive's sha256)."""
    digest = hashlib.sha256(f"{vendor.name}\0".encode())
    _tree_digest(digest, source)
    _tree_digest(digest, SHARED_LIBRARY)
    if runtimes is not None:
        digest.update((runtimes / "index.json").read_bytes())
    return digest.hexdigest()


def stage(name: str, runtimes: Path | None = None) -> Path:
    """`build/buildpacks/<name>`, made again only when what it is made from changed: a folder that other
    steps (pack builder create, pack buildpack package) may be reading is not replaced for nothing."""
    destination = STAGED_BUILDPACKS / name
    source = ROOT / "buildpacks" / name
    if not (source / "buildpack.toml").is_file():
        raise StepError(STEP, f"buildpacks/{name}/buildpack.toml is missing", f"restore buildpacks/{name} from git")
    stamp = STAGED_BUILDPACKS / f".{name}.digest"
    wanted = _stage_digest(source, _vendored_libraries(), runtimes)
    if destination.is_dir() and stamp.is_file() and stamp.read_text() == wanted:
        return destination
    stamp.unlink(missing_ok=True)
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(source, destination, ignore=IGNORED, symlinks=True)
    vendor = destination / "vendor"
    shutil.copytree(_vendored_libraries(), vendor, ignore=IGNORED)
    shutil.copytree(SHARED_LIBRARY, vendor / "cnb", ignore=IGNORED)
    if runtimes is not None:
        _copy_runtime_index(runtimes, destination / "runtimes")
    _check_links(destination)
    stamp.write_text(wanted)
    return destination


def _copy_runtime_index(runtimes: Path, destination: Path) -> None:
    """The builder carries the runtime index and the archives it lists (not others the cache
    still holds), so builds work offline."""
    destination.mkdir()
    shutil.copyfile(runtimes / "index.json", destination / "index.json")
    for entry in json.loads((runtimes / "index.json").read_text())["runtimes"]:
        shutil.copyfile(runtimes / entry["url"], destination / entry["url"])


def compile_bytecode(client: docker.DockerClient, build_image: str, staged: list[Path]) -> None:
    """Each staged buildpack's Python compiled by the build image's python3, which runs it: `/cnb` is
    read-only at build time, so without bytecode every detect and build compiled every module it imports
    again (0.06 s for pycnb/python's build alone). Hash-checked bytecode (PEP 552), because pack sets every
    file's time to 1980 and a timestamp-checked .pyc would never match; the same sources give the same bytes."""
    shell.say(f"Compiling the staged buildpacks' Python with {build_image}'s python3")
    volumes = {str(folder.resolve()): {"bind": f"/buildpacks/{folder.name}", "mode": "rw"} for folder in staged}
    command = ["python3", "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", "-j", "0",
               *(f"/buildpacks/{folder.name}" for folder in staged)]
    try:
        client.containers.run(build_image, command, entrypoint="", volumes=volumes, user=f"{os.getuid()}:{os.getgid()}",
                              network_mode="none", remove=True)
    except docker.errors.ContainerError as error:
        raise StepError(STEP, f"compiling the staged buildpacks failed: {error.stderr.decode(errors='replace').strip()}",
                        "fix the Python file compileall names above") from None
    except docker.errors.DockerException as error:
        raise StepError(STEP, f"compiling the staged buildpacks failed: {error}", "check that the Docker engine is running") from None


def stage_all(runtimes: Path) -> list[Path]:
    shell.say(f"Staging buildpacks into {STAGED_BUILDPACKS.relative_to(ROOT)}/")
    return [stage(name, runtimes if name == "python" else None) for name in BUILDPACKS]
