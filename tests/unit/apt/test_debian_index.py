"""Debian's control files, read from a real excerpt of trixie's Packages index, dpkg status and InRelease."""

from __future__ import annotations

from pathlib import Path

from apt_buildpack import debian_index, run_image

DATA = Path(__file__).parent / "data"
PACKAGES = (DATA / "Packages-trixie-excerpt").read_text()
STATUS = (DATA / "dpkg-status-run-excerpt").read_text()


def test_a_package_stanza_gives_its_file_hash_size_dependencies_and_provides():
    index = debian_index.parse_packages(PACKAGES)
    magic = index.packages["libmagic1t64"]
    assert magic.version == "1:5.46-5"
    assert magic.filename == "pool/main/f/file/libmagic1t64_5.46-5_amd64.deb"
    assert magic.sha256 == "53f653873216b135570b42c423ea93825c008ac464780b4578e80ee424237a4e"
    assert magic.size == 109312
    assert magic.depends == (("libbz2-1.0",), ("libc6",), ("liblzma5",), ("zlib1g",), ("libmagic-mgc",))
    assert magic.provides == ("libmagic1",)
    assert index.providers["libmagic1"] == ["libmagic1t64"]
    assert index.knows("libmagic1") and index.knows("file") and not index.knows("libmagic")


def test_alternatives_pre_depends_and_qualifiers():
    assert debian_index.relations("curl | wget, python3:any (>= 3.11), libfoo [amd64] | libbar") == (
        ("curl", "wget"), ("python3",), ("libfoo", "libbar"))
    index = debian_index.parse_packages(PACKAGES)
    assert index.packages["alpine-chroot-install"].depends[0] == ("curl", "wget")
    # libc6 has no Pre-Depends in trixie, but Depends: libgcc-s1; Essential packages are flagged.
    assert index.packages["libc6"].depends == (("libgcc-s1",),)
    assert index.packages["libc6"].priority == "optional" or index.packages["libc6"].priority == "required"


def test_dpkg_status_keeps_only_installed_packages():
    installed = debian_index.parse_status(STATUS)
    assert set(installed.packages) == {"libc6", "libgcc-s1", "gcc-14-base", "zlib1g", "libbz2-1.0", "liblzma5"}


def test_inrelease_lists_each_index_with_its_sha256_and_size():
    text = (DATA / "InRelease-trixie-excerpt").read_text()
    files = debian_index.release_sha256(text)
    listed = files["main/binary-amd64/Packages.xz"]
    assert (listed.sha256, listed.size) == ("be3d7d96a040eda0505c1808cccc67f183bbc05dff0842c50f88e6c396557412", 9679304)
    assert debian_index.release_field(text, "Codename") == "trixie"


def test_continuation_lines_and_broken_stanzas_do_not_raise():
    stanzas = list(debian_index.stanzas("Package: a\nDescription: x\n more\n\n\n continuation-without-field\nno colon\n\nPackage: b\n"))
    assert stanzas[0]["Description"] == "x\nmore"
    assert [s.get("Package") for s in stanzas if "Package" in s] == ["a", "b"]
    assert debian_index.parse_packages("Version: 1\n\nPackage: x\nSize: lots\n").packages["x"].size == 0


def test_run_image_record_normalises_usrmerge_and_leaves_folders_out(tmp_path):
    (tmp_path / run_image.STATUS_FILE).write_text(STATUS)
    (tmp_path / run_image.LIBC_FILES).write_text("/.\n/lib64\n/lib64/ld-linux-x86-64.so.2\n/usr/lib/x86_64-linux-gnu\n"
                                                 "/usr/lib/x86_64-linux-gnu/libc.so.6\n/lib/x86_64-linux-gnu/libm.so.6\n")
    record = run_image.load(tmp_path)
    assert record.recorded and "libc6" in record.installed.packages
    assert record.libc_files == {"usr/lib64/ld-linux-x86-64.so.2", "usr/lib/x86_64-linux-gnu/libc.so.6",
                                 "usr/lib/x86_64-linux-gnu/libm.so.6"}
    assert run_image.normalise("./lib/x86_64-linux-gnu/libm.so.6") == "usr/lib/x86_64-linux-gnu/libm.so.6"
    assert not run_image.load(tmp_path / "missing").recorded


def test_required_packages_and_their_dependencies_stand_in_for_a_missing_record():
    index = debian_index.parse_packages(PACKAGES + "\nPackage: libc-bin\nVersion: 2.41\nEssential: yes\nPriority: required\n"
                                        "Depends: libc6 (>> 2.41)\n")
    required = run_image.required_packages(index)
    assert {"libc-bin", "libc6", "libgcc-s1", "gcc-14-base"} <= set(required.packages)
    assert "libmagic1t64" not in required.packages
