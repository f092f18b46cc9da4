"""Times one workload under the interpreter that runs this file, for `./pycnb bench`'s runtime
benchmark: `python harness.py WORKLOAD.py LOOPS`.

The workload's optional `setup()` runs untimed (imports, Django's set-up, compiling templates),
then its `run()` is timed LOOPS times with time.perf_counter(). Prints one JSON line: the
seconds of each loop, the checksum `run()` returned (the same on every loop and on every
interpreter, or the interpreters did not do the same work), and the interpreter's version and
build flags. Needs nothing outside the standard library."""

import importlib.util
import json
import platform
import sys
import sysconfig
import time


def _flags() -> dict:
    """What the interpreter was configured with, the flags that decide its speed."""
    args = sysconfig.get_config_var("CONFIG_ARGS") or ""
    return {
        "pgo": "--enable-optimizations" in args,
        "lto": "--with-lto" in args,
        "shared": bool(sysconfig.get_config_var("Py_ENABLE_SHARED")),
        "cflags": sysconfig.get_config_var("OPT") or "",
    }


def main(path: str, loops: int) -> None:
    spec = importlib.util.spec_from_file_location("workload", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["workload"] = module
    spec.loader.exec_module(module)
    if hasattr(module, "setup"):
        module.setup()
    seconds, checksums = [], set()
    for _ in range(loops):
        started = time.perf_counter()
        checksums.add(module.run())
        seconds.append(time.perf_counter() - started)
    if len(checksums) != 1:
        raise SystemExit(f"{path}: run() returned {sorted(map(repr, checksums))}, not one value")
    print(json.dumps({
        "seconds": seconds, "checksum": repr(checksums.pop()),
        "python": platform.python_version(), "executable": sys.executable, "flags": _flags(),
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
