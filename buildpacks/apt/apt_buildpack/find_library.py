"""Making `ctypes.util.find_library` find the layer's libraries, at build and at launch.

GeoDjango (django/contrib/gis/gdal/libgdal.py, geos/libgeos.py), like python-magic, pyzbar and many
ctypes bindings, looks its library up by name with `find_library("gdal")` unless a setting names the
file. On Linux, CPython's find_library (Lib/ctypes/util.py, 3.6 to 3.14) tries, in order:

1. `/sbin/ldconfig -p`: the system's library cache, which only root can add to. A layer is not in it.
2. `gcc -Wl,-t -lNAME` (`_findLib_gcc`), then `objdump -p` for the SONAME: the build image has gcc,
   and `-l` searches LIBRARY_PATH, which holds the layer's library folder at build time.
3. `ld -t -L<each LD_LIBRARY_PATH folder> -lNAME` (`_findLib_ld`), then `objdump -p`: the one step
   that searches LD_LIBRARY_PATH, which holds the layer's library folder at build and at launch.

Steps 2 and 3 need two things an unpacked runtime library lacks: a `libNAME.so` link (a `-dev`
package's; `-lgdal` looks for `libgdal.so`, not `libgdal.so.36`), and, at launch, `ld` and `objdump`
(the run image has no binutils). So a buildpack asks, with `find_library = ["gdal", "geos_c"]` in its
plan entry, and this buildpack installs Debian's `binutils` into the layer (13.2 MiB unpacked with its dependencies,
translations left out) and links `libgdal.so` to the library's SONAME file. find_library then answers
`libgdal.so.36`, which `CDLL` loads through LD_LIBRARY_PATH. Nothing of Python or of the app is
changed: the same lookup works in gunicorn, `manage.py migrate`, a shell, any interpreter.

Rejected: a `.pth` file or `sitecustomize` that patches find_library (runs in every interpreter and
changes the standard library's behaviour behind the app's back); a settings module wrapped by the
buildpack (DJANGO_SETTINGS_MODULE is the app's); `ldconfig` (needs root and /etc).
"""

from __future__ import annotations

import re
from pathlib import Path

# Debian's binutils: /usr/bin/ld and /usr/bin/objdump (links to x86_64-linux-gnu-ld and -objdump).
PACKAGES = ["binutils"]
# What find_library takes: `gdal`, `geos_c`, `GDAL`. Nothing that could climb out of the folder.
NAME = re.compile(r"[A-Za-z0-9_+][A-Za-z0-9_+.-]*")


def link(libraries: Path, names: list[str]) -> list[str]:
    """`lib<name>.so` -> the library's SONAME file (the shortest `lib<name>.so.*`, e.g. `libgdal.so.36`),
    for each name the layer has a library of and no such link yet. Returns the links made, for the log."""
    made = []
    for name in names:
        link_path = libraries / f"lib{name}.so"
        if link_path.exists() or link_path.is_symlink():
            continue
        candidates = sorted(libraries.glob(f"lib{glob_escape(name)}.so.*"), key=lambda path: (len(path.name), path.name))
        if candidates:
            link_path.symlink_to(candidates[0].name)
            made.append(f"{link_path.name} -> {candidates[0].name}")
    return made


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)
