"""The staged Apt buildpack run as the lifecycle runs it, in the build image, against Debian's real mirror."""

import re
import tomllib

import pytest

from pycnb_tools.stacks import TRIXIE
from support.lifecycle import BUILD_UID, run_phase

pytestmark = pytest.mark.docker

PLAN_ENTRY = '[[entries]]\nname = "apt"\n[entries.metadata]\npackages = ["libmagic1"]\n'


def make_app(tmp_path, aptfile=None):
    app = tmp_path / "app"
    app.mkdir()
    if aptfile is not None:
        (app / "Aptfile").write_text(aptfile)
    return app


def test_detect_provides_apt_and_requires_it_only_with_an_aptfile(docker_client, builder_image, tmp_path):
    app = make_app(tmp_path, "libmagic1\n")
    with_file = run_phase(docker_client, "apt", "detect", app, tmp_path / "with")
    assert (with_file.exit_code, with_file.output) == (0, "")
    assert tomllib.loads((tmp_path / "with/plan/plan.toml").read_text()) == {"provides": [{"name": "apt"}], "requires": [{"name": "apt"}]}
    (app / "Aptfile").unlink()
    without = run_phase(docker_client, "apt", "detect", app, tmp_path / "without")
    assert without.exit_code == 0
    assert tomllib.loads((tmp_path / "without/plan/plan.toml").read_text()) == {"provides": [{"name": "apt"}]}


@pytest.fixture(scope="module")
def built(docker_client, builder_image, tmp_path_factory):
    """The Aptfile's libmagic1 (a virtual name trixie's libmagic1t64 provides), built twice in one layers folder."""
    tmp = tmp_path_factory.mktemp("apt-contract")
    app = make_app(tmp, "# python-magic loads it\nlibmagic1\n")
    first = run_phase(docker_client, "apt", "build", app, tmp / "work", network="host")
    second = run_phase(docker_client, "apt", "build", app, tmp / "work", network="host")
    return first, second


def test_build_unpacks_the_package_and_its_dependencies_the_run_image_lacks(built):
    first, _ = built
    assert first.exit_code == 0, first.output
    assert "Run image record     recorded by the stack" in first.output
    assert "libmagic1t64 1:5.46-5" in first.output and "libmagic-mgc" in first.output
    assert "Installed 2 packages" in first.output  # libc6, zlib1g, libbz2-1.0, liblzma5: the run image has them
    layer = first.layers / "pycnb_apt" / "apt"
    assert (layer / "usr/lib/x86_64-linux-gnu/libmagic.so.1").exists()
    assert not (layer / "usr/share/doc").exists()
    assert (layer / "env/LD_LIBRARY_PATH.prepend").read_text() == ("/layers/pycnb_apt/apt/usr/lib/x86_64-linux-gnu:"
                                                                   "/layers/pycnb_apt/apt/usr/lib")
    assert (layer / "env/MAGIC.default").read_text() == "/layers/pycnb_apt/apt/usr/lib/file/magic.mgc"
    # Launch-only, kept from the previous image (cnb.reuse), with a one-file copy in the cache; later
    # buildpacks get its build-time env from apt-env.
    def types(name):
        return tomllib.loads((first.layers / "pycnb_apt" / f"{name}.toml").read_text())["types"]
    assert types("apt") == {"build": False, "launch": True, "cache": False}
    assert types("apt-copy") == {"build": False, "launch": False, "cache": True}
    assert [path.name for path in (first.layers / "pycnb_apt" / "apt-copy").iterdir()] == ["content.tar"]
    assert types("apt-env") == {"build": True, "launch": False, "cache": False}
    assert (first.layers / "pycnb_apt/apt-env/env.build/LD_LIBRARY_PATH.prepend").read_text() == (
        "/layers/pycnb_apt/apt/usr/lib/x86_64-linux-gnu:/layers/pycnb_apt/apt/usr/lib")


def test_a_rebuild_with_no_change_reuses_the_layer_without_downloading(built):
    _, second = built
    assert second.exit_code == 0, second.output
    assert "Package cache        reuse" in second.output
    assert "- Using cached Debian packages" in second.output
    assert "Downloading" not in second.output


