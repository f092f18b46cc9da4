"""Build-only caches kept as one archive: unpacked only when asked for, archived again, or declared unchanged."""

import tomllib

from cnb import archive
from cnb.layers import Layers
from cnb.one_file_cache import OneFileCaches


def caches(tmp_path) -> OneFileCaches:
    return OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch")


def layer_toml(tmp_path, name: str) -> dict:
    return tomllib.loads((tmp_path / "layers" / f"{name}.toml").read_text())


def test_an_opened_cache_is_archived_as_one_file_and_unpacked_by_the_next_build(tmp_path):
    first = caches(tmp_path)
    folder, cached = first.open("pip-cache")
    assert not cached and folder.is_dir() and not folder.is_relative_to(tmp_path / "layers")
    (folder / "http-v2" / "a").mkdir(parents=True)
    (folder / "http-v2" / "a" / "wheel").write_bytes(b"wheel")
    first.close()
    assert [path.name for path in (tmp_path / "layers" / "pip-cache").iterdir()] == [archive.ARCHIVE_NAME]
    assert layer_toml(tmp_path, "pip-cache")["types"] == {"build": False, "launch": False, "cache": True}

    second = caches(tmp_path)
    (tmp_path / "scratch").rename(tmp_path / "gone")  # a new build container
    folder, cached = second.open("pip-cache")
    assert cached and (folder / "http-v2" / "a" / "wheel").read_bytes() == b"wheel"


def test_a_cache_no_step_opens_is_declared_again_unchanged_and_never_unpacked(tmp_path):
    first = caches(tmp_path)
    (first.open("pip-cache")[0] / "file").write_text("x")
    first.close()
    before = (tmp_path / "layers" / "pip-cache" / archive.ARCHIVE_NAME).stat().st_mtime_ns

    second = OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch-2")
    second.close()
    assert not (tmp_path / "scratch-2").exists()
    assert (tmp_path / "layers" / "pip-cache" / archive.ARCHIVE_NAME).stat().st_mtime_ns == before
    assert layer_toml(tmp_path, "pip-cache")["types"]["cache"] is True
    assert not (tmp_path / "layers" / "tool.toml").exists()  # never made: nothing to declare


def test_a_cache_opened_and_left_as_it_was_is_declared_again_not_archived_again(tmp_path):
    first = caches(tmp_path)
    (first.open("tool", {"version": "1"})[0] / "bin").mkdir()
    first.close()
    archived = tmp_path / "layers" / "tool" / archive.ARCHIVE_NAME
    before = archived.stat().st_mtime_ns

    ran_only = OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch-2")
    assert ran_only.open("tool", {"version": "1"})[1]  # a build that only runs the tool
    ran_only.close()
    assert archived.stat().st_mtime_ns == before
    assert layer_toml(tmp_path, "tool")["metadata"]["version"] == "1"

    changed = OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch-3")
    (changed.open("tool", {"version": "1"})[0] / "bin" / "new").write_text("x")
    changed.close()
    assert archived.stat().st_mtime_ns != before
    fresh = OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch-4")
    assert (fresh.open("tool", {"version": "1"})[0] / "bin" / "new").read_text() == "x"


def test_a_tool_cached_for_other_pins_or_a_damaged_archive_starts_empty(tmp_path):
    first = caches(tmp_path)
    folder, cached = first.open("tool", {"version": "1"})
    (folder / "bin").mkdir()
    first.close()
    assert layer_toml(tmp_path, "tool")["metadata"]["version"] == "1"

    assert caches(tmp_path).open("tool", {"version": "1"})[1]
    folder, cached = caches(tmp_path).open("tool", {"version": "2"})
    assert not cached and not any(folder.iterdir())

    with (tmp_path / "layers" / "tool" / archive.ARCHIVE_NAME).open("ab") as file:
        file.write(b"cut")
    folder, cached = caches(tmp_path).open("tool", {"version": "1"})
    assert not cached and not any(folder.iterdir())


def test_a_cache_of_the_old_shape_file_by_file_is_replaced(tmp_path):
    old = tmp_path / "layers" / "pip-cache"
    (old / "http-v2").mkdir(parents=True)
    (old / "http-v2" / "entry").write_text("old")
    (tmp_path / "layers" / "pip-cache.toml").write_text("[types]\ncache = true\n")
    new = caches(tmp_path)
    folder, cached = new.open("pip-cache")
    assert not cached
    new.close()
    assert [path.name for path in old.iterdir()] == [archive.ARCHIVE_NAME]


