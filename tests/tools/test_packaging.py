"""What the tooling ships: the lifecycle tarball layout, self-contained buildpacks, the runtime index."""

import json
import tarfile

import pytest

from pycnb_tools import packaging, runtimes, toolchain
from pycnb_tools.errors import StepError


def test_lifecycle_tarball_layout(tmp_path):
    (tmp_path / "lifecycle").write_bytes(b"binary")
    (tmp_path / "launcher").write_bytes(b"binary")
    tarball = tmp_path / "lifecycle.tgz"
    toolchain._write_lifecycle_tarball(tmp_path, tarball, {"lifecycle.sbom.cdx.json": b"{}"})
    with tarfile.open(tarball) as archive:
        members = {member.name: member for member in archive.getmembers()}
        descriptor = archive.extractfile("lifecycle.toml").read().decode()
    assert members["lifecycle/lifecycle"].mode == 0o755 and members["lifecycle/launcher"].mode == 0o755
    assert members["lifecycle/lifecycle.sbom.cdx.json"].mode == 0o644
    for phase in toolchain.LIFECYCLE_PHASES:
        assert members[f"lifecycle/{phase}"].issym() and members[f"lifecycle/{phase}"].linkname == "lifecycle"
    assert f'version = "{toolchain.LIFECYCLE_VERSION}"' in descriptor
    assert 'supported = ["0.7", "0.8", "0.9", "0.10", "0.11", "0.12"]' in descriptor


def test_a_link_out_of_the_buildpack_is_refused(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "shared").symlink_to("/etc")
    with pytest.raises(StepError) as raised:
        packaging._check_links(tmp_path)
    assert "links outside the buildpack" in raised.value.problem


def test_index_entries_are_relative_and_checksummed(tmp_path, monkeypatch):
    monkeypatch.setenv("PYCNB_CACHE_DIR", str(tmp_path))
    archive = runtimes.runtimes_dir() / runtimes.archive_name("3.13.15", runtimes.Target())
    archive.write_bytes(b"python")
    index = json.loads(runtimes.write_index([archive]).read_text())
    assert index["schema_version"] == 1
    assert index["runtimes"] == [{
        "version": "3.13.15", "os": "linux", "arch": "amd64", "distro": {"name": "debian", "version": "13"},
        "url": "cpython-3.13.15-linux-amd64-debian-13-install_only.tar.gz",
        "sha256": "11a4a60b518bf24989d481468076e5d5982884626aed9faeb35b8576fcd223e1", "size": 6,
    }]


def test_the_builder_carries_only_the_runtimes_the_index_lists(tmp_path, monkeypatch):
    monkeypatch.setenv("PYCNB_CACHE_DIR", str(tmp_path / "cache"))
    listed = runtimes.runtimes_dir() / runtimes.archive_name("3.13.15", runtimes.Target())
    dropped = runtimes.runtimes_dir() / runtimes.archive_name("3.12.1", runtimes.Target())
    for archive in (listed, dropped):
        archive.write_bytes(b"python")
    listed.with_suffix(".lock").touch()
    runtimes.write_index([listed])
    packaging._copy_runtime_index(runtimes.runtimes_dir(), tmp_path / "staged")
    assert sorted(path.name for path in (tmp_path / "staged").iterdir()) == ["cpython-3.13.15-linux-amd64-debian-13-install_only.tar.gz",
                                                                             "index.json"]


def test_staging_is_skipped_when_nothing_it_is_made_from_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(packaging, "STAGED_BUILDPACKS", tmp_path / "staged")
    monkeypatch.setattr(packaging, "_vendored_libraries", lambda: tmp_path / "vendor")
    (tmp_path / "vendor").mkdir()
    first = packaging.stage("procfile")
    marker = first / "marker"
    marker.write_text("left by the first staging")
    assert packaging.stage("procfile") == first and marker.exists()
    (tmp_path / "vendor").rename(tmp_path / "vendor-2")
    monkeypatch.setattr(packaging, "_vendored_libraries", lambda: tmp_path / "vendor-2")
    packaging.stage("procfile")
    assert not marker.exists() and (first / "buildpack.toml").is_file()