def test_a_dev_link_to_a_library_the_run_image_has_points_at_the_image_file(docker_client, builder_image, tmp_path):
    result = run_phase(docker_client, "apt", "build", make_app(tmp_path, "libjpeg-dev\n"), tmp_path / "work", network="host")
    assert result.exit_code == 0, result.output
    link = "usr/lib/x86_64-linux-gnu/libjpeg.so"
    assert f"Linked {link} -> /{link}.62 (the run image has the library itself)" in result.output
    layer = result.layers / "pycnb_apt" / "apt"
    assert (layer / link).readlink().as_posix() == f"/{link}.62"
    assert not list(layer.rglob("libjpeg.so.62*"))  # libjpeg62-turbo: the run image has it


def test_packages_asked_for_through_the_build_plan_are_installed(docker_client, builder_image, tmp_path):
    result = run_phase(docker_client, "apt", "build", make_app(tmp_path), tmp_path / "work", buildpack_plan=PLAN_ENTRY, network="host")
    assert result.exit_code == 0, result.output
    assert "Asked by buildpacks  libmagic1" in result.output
    assert "libmagic1t64 1:5.46-5 (178.4 KiB; the build plan, for libmagic1)" in result.output


def test_an_unknown_package_fails_with_its_line_and_no_apt_layer(docker_client, builder_image, tmp_path):
    result = run_phase(docker_client, "apt", "build", make_app(tmp_path, "libmagic1\nlibmagick1\n"), tmp_path / "work", network="host")
    assert result.exit_code == 1
    assert "! ERROR: No package libmagick1 in Debian trixie" in result.output
    assert "Aptfile, line 2" in result.output and "Traceback" not in result.output
    assert not (result.layers / "pycnb_apt" / "apt.toml").exists()


FIND_LIBRARY_PLAN = PLAN_ENTRY + 'find_library = ["magic"]\n'
LAYER = "/layers/pycnb_apt/apt"
LIBRARIES = f"{LAYER}/usr/lib/x86_64-linux-gnu"
# What CPython's ctypes.util.find_library runs on Linux when ldconfig's cache has no such library:
# gcc (build image only), then `ld -t -L<LD_LIBRARY_PATH> -lNAME` and `objdump -p` for the SONAME.
FIND = """
import ctypes, ctypes.util, sys
print("find_library", ctypes.util.find_library("magic"))
print("ld_route", ctypes.util._get_soname(ctypes.util._findLib_ld("magic")))
ctypes.CDLL(ctypes.util.find_library("magic")).magic_version.restype = ctypes.c_int
print("version", ctypes.CDLL(ctypes.util.find_library("magic")).magic_version())
"""


