"""`pycnb-python-env materialize|release`: unpack the kept runtime and environment for a build step, or
remove them again once unchanged (layers/build_env.py). Run by later buildpacks and the `python` wrappers."""

import sys
import time
from pathlib import Path

vendor_dir = Path(__file__).resolve().parent.parent / "vendor"
sys.path[:0] = [str(vendor_dir)]

from cnb.archive import ArchiveError  # noqa: E402
from cnb.reuse import State  # noqa: E402


def main(state_file: str, command: str) -> int:
    state = State(Path(state_file))
    try:
        if command == "materialize":
            started = time.monotonic()
            folders = state.materialize()
            if folders:
                print(f"Unpacked {' and '.join(folders)} from the build cache ({time.monotonic() - started:.1f}s)", file=sys.stderr)
            return 0
        if command == "release":
            removed, changed = state.release()
            if removed:
                print(f"Removed the unpacked {' and '.join(removed)}: the export reuses the previous image's layers", file=sys.stderr)
            for folder in changed:
                print(f"{folder} changed after it was unpacked: it is exported from its files", file=sys.stderr)
            return 0
    except (ArchiveError, OSError) as error:
        print(f"pycnb-python-env {command}: {error}", file=sys.stderr)
        return 1
    print(f"usage: {Path(sys.argv[0]).name} materialize|release", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]) if len(sys.argv) == 3 else main("", ""))
