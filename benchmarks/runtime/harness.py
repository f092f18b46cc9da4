"""Times one workload under the interpreter that runs this file, for `./pycnb bench`'s runtime
benchmark: `python harness.py WORKLOAD.py LOOPS`.

The workload's optional `setup()` runs untimed (imports, Django's set-up, compiling templates),
then its `run()` is timed LOOPS times. Prints one JSON line: the CPU seconds of each loop
(time.process_time(): the time this process ran, so that other processes taking the CPU away
from it do not count; the workloads neither sleep nor wait), their wall seconds, the checksum
`run()` returned (the same on every loop and on every interpreter, or the interpreters did not
do the same work), and the interpreter's version and build flags. Needs nothing outside the
standard library."""

import importlib.util
import json
import platform
import sys
import sysconfig
import time


def _flags() -> dict:
    """How the interpreter was built, as far as it can tell: configure's PGO and LTO options (from
    sysconfig, which describes the build that made it; Debian's describes its shared libpython
    build), and whether libpython is a shared library in this very process (from its memory map)."""
    args = sysconfig.get_config_var("CONFIG_ARGS") or ""
    try:
        with open("/proc/self/maps") as maps:
            shared = "libpython" in maps.read()
    except OSError:
        shared = None
    return {"pgo": "--enable-optimizations" in args, "lto": "--with-lto" in args, "shared_libpython": shared}


def main(path: str, loops: int) -> None:
    spec = importlib.util.spec_from_file_location("workload", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["workload"] = module
    spec.loader.exec_module(module)
    if hasattr(module, "setup"):
        module.setup()
    seconds, wall_seconds, checksums = [], [], set()
    for _ in range(loops):
        wall_started, started = time.perf_counter(), time.process_time()
        checksums.add(module.run())
        seconds.append(time.process_time() - started)
        wall_seconds.append(time.perf_counter() - wall_started)
    if len(checksums) != 1:
        raise SystemExit(f"{path}: run() returned {sorted(map(repr, checksums))}, not one value")
    print(json.dumps({
        "seconds": seconds, "wall_seconds": wall_seconds, "checksum": repr(checksums.pop()),
        "python": platform.python_version(), "executable": sys.executable, "flags": _flags(),
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