@pytest.fixture(scope="module")
def with_find_library(docker_client, builder_image, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("apt-find-library")
    result = run_phase(docker_client, "apt", "build", make_app(tmp), tmp / "work", buildpack_plan=FIND_LIBRARY_PLAN, network="host")
    assert result.exit_code == 0, result.output
    return result


def test_find_library_in_the_plan_installs_binutils_and_links_the_library(with_find_library):
    output = with_find_library.output
    assert "find_library sees    magic" in output
    assert re.search(r"\n  binutils 2\.\S+ \([^;]+; the build plan\)", output), output
    assert "Linked libmagic.so -> libmagic.so.1 (for ctypes.util.find_library" in output
    libraries = with_find_library.layers / "pycnb_apt/apt/usr/lib/x86_64-linux-gnu"
    assert (libraries / "libmagic.so").readlink().as_posix() == "libmagic.so.1"
    metadata = tomllib.loads((with_find_library.layers / "pycnb_apt/apt.toml").read_text())["metadata"]
    assert metadata["find_library"] == ["magic"] and "binutils" in metadata["packages"]


def test_find_library_finds_the_layer_library_with_no_settings(docker_client, with_find_library):
    """Python's own find_library, in the build image (its gcc, then the layer's ld), with the env the layer sets."""
    env = {"PATH": f"{LAYER}/usr/bin:/usr/bin:/bin", "LD_LIBRARY_PATH": f"{LIBRARIES}:{LAYER}/usr/lib", "LIBRARY_PATH": LIBRARIES}
    output = docker_client.containers.run(TRIXIE.build_image, ["python3", "-c", FIND], environment=env, user=f"{BUILD_UID}:{BUILD_UID}",
                                          volumes={str(with_find_library.layers): {"bind": "/layers", "mode": "ro"}},
                                          network_mode="none", remove=True).decode()
    assert "find_library libmagic.so.1" in output and "ld_route libmagic.so.1" in output
    assert "version 546" in output


def test_the_layer_ld_and_objdump_work_in_the_run_image(docker_client, with_find_library):
    """At launch there is no gcc: find_library's answer comes from the layer's ld and objdump, run in the run image."""
    env = {"PATH": f"{LAYER}/usr/bin:/usr/bin:/bin", "LD_LIBRARY_PATH": f"{LIBRARIES}:{LAYER}/usr/lib"}
    script = (f"command -v gcc cc; ld -t -L {LIBRARIES} -o /dev/null -lmagic 2>/dev/null; "
              f"objdump -p -j .dynamic {LIBRARIES}/libmagic.so 2>/dev/null; true")
    output = docker_client.containers.run(TRIXIE.run_image, ["sh", "-c", script], environment=env, user=f"{BUILD_UID}:{BUILD_UID}",
                                          volumes={str(with_find_library.layers): {"bind": "/layers", "mode": "ro"}},
                                          network_mode="none", remove=True).decode()
    assert f"{LIBRARIES}/libmagic.so" in output
    assert "SONAME               libmagic.so.1" in output
    assert "/usr/bin/gcc" not in output


GLIBC_POOL = "http://deb.debian.org/debian/pool/main/g/glibc"


@pytest.fixture(scope="module")
def run_image_record(docker_client, builder_image, tmp_path_factory):
    """The run image's record as the stack copies it into the build image: dpkg status and libc6's file list."""
    from pycnb_tools.stacks import TRIXIE

    from apt_buildpack import run_image

    folder = tmp_path_factory.mktemp("run-image-record")
    for name in (run_image.STATUS_FILE, run_image.LIBC_FILES):
        data = docker_client.containers.run(TRIXIE.build_image, ["cat", str(run_image.RECORD_DIR / name)], remove=True, network_mode="none")
        (folder / name).write_bytes(data)
    return run_image.load(folder)


def glibc_deb(folder, package: str, version: str, arch: str):
    import urllib.request

    path = folder / f"{package}_{arch}.deb"
    with urllib.request.urlopen(f"{GLIBC_POOL}/{package}_{version}_{arch}.deb", timeout=60) as response:
        path.write_bytes(response.read())
    return path


def test_a_package_holding_a_file_of_the_run_image_libc_is_found_in_real_debian_packages(run_image_record, tmp_path):
    """Debian's real glibc packages at the run image's version. libc6-amd64 (i386's 64-bit libc, a package not
    named libc6) holds /usr/lib64/ld-linux-x86-64.so.2, the program loader of every binary in the run image;
    libc6 holds every file of it; libc6-dev (libc.so, a linker script beside libc.so.6) holds none."""
    from apt_buildpack import messages, run_image, unpack

    version = run_image_record.installed.packages["libc6"].version
    amd64 = run_image.libc_clash(unpack.paths(glibc_deb(tmp_path, "libc6-amd64", version, "i386"), "libc6-amd64"),
                                 run_image_record.libc_files)
    assert amd64 == ["usr/lib64/ld-linux-x86-64.so.2"]
    error = messages.replaces_libc(2, "libc6-amd64", "libc6-amd64",
                                   f"libc6-amd64 (Aptfile, line 2) holds /{amd64[0]}, a file of the run image's libc6.")
    assert error.title == "libc6-amd64 would replace the run image's C library"
    assert "holds /usr/lib64/ld-linux-x86-64.so.2" in error.details and "Aptfile, line 2" in error.details
    libc6 = run_image.libc_clash(unpack.paths(glibc_deb(tmp_path, "libc6", version, "amd64"), "libc6"), run_image_record.libc_files)
    assert {"usr/lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            "usr/lib64/ld-linux-x86-64.so.2"} <= set(libc6)
    dev = unpack.paths(glibc_deb(tmp_path, "libc6-dev", version, "amd64"), "libc6-dev")
    assert "usr/lib/x86_64-linux-gnu/libc.so" in dev
    assert run_image.libc_clash(dev, run_image_record.libc_files) == []
