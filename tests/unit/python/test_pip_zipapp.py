"""pip as a build-only zip app, made from a runtime archive's own pip: here the pip of the interpreter
running the tests, packed the way a runtime archive holds it (python/lib/python3.X/site-packages/pip)."""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pip
import pytest
from cnb.errors import BuildpackError

from python_buildpack import pip_zipapp
from python_buildpack.layers import runtime as runtime_layer

SITE_PACKAGES = f"python/lib/python3.{sys.version_info.minor}/site-packages"


@pytest.fixture(scope="module")
def runtime_archive(tmp_path_factory) -> Path:
    """A runtime archive holding this interpreter's pip, its bytecode included, and one stdlib module."""
    pip_folder = Path(pip.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(pip_folder)], check=True)
    archive = tmp_path_factory.mktemp("runtime") / "cpython-install_only.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(pip_folder, f"{SITE_PACKAGES}/pip")
        stdlib = tmp_path_factory.mktemp("stdlib") / "json_like.py"
        stdlib.write_text("VALUE = 1\n")
        tar.add(stdlib, f"python/lib/python3.{sys.version_info.minor}/json_like.py")
    return archive


def run_pip(zipapp: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", str(zipapp), *arguments], capture_output=True, text=True)


def test_the_zip_app_runs_pip_from_its_bytecode_without_unpacking_a_file(runtime_archive, tmp_path):
    zipapp = tmp_path / pip_zipapp.ZIPAPP_NAME
    pip_zipapp.write(runtime_archive, zipapp)
    assert list(tmp_path.iterdir()) == [zipapp]
    version = run_pip(zipapp, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith(f"pip {pip.__version__} from {zipapp}")
    # Bytecode is used as it is (zipimport names the .pyc), not compiled from the source on every run.
    loaded = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(zipapp)!r}); "
                             "import pip._internal.cli.main as main; print(main.__file__)"], capture_output=True, text=True)
    assert loaded.stdout.strip() == f"{zipapp}/pip/_internal/cli/main.pyc", loaded.stderr


def test_sources_pip_runs_as_scripts_stay_in_the_zip_and_nothing_else_of_the_runtime_does(runtime_archive, tmp_path):
    zipapp = tmp_path / pip_zipapp.ZIPAPP_NAME
    pip_zipapp.write(runtime_archive, zipapp)
    names = set(zipfile.ZipFile(zipapp).namelist())
    assert "pip/_vendor/pyproject_hooks/_in_process/_in_process.py" in names  # build backends run it as a file
    assert "pip/__init__.py" in names and "pip/__init__.pyc" in names
    assert not any("__pycache__" in name or "json_like" in name for name in names)


def test_the_runtime_finds_pip_through_the_link_only_while_the_zip_app_exists(runtime_archive, tmp_path):
    zipapp = tmp_path / "python-copy" / pip_zipapp.ZIPAPP_NAME
    zipapp.parent.mkdir()
    pip_zipapp.write(runtime_archive, zipapp)
    runtime = tmp_path / "python"
    site_packages = runtime / "lib" / f"python3.{sys.version_info.minor}" / "site-packages"
    site_packages.mkdir(parents=True)
    pip_zipapp.link(runtime, zipapp)
    assert (site_packages / pip_zipapp.PTH_NAME).read_text() == f"{zipapp}\n"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "no-pip")], check=True)
    finds_pip = [str(tmp_path / "no-pip" / "bin" / "python"), "-I", "-c",
                 f"import site; site.addsitedir({str(site_packages)!r}); import pip; print(pip.__file__)"]
    assert subprocess.run(finds_pip, capture_output=True, text=True).stdout.strip() == f"{zipapp}/pip/__init__.pyc"
    zipapp.unlink()
    assert "No module named 'pip'" in subprocess.run(finds_pip, capture_output=True, text=True).stderr


def test_the_runtime_layer_is_unpacked_without_pip_and_pip_goes_into_the_zip_app(runtime_archive, tmp_path):
    folder, zipapp = tmp_path / "python", tmp_path / pip_zipapp.ZIPAPP_NAME
    folder.mkdir()
    runtime_layer._unpack(runtime_archive, folder, zipapp, "3.x")
    unpacked = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    assert unpacked == [f"lib/python3.{sys.version_info.minor}/json_like.py"]
    assert "pip/__init__.pyc" in zipfile.ZipFile(zipapp).namelist()


def test_an_archive_without_pip_is_refused_and_leaves_no_zip(tmp_path):
    archive = tmp_path / "no-pip.tar.gz"
    module = tmp_path / "os_like.py"
    module.write_text("")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(module, "python/lib/python3.13/os_like.py")
    with pytest.raises(pip_zipapp.PipMissing, match="no pip"):
        pip_zipapp.write(archive, tmp_path / pip_zipapp.ZIPAPP_NAME)
    assert not list(tmp_path.glob("pip.pyz*"))
    (tmp_path / "python").mkdir()
    with pytest.raises(BuildpackError) as refused:
        runtime_layer._unpack(archive, tmp_path / "python", tmp_path / pip_zipapp.ZIPAPP_NAME, "3.13.15")
    assert refused.value.title == "The Python 3.13.15 runtime archive has no pip"
    assert "BP_PYTHON_RUNTIME_INDEX" in " ".join(refused.value.fix)
