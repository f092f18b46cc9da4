"""Unpacking a real .deb (made with dpkg-deb, as Debian's are) into a layer, without root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from apt_buildpack import unpack


def make_deb(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text("Package: libdemo1\nVersion: 1.0\nArchitecture: amd64\n"
                                             "Maintainer: t <t@example.com>\nDescription: demo\n")
    libraries = root / "usr/lib/x86_64-linux-gnu"
    libraries.mkdir(parents=True)
    (libraries / "libdemo.so.1.0.0").write_bytes(b"\x7fELF demo")
    (libraries / "libdemo.so.1").symlink_to("libdemo.so.1.0.0")
    (libraries / "libdemo.so").symlink_to("/usr/lib/x86_64-linux-gnu/libdemo.so.1")  # absolute, as some -dev packages ship
    (libraries / "pkgconfig").mkdir()
    (libraries / "pkgconfig/demo.pc").write_text("prefix=/usr\nlibdir=${prefix}/lib/x86_64-linux-gnu\n")
    (root / "usr/share/doc/libdemo1").mkdir(parents=True)
    (root / "usr/share/doc/libdemo1/copyright").write_text("MIT\n")
    deb = tmp_path / "libdemo1_1.0_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)], check=True, capture_output=True)
    return deb


def test_paths_are_normalised_and_folders_left_out(tmp_path):
    paths = unpack.paths(make_deb(tmp_path), "libdemo1")
    assert "usr/lib/x86_64-linux-gnu/libdemo.so.1.0.0" in paths and "usr/lib/x86_64-linux-gnu" not in paths


def test_unpack_leaves_documentation_out_and_relocate_points_links_and_pc_files_at_the_layer(tmp_path):
    layer = tmp_path / "layer"
    unpacked = unpack.unpack(make_deb(tmp_path), "libdemo1", layer)
    assert unpacked.files == 2 and not (layer / "usr/share/doc").exists()
    unpack.relocate(layer)
    libraries = layer / "usr/lib/x86_64-linux-gnu"
    assert os.readlink(libraries / "libdemo.so") == "libdemo.so.1"
    assert (libraries / "libdemo.so").read_bytes() == b"\x7fELF demo"
    assert (libraries / "pkgconfig/demo.pc").read_text().startswith(f"prefix={layer}/usr\n")


def test_a_link_to_a_library_the_run_image_has_points_at_the_image_file(tmp_path):
    layer, system = tmp_path / "layer", tmp_path / "system"
    (layer / "usr/lib/x86_64-linux-gnu").mkdir(parents=True)
    (system / "usr/lib/x86_64-linux-gnu").mkdir(parents=True)
    (system / "usr/lib/x86_64-linux-gnu/libjpeg.so.62").write_bytes(b"\x7fELF")
    (layer / "usr/lib/x86_64-linux-gnu/libjpeg.so").symlink_to("libjpeg.so.62")  # as libjpeg62-turbo-dev ships it
    (layer / "usr/lib/x86_64-linux-gnu/libother.so").symlink_to("libother.so.2")  # in neither: left as it is
    assert unpack.relocate(layer, system) == ["usr/lib/x86_64-linux-gnu/libjpeg.so -> /usr/lib/x86_64-linux-gnu/libjpeg.so.62"]
    assert os.readlink(layer / "usr/lib/x86_64-linux-gnu/libjpeg.so") == "/usr/lib/x86_64-linux-gnu/libjpeg.so.62"
    assert os.readlink(layer / "usr/lib/x86_64-linux-gnu/libother.so") == "libother.so.2"