def test_a_cache_an_installer_links_from_is_unpacked_beside_the_layers_and_gone_once_archived(tmp_path):
    first = OneFileCaches(Layers(tmp_path / "layers"), ("uv-cache",), scratch=tmp_path / "scratch", linked_from=frozenset({"uv-cache"}))
    folder, cached = first.open("uv-cache")
    assert not cached and folder.parent == tmp_path / "layers" and folder.name == ".uv-cache.unpacked"
    (folder / "archive-v0").mkdir()
    (folder / "archive-v0" / "module.py").write_text("x = 1\n")
    installed = tmp_path / "layers" / "venv" / "module.py"
    installed.parent.mkdir()
    installed.hardlink_to(folder / "archive-v0" / "module.py")  # what uv does with UV_LINK_MODE=hardlink
    first.close()
    assert not folder.exists() and installed.read_text() == "x = 1\n"
    assert sorted(path.name for path in (tmp_path / "layers").iterdir()) == ["uv-cache", "uv-cache.toml", "venv"]

    second = OneFileCaches(Layers(tmp_path / "layers"), ("uv-cache",), scratch=tmp_path / "scratch", linked_from=frozenset({"uv-cache"}))
    folder, cached = second.open("uv-cache")
    assert cached and (folder / "archive-v0" / "module.py").read_text() == "x = 1\n"


def test_a_compressed_cache_is_kept_gzipped_and_unpacked_whole_with_its_links_and_modes(tmp_path):
    def compressed_caches(scratch: str) -> OneFileCaches:
        return OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / scratch,
                             compressed=frozenset({"tool"}))

    first = compressed_caches("scratch")
    folder, _ = first.open("tool", {"version": "1"})
    (folder / "bin").mkdir()
    (folder / "bin" / "tool").write_text("#!/bin/sh\n" + "echo a tool's environment compresses well\n" * 2000)
    (folder / "bin" / "tool").chmod(0o755)
    (folder / "bin" / "tool3").symlink_to("tool")
    (folder / "bin" / "tool-again").hardlink_to(folder / "bin" / "tool")
    (first.open("pip-cache")[0] / "wheel").write_bytes(b"wheel")
    first.close()
    kept = tmp_path / "layers" / "tool" / archive.ARCHIVE_NAME
    assert kept.read_bytes()[:2] == b"\x1f\x8b" and kept.stat().st_size < 4000
    tool_layer = Layers(tmp_path / "layers").get("tool")
    assert archive.problems(tool_layer, tool_layer.metadata()) == ()
    assert (tmp_path / "layers" / "pip-cache" / archive.ARCHIVE_NAME).read_bytes()[:2] != b"\x1f\x8b"  # wheels: not compressed

    second = compressed_caches("scratch-2")
    folder, cached = second.open("tool", {"version": "1"})
    assert cached
    assert (folder / "bin" / "tool").stat().st_mode & 0o777 == 0o755
    assert (folder / "bin" / "tool3").readlink().name == "tool"
    assert (folder / "bin" / "tool-again").stat().st_ino == (folder / "bin" / "tool").stat().st_ino
    second.close()
    assert kept.read_bytes()[:2] == b"\x1f\x8b"  # unchanged: declared again, not archived again


def test_a_damaged_compressed_archive_leaves_nothing_half_unpacked(tmp_path):
    folder = tmp_path / "tool"
    (folder / "lib").mkdir(parents=True)
    for index in range(200):
        (folder / "lib" / f"module{index}.py").write_text(f"VALUE = {index}\n" * 50)
    packed = tmp_path / archive.ARCHIVE_NAME
    archive.pack(folder, packed, compress=True)
    packed.write_bytes(packed.read_bytes()[: packed.stat().st_size // 2])
    target = tmp_path / "unpacked"
    try:
        archive.unpack(packed, target)
    except archive.ArchiveError:
        pass
    else:
        raise AssertionError("a cut-short archive unpacked")
    assert not target.exists()


def test_every_changed_cache_is_archived_side_by_side_and_a_compressed_one_stays_compressed(tmp_path):
    first = OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch",
                          compressed=frozenset({"tool"}))
    (first.open("pip-cache")[0] / "wheel").write_bytes(b"w" * 100_000)
    (first.open("tool", {"version": "2"})[0] / "module.py").write_text("VALUE = 1\n" * 1000)
    first.close()
    assert (tmp_path / "layers" / "tool" / archive.ARCHIVE_NAME).read_bytes()[:2] == b"\x1f\x8b"

    second = OneFileCaches(Layers(tmp_path / "layers"), ("pip-cache", "tool"), scratch=tmp_path / "scratch-2",
                           compressed=frozenset({"tool"}))
    assert (second.open("pip-cache")[0] / "wheel").read_bytes() == b"w" * 100_000
    folder, cached = second.open("tool", {"version": "2"})
    assert cached and (folder / "module.py").read_text() == "VALUE = 1\n" * 1000
