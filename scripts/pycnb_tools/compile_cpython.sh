#!/usr/bin/env bash
# Compiles CPython inside the pycnb build image and packs it in python-build-standalone's
# `install_only` layout: one top-level `python/` folder, relocatable, stripped, no test suite.
#
# Usage (inside the container): compile_cpython.sh SOURCE_TARBALL VERSION OUTPUT_ARCHIVE
# The interpreter finds its prefix from its own location, so the folder can be extracted anywhere.
set -euo pipefail

source_tarball=$1 version=$2 output=$3
minor=${version%.*}
work=$(mktemp -d)
prefix=$work/python

tar -xf "$source_tarball" -C "$work"
cd "$work/Python-$version"

# --disable-test-modules: neither build nor install the test suite (it is most of the size).
# --with-ensurepip=install: ship pip, as python-build-standalone's install_only does.
# No PGO/LTO: they triple the compile time for a few percent of speed.
./configure --prefix="$prefix" --disable-test-modules --with-ensurepip=install \
    --enable-loadable-sqlite-extensions > "$work/configure.log" 2>&1 || { tail -50 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" > "$work/make.log" 2>&1 || { tail -80 "$work/make.log" >&2; exit 1; }
make install > "$work/install.log" 2>&1 || { tail -80 "$work/install.log" >&2; exit 1; }

lib=$prefix/lib/python$minor
# What install leaves that a runtime does not need: the static libpython (extensions do not
# link it on Linux), leftover tests, IDLE and tkinter (no Tk on the stack), and (below) debug symbols.
rm -rf "$prefix"/lib/libpython"$minor".a "$lib"/config-"$minor"-*/libpython"$minor".a \
       "$lib"/test "$lib"/idlelib "$lib"/tkinter "$lib"/turtledemo "$lib"/lib2to3/tests \
       "$prefix"/share/man

# Bytecode as unchecked-hash .pyc (PEP 552): the lifecycle resets file times on export and
# restore, which makes timestamp-based .pyc look stale, so Python would recompile the standard
# library in every build (changing the layer) and in every container start (the run user
# cannot write the layer). Unchecked-hash bytecode is never revalidated; the runtime is never
# edited after this point. Optimised variants (-O) are left out: rarely used, and large.
# -f and PYTHONDONTWRITEBYTECODE: compileall's own imports would otherwise leave timestamp
# .pyc files behind that it then skips as up to date.
find "$prefix" -name __pycache__ -type d -prune -exec rm -rf {} +
PYTHONDONTWRITEBYTECODE=1 "$prefix/bin/python3" -m compileall -q -f -j0 -o 0 --invalidation-mode unchecked-hash "$lib"
PYTHONDONTWRITEBYTECODE=1 "$prefix/bin/python3" - "$prefix" <<'CHECK'
import pathlib, sys
stale = [p for p in pathlib.Path(sys.argv[1]).rglob("*.pyc") if p.read_bytes()[4:8] != b"\x01\x00\x00\x00"]
sys.exit(f"{len(stale)} .pyc files are not unchecked-hash, e.g. {stale[:3]}" if stale else 0)
CHECK
find "$prefix" -type d -name tests -path '*/ctypes/*' -prune -exec rm -rf {} +
strip --strip-unneeded "$prefix/bin/python$minor" "$lib"/lib-dynload/*.so

# A smoke test of the result before it is published.
PYTHONDONTWRITEBYTECODE=1 "$prefix/bin/python3" -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, decimal, hashlib, json, venv; print('ok', __import__('sys').version)"

tar -C "$work" -czf "$output.partial" python
mv "$output.partial" "$output"
