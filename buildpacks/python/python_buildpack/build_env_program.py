"""`pycnb-python-env materialize|release|read-only SCRATCH`: the kept runtime and environment for a
later build step (layers/build_env.py). Run by later buildpacks and the `python` wrapper.

- `materialize` unpacks them into their own folders, as the image has them;
- `release` removes them again once unchanged, so the export reuses the previous image's layers;
- `read-only SCRATCH` unpacks what is not unpacked into SCRATCH (outside the layers volume, where
  creating files is fast), without the packages' translations (`translation_catalog`), and points that
  environment at that runtime; it prints the environment's `python`, for steps that only read the files
  (importing settings, collecting static files).

Each also acts on the kept layers earlier buildpacks published (cnb.reuse.PUBLISHED_ENV_VAR: pycnb/apt's
libraries, which the environment finds by their paths), always in their own folders.
"""

import os
import sys
import time
from pathlib import Path, PurePosixPath

buildpack_dir = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(buildpack_dir / "vendor"), str(buildpack_dir)]

from cnb.archive import ArchiveError  # noqa: E402
from cnb.reuse import State, materialize_published, release_published  # noqa: E402
from python_buildpack.layers.venv_delta import LAYER_NAME as DELTA_LAYER  # noqa: E402

USAGE = "materialize | release | read-only SCRATCH"


def point_environment_at(venv: Path, runtime: Path, installed_runtime: Path) -> None:
    """Make a copy of the environment run `runtime` instead of the runtime folder it was made with."""
    link = venv / "bin" / "python3"
    link.unlink()
    link.symlink_to(runtime / "bin" / "python3")
    config = venv / "pyvenv.cfg"
    config.write_text(config.read_text(encoding="utf-8").replace(str(installed_runtime), str(runtime)), encoding="utf-8")


def translation_catalog(name: str) -> bool:
    """A package's gettext catalog (`<package>/locale/<language>/LC_MESSAGES/...`), left out of a read-only
    copy: 40% of a Django app's environment (Django's contrib apps have one per language), and never read
    by importing settings or collecting static files. Django's own (`django/conf/locale`) stay, since
    Django refuses to translate into the default language without them."""
    parts = PurePosixPath(name).parts
    if "LC_MESSAGES" not in parts:
        return False
    index = parts.index("LC_MESSAGES")
    return index >= 2 and parts[index - 2] == "locale" and parts[max(index - 4, 0):index - 2] != ("django", "conf")


def read_only(state: State, venv: Path, runtime: Path, scratch: Path) -> tuple[list[str], Path]:
    """The environment's `python` for steps that only read; what earlier buildpacks kept (pycnb/apt's
    libraries, named by their paths in the environment) is unpacked in place first."""
    unpacked = materialize_published(dict(os.environ))
    return unpacked, _read_only_python(state, venv, runtime, scratch)


def _read_only_python(state: State, venv: Path, runtime: Path, scratch: Path) -> Path:
    folders = state.read_only_copies(scratch, leave_out=translation_catalog)
    copy = folders.get(venv.name, venv)
    if copy == venv:
        if any(folder != venv.parent / name for name, folder in folders.items()):
            # The environment is in its own folder, and links the runtime's and finds the added packages
            # (layers/venv_delta.py) in theirs: they must be there too.
            state.materialize()
        return venv / "bin" / "python"
    point_environment_at(copy, folders.get(runtime.name, runtime), runtime)
    # The environment's hook finds the added packages beside it.
    delta = venv.parent / DELTA_LAYER
    if delta.is_dir() and not (copy.parent / DELTA_LAYER).exists():
        (copy.parent / DELTA_LAYER).symlink_to(delta)
    return copy / "bin" / "python"


def main(state_file: str, venv: str, runtime: str, command: str, *args: str) -> int:
    state = State(Path(state_file))
    started = time.monotonic()
    try:
        if command == "materialize" and not args:
            folders = materialize_published(dict(os.environ)) + state.materialize()
            if folders:
                print(f"Unpacked {' and '.join(folders)} from the build cache ({time.monotonic() - started:.1f}s)", file=sys.stderr)
            return 0
        if command == "release" and not args:
            removed, changed = state.release()
            published = release_published(dict(os.environ))
            removed, changed = removed + published[0], changed + published[1]
            if removed:
                print(f"Removed the unpacked {' and '.join(removed)}: the export reuses the previous image's layers", file=sys.stderr)
            for folder in changed:
                print(f"{folder} changed after it was unpacked: it is exported from its files", file=sys.stderr)
            return 0
        if command == "read-only" and len(args) == 1:
            unpacked, python = read_only(state, Path(venv), Path(runtime), Path(args[0]))
            if unpacked:
                print(f"Unpacked {' and '.join(unpacked)} from the build cache, in place", file=sys.stderr)
            print(f"Python for reading: {python.parent.parent} ({time.monotonic() - started:.1f}s)", file=sys.stderr)
            print(python)
            return 0
    except (ArchiveError, OSError) as error:
        print(f"pycnb-python-env {command}: {error}", file=sys.stderr)
        return 1
    print(f"usage: pycnb-python-env {USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]) if len(sys.argv) >= 5 else main("", "", "", ""))
