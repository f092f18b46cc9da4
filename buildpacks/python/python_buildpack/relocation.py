"""Makes an unpacked runtime name the folder it was installed at.

A runtime is compiled for `/layers/pycnb_python/python`, where every image has it, and its
sysconfig data, `python3-config`, pkg-config files, config Makefile and script shebangs name that
folder. When a platform puts the layers elsewhere (`-layers`), those text files are rewritten, so
what builds against the runtime (uWSGI, mod_wsgi, C extensions) links the runtime that is there.
ELF files are left alone: the interpreter has libpython linked in and finds its prefix from its
own location.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from . import messages

# sysconfig's record of the prefix the runtime was configured with (python-build-standalone's
# archives have one too, `/install`).
_PREFIX_ENTRY = re.compile(rb"""['"]prefix['"]:\s*['"]([^'"]+)['"]""")
_ELF_MAGIC = b"\x7fELF"


def compiled_prefix(runtime: Path) -> str | None:
    """The prefix recorded in the runtime's sysconfig data, if it has any."""
    for data in sorted(runtime.glob("lib/python3*/_sysconfigdata_*.py")):
        found = _PREFIX_ENTRY.search(data.read_bytes())
        if found:
            return found.group(1).decode()
    return None


def relocate(runtime: Path) -> int:
    """Rewrite every text file that names the compiled prefix to name `runtime`; the count rewritten."""
    old = compiled_prefix(runtime)
    if old is None or old == str(runtime):
        return 0
    old_bytes, new_bytes = old.encode(), str(runtime).encode()
    rewritten: list[Path] = []
    for path in runtime.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.suffix == ".pyc":
            continue
        content = path.read_bytes()
        if old_bytes not in content or content.startswith(_ELF_MAGIC):
            continue
        path.write_bytes(content.replace(old_bytes, new_bytes))
        rewritten.append(path)
    _recompile(runtime, [path for path in rewritten if path.suffix == ".py"])
    return len(rewritten)


def _recompile(runtime: Path, sources: list[Path]) -> None:
    """Bytecode of rewritten modules, unchecked-hash like the rest of the runtime's (it is never
    revalidated, so a stale .pyc would win over the rewritten source)."""
    if not sources:
        return
    script = (
        "import py_compile, sys\n"
        "for source in sys.argv[1:]:\n"
        "    py_compile.compile(source, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
    )
    python = runtime / "bin" / "python3"
    done = subprocess.run([str(python), "-I", "-B", "-c", script, *map(str, sources)], capture_output=True, text=True)
    if done.returncode != 0:
        raise messages.runtime_relocation_failed(done.stderr)
