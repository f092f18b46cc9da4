#!/usr/bin/env bash
# Compiles CPython inside the pycnb build image and packs it in python-build-standalone's
# `install_only` layout: one top-level `python/` folder, relocatable, stripped, no test suite.
#
# Usage (inside the container): compile_cpython.sh SOURCE_TARBALL VERSION OUTPUT_ARCHIVE
#
# The prefix is the folder the Python buildpack installs the runtime at in every image
# (`/layers/<buildpack id>/<layer>`), so sysconfig, python3-config, the pkg-config files and the
# config Makefile name the installed runtime, and what embeds Python (uWSGI, mod_wsgi) links
# and runs against it. The interpreter has libpython linked in and finds its prefix from its own
# location, so the folder works anywhere; the buildpack rewrites those text files when it
# installs the runtime somewhere else.
set -euo pipefail

source_tarball=$1 version=$2 output=$3
minor=${version%.*}
prefix=${PYCNB_RUNTIME_PREFIX:-/layers/pycnb_python/python}
work=$(mktemp -d)
src=$work/Python-$version

tar -xf "$source_tarball" -C "$work"
cd "$src"

# --enable-shared: a libpython3.X.so that embedders link (-lpython3.X), as Heroku's and
#   python-build-standalone's runtimes have (the interpreter itself is relinked below).
# --enable-optimizations --with-lto: PGO and LTO, as Heroku's and python-build-standalone's
#   builds use; with a shared libpython, configure also adds -fno-semantic-interposition, so
#   calls inside libpython are as direct as in a static build. The profile run is CPython's own
#   `--pgo` test selection, which needs the test modules while compiling: they are removed
#   after the install.
# --with-ensurepip=install: ship pip, as python-build-standalone's install_only does.
./configure --prefix="$prefix" --enable-shared --enable-optimizations --with-lto \
    --with-ensurepip=install --enable-loadable-sqlite-extensions > "$work/configure.log" 2>&1 || { tail -50 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" > "$work/make.log" 2>&1 || { tail -80 "$work/make.log" >&2; exit 1; }
# The interpreter links libpython's objects in, as Debian's python3.13 and python-build-standalone's
# do (CPython gh-133312): code in a shared library reaches the thread state through __tls_get_addr
# on every access, which cost about 8% of our runtime benchmark. libpython3.X.so stays for
# embedders; extension modules take the C API from the interpreter, which exports it
# (LINKFORSHARED), as before. Only the link runs again: every object is already built, with the
# profile, and the link repeats the LTO of the shared library's.
rm python
make python LINK_PYTHON_DEPS='$(LIBRARY_OBJS)' LINK_PYTHON_OBJS='$(LIBRARY_OBJS)' > "$work/relink.log" 2>&1 || { tail -80 "$work/relink.log" >&2; exit 1; }
if grep -E -- ' -c [^ ]+\.c' "$work/relink.log" >&2; then echo "relinking the interpreter recompiled sources" >&2; exit 1; fi
make install > "$work/install.log" 2>&1 || { tail -80 "$work/install.log" >&2; exit 1; }

lib=$prefix/lib/python$minor
config_dir=$(echo "$lib"/config-"$minor"-*)
# What install leaves that a runtime does not need: static libpythons (extensions do not link
# one on Linux, and embedders link the shared one), the test suite and its C modules, IDLE and
# tkinter (no Tk on the stack), and (below) debug symbols.
rm -rf "$prefix"/lib/libpython"$minor".a "$config_dir"/libpython"$minor".a \
       "$lib"/test "$lib"/idlelib "$lib"/tkinter "$lib"/turtledemo "$lib"/lib2to3/tests \
       "$lib"/lib-dynload/_test*.so "$lib"/lib-dynload/xxlimited*.so "$lib"/lib-dynload/_xxtestfuzz*.so \
       "$prefix"/share/man
find "$prefix" -type d -name tests -path '*/ctypes/*' -prune -exec rm -rf {} +
find "$prefix" -type d -name idle_test -prune -exec rm -rf {} +

# The compile-time source folder is recorded in sysconfig (srcdir, abs_builddir, ...) and the
# config Makefile: name the installed config folder instead, which is what sysconfig reports
# for srcdir in an installed Python anyway. Nothing may name the folder this script worked in.
grep -rlIF "$work" "$prefix" | xargs -r sed -i "s#$src#$config_dir#g; s#$work#$config_dir#g"

strip --strip-unneeded "$prefix/bin/python$minor" "$prefix"/lib/libpython"$minor".so.1.0 "$lib"/lib-dynload/*.so
# python.o, which freeze-style embedders link, keeps its symbols; its debug info names the source folder.
strip --strip-debug "$config_dir/python.o"
# Python 3.11 builds most extension modules with setup.py, from absolute source paths, so the
# __FILE__ of PyErr_BadInternalCall() names the source folder. In every ELF file, each such string
# becomes the relative path that -ffile-prefix-map would have given, padded with `./` to the same
# length so that no offset in the file moves.
"$prefix/bin/python3" - "$src/" "$prefix" <<'RELATIVE_SOURCES'
import pathlib, sys
source = sys.argv[1].encode()
relative = b"./" * (len(source) // 2) + b"/" * (len(source) % 2)
for path in pathlib.Path(sys.argv[2]).rglob("*"):
    if path.is_file() and not path.is_symlink():
        content = path.read_bytes()
        if content.startswith(b"\x7fELF") and source in content:
            path.write_bytes(content.replace(source, relative))
RELATIVE_SOURCES

# Bytecode as unchecked-hash .pyc (PEP 552): the lifecycle resets file times on export and
# restore, which makes timestamp-based .pyc look stale, so Python would recompile the standard
# library in every build (changing the layer) and in every container start (the run user
# cannot write the layer). Unchecked-hash bytecode is never revalidated; the buildpack
# recompiles the few files it rewrites when it installs the runtime elsewhere. Optimised
# variants (-O) are left out: rarely used, and large. -f and PYTHONDONTWRITEBYTECODE:
# compileall's own imports would otherwise leave timestamp .pyc files behind that it then
# skips as up to date.
find "$prefix" -name __pycache__ -type d -prune -exec rm -rf {} +
PYTHONDONTWRITEBYTECODE=1 "$prefix/bin/python3" -m compileall -q -f -j0 -o 0 --invalidation-mode unchecked-hash "$lib"
PYTHONDONTWRITEBYTECODE=1 "$prefix/bin/python3" - "$prefix" "$work" <<'CHECK'
import pathlib, sys
prefix, work = pathlib.Path(sys.argv[1]), sys.argv[2].encode()
stale = [p for p in prefix.rglob("*.pyc") if p.read_bytes()[4:8] != b"\x01\x00\x00\x00"]
if stale:
    sys.exit(f"{len(stale)} .pyc files are not unchecked-hash, e.g. {stale[:3]}")
leaks = [p for p in prefix.rglob("*") if p.is_file() and not p.is_symlink() and work in p.read_bytes()]
if leaks:
    sys.exit(f"{len(leaks)} files name the compile-time folder {work.decode()}, e.g. {leaks[:3]}")
CHECK

# A smoke test of the result before it is published: from another folder, through a link (as a
# virtual environment runs it), and with what embedders ask python3-config for.
mv "$prefix" "$work/moved"
PYTHONDONTWRITEBYTECODE=1 "$work/moved/bin/python3" -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, decimal, hashlib, json, venv; print('ok', __import__('sys').version)"
ln -s "$work/moved/bin/python3" "$work/python-link"
PYTHONDONTWRITEBYTECODE=1 "$work/python-link" -c "import sys; assert sys.base_prefix == '$work/moved', sys.base_prefix"
mv "$work/moved" "$prefix"
"$prefix/bin/python3-config" --embed --ldflags | grep -q -- "-lpython$minor"
if readelf -d "$prefix/bin/python$minor" | grep -q 'NEEDED.*libpython'; then echo "the interpreter loads libpython" >&2; exit 1; fi
readelf -d "$prefix/lib/libpython$minor.so.1.0" | grep -q 'SONAME.*libpython'

tar -C "$(dirname "$prefix")" -czf "$output.partial" "$(basename "$prefix")"
mv "$output.partial" "$output"
