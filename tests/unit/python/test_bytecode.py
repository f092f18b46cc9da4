"""Bytecode compiled after the installer, a process per core: the same files pip would write, only for the
modules that have none, and a clear build error when it cannot be written."""

import importlib.util
import io
import os
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest
from cnb.errors import BuildpackError
from cnb.log import Logger

from python_buildpack import bytecode

SITE_PACKAGES = f"lib/python3.{sys.version_info.minor}/site-packages"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "315532801"}


def make_environment(root: Path, modules: int) -> Path:
    site = root / SITE_PACKAGES
    for number in range(modules):
        package = site / f"package{number % 7}"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / f"module{number}.py").write_text(f"import logging\nVALUE = {number}\nNAME = 'module {number}'\n")
    return site


def compiled(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*.pyc"))}


@pytest.mark.parametrize("modules", [3, 200], ids=["in one process", "a process per core"])
def test_every_module_gets_the_hash_based_bytecode_py_compile_writes(tmp_path, modules):
    site = make_environment(tmp_path / "venv", modules)
    bytecode.compile_missing(Logger(io.StringIO()), Path(sys.executable), [tmp_path / "venv"], ENV)
    sources = sorted(site.rglob("*.py"))
    assert all(Path(importlib.util.cache_from_source(str(source))).is_file() for source in sources)
    ours = compiled(site)
    for path in site.rglob("*.pyc"):
        path.unlink()
    # What pip does in its own process, module after module.
    subprocess.run([sys.executable, "-I", "-c", "import py_compile, sys\nfor source in sys.argv[1:]: py_compile.compile(source)",
                    *map(str, sources)], env=ENV, check=True)
    assert ours == compiled(site)
    assert all(data[4:8] == b"\x03\x00\x00\x00" for data in ours.values())  # PEP 552: checked hash-based


def test_only_modules_without_bytecode_are_compiled_and_broken_ones_are_skipped_as_pip_does(tmp_path):
    site = make_environment(tmp_path / "venv", 3)
    kept = site / "package0" / "module0.py"
    py_compile.compile(str(kept), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    kept_bytes = Path(importlib.util.cache_from_source(str(kept))).read_bytes()
    (site / "python2_leftover.py").write_text("print 'hello'\n")
    stream = io.StringIO()
    bytecode.compile_missing(Logger(stream), Path(sys.executable), [tmp_path / "venv"], ENV)
    assert Path(importlib.util.cache_from_source(str(kept))).read_bytes() == kept_bytes
    assert not Path(importlib.util.cache_from_source(str(site / "python2_leftover.py"))).exists()
    # The modules of the three packages' __init__ and module1, module2: module0 had bytecode.
    assert "5 modules compiled" in stream.getvalue()
    assert "SyntaxError" not in stream.getvalue()


def test_a_prefix_with_no_site_packages_runs_nothing(tmp_path):
    stream = io.StringIO()
    bytecode.compile_missing(Logger(stream), Path(sys.executable), [tmp_path], ENV)
    assert stream.getvalue() == ""


def test_bytecode_it_cannot_write_is_a_build_error_without_a_traceback(tmp_path):
    site = make_environment(tmp_path / "venv", 2)
    (site / "package0" / "__pycache__").write_text("a file where the folder goes")
    with pytest.raises(BuildpackError) as raised:
        bytecode.compile_missing(Logger(io.StringIO()), Path(sys.executable), [tmp_path / "venv"], ENV)
    assert raised.value.title == "Cannot compile the installed packages' bytecode"
    assert "Not a directory" in raised.value.details
    assert "Traceback" not in raised.value.details
