"""Run by the runtime's own Python, not the buildpack's: bytecode for every module under the folders given
that has none, a process per core (bytecode.py says why). Standard library only, as old as Python 3.8."""

import importlib.util
import os
import py_compile
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import partial

# Below this many modules, starting the worker processes costs more than they save.
IN_PROCESS_BELOW = 64
# As pip compiles: a module that does not compile (Python 2 syntax left in a package) is skipped, silently.
compile_one = partial(py_compile.compile, quiet=2)


def missing(folders):
    for root in folders:
        for folder, _, names in os.walk(root):
            for name in names:
                source = os.path.join(folder, name)
                if name.endswith(".py") and not os.path.exists(importlib.util.cache_from_source(source)):
                    yield source


def compile_all(sources):
    """How many compiled (py_compile gives None for a module that does not compile)."""
    pool = None
    if len(sources) >= IN_PROCESS_BELOW:
        try:
            pool = ProcessPoolExecutor()
        except (ImportError, NotImplementedError, OSError):  # no working semaphores (no /dev/shm): one process
            pass
    if pool is None:
        return sum(1 for source in sources if compile_one(source))
    with pool:
        return sum(1 for written in pool.map(compile_one, sources, chunksize=32) if written)


def main(folders):
    sources = sorted(missing(folders))
    try:
        print(compile_all(sources))
    except OSError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
