import sys
from pathlib import Path

from python_buildpack import relocation

COMPILED = "/layers/pycnb_python/python"


def runtime_at(root: Path, compiled: str = COMPILED) -> Path:
    """A runtime folder shaped like ours: sysconfig data, a script, pkg-config, an ELF file, a link."""
    lib = root / "lib" / "python3.13"
    lib.mkdir(parents=True)
    (lib / "_sysconfigdata__linux_x86_64-linux-gnu.py").write_text(
        f"build_time_vars = {{'prefix': '{compiled}', 'LIBDIR': '{compiled}/lib'}}\n")
    (root / "bin").mkdir()
    (root / "bin" / "python3").symlink_to(sys.executable)
    (root / "bin" / "pip3").write_text(f"#!{compiled}/bin/python3.13\nimport pip\n")
    (root / "lib" / "pkgconfig").mkdir()
    (root / "lib" / "pkgconfig" / "python-3.13.pc").write_text(f"prefix={compiled}\n")
    (root / "lib" / "libpython3.13.so.1.0").write_bytes(b"\x7fELF" + compiled.encode() + b"\x00")
    return root


def test_a_runtime_at_the_folder_it_was_compiled_for_is_left_as_it_is(tmp_path):
    root = runtime_at(tmp_path / "python", compiled=str(tmp_path / "python"))
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file() and not path.is_symlink()}
    assert relocation.compiled_prefix(root) == str(root)
    assert relocation.relocate(root) == 0
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file() and not path.is_symlink()} == before


def test_text_files_are_rewritten_to_name_the_installed_folder_and_bytecode_follows(tmp_path):
    root = runtime_at(tmp_path / "python")
    assert relocation.relocate(root) == 3
    data = root / "lib" / "python3.13" / "_sysconfigdata__linux_x86_64-linux-gnu.py"
    assert data.read_text() == f"build_time_vars = {{'prefix': '{root}', 'LIBDIR': '{root}/lib'}}\n"
    assert (root / "bin" / "pip3").read_text().startswith(f"#!{root}/bin/python3.13\n")
    assert (root / "lib" / "pkgconfig" / "python-3.13.pc").read_text() == f"prefix={root}\n"
    # ELF files keep their bytes: the interpreter finds its prefix and libpython by its own location.
    assert COMPILED.encode() in (root / "lib" / "libpython3.13.so.1.0").read_bytes()
    (pyc,) = (data.parent / "__pycache__").glob("_sysconfigdata_*.pyc")
    assert pyc.read_bytes()[4:8] == b"\x01\x00\x00\x00"  # unchecked-hash, like the rest of the runtime
    assert str(root).encode() in pyc.read_bytes() and COMPILED.encode() not in pyc.read_bytes()
    assert relocation.relocate(root) == 0  # a second pass finds nothing to do


def test_a_runtime_without_sysconfig_data_is_left_alone(tmp_path):
    (tmp_path / "python" / "bin").mkdir(parents=True)
    assert relocation.relocate(tmp_path / "python") == 0
