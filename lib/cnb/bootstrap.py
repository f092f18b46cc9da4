"""Started by a buildpack's `bin/detect` and `bin/build` with `python3 -I`.

Isolated mode keeps the app's PYTHONPATH and user site out, so this file puts the
buildpack's own folder and its vendored libraries (this file's parent) on `sys.path`.
Usage: python3 -I <buildpack>/vendor/cnb/bootstrap.py <package> <buildpack id> detect|build
"""

import importlib
import sys
from pathlib import Path

vendor_dir = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(vendor_dir.parent), str(vendor_dir)]

from cnb.entrypoint import run  # noqa: E402

package, buildpack_id, phase = sys.argv[1:4]
main = importlib.import_module(f"{package}.main")
sys.exit(run(phase, buildpack_id, main.detect, main.build))
