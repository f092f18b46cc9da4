"""Launch layers kept in the previous image, with one-file build copies (cnb.reuse, cnb.archive)."""

import os

import pytest

from cnb import archive
from cnb.layers import CacheDecision, Layers
from cnb.reuse import How, ReusableLayer, ReuseDecision, State, same


def built(tmp_path, metadata=None):
    """A layer as a build that installed it leaves it: its folder, its TOML and its copy."""
    layer = ReusableLayer(Layers(tmp_path), "venv")
    layer.reset()
    (layer.path / "bin").mkdir()
    (layer.path / "bin" / "tool").write_text("#!/bin/sh\necho hi\n")
    (layer.path / "bin" / "tool").chmod(0o755)
    (layer.path / "bin" / "link").symlink_to("tool")
    layer.commit(metadata or {"key": "a"})
    return layer


def as_restored_by_the_lifecycle(layer):
    """What the next build finds: the launch layer's TOML (metadata only) and no folder; the copy whole."""
    archive.shutil.rmtree(layer.path)
    layer.layer.toml_path.write_text('[metadata]\nkey = "a"\n')


def decide(layer, wanted):
    restored = layer.restore()
    cache = CacheDecision.untrusted(restored.copy_problems) if restored.copy_problems else (
        CacheDecision(cached=bool(restored.copy), reasons=() if restored.copy == wanted else ("changed",)))
    return ReuseDecision.of(restored, wanted, cache)


def test_an_unchanged_layer_is_kept_with_no_folder(tmp_path):
    layer = built(tmp_path)
    as_restored_by_the_lifecycle(layer)
    decision = decide(layer, {"key": "a"})
    assert decision.how is How.KEEP and decision.summary() == "reuse: the previous image's layer (nothing restored)"
    layer.keep({"key": "a"})
    assert not layer.path.exists()
    assert "launch = true" in layer.layer.toml_path.read_text()
    assert "cache = true" in layer.copy.toml_path.read_text()


def test_without_the_previous_image_the_copy_is_unpacked_whole(tmp_path):
    layer = built(tmp_path)
    archive.shutil.rmtree(layer.path)
    layer.layer.toml_path.unlink()
    decision = decide(layer, {"key": "a"})
    assert (decision.how, decision.why_unpacked) == (How.MATERIALIZE, "the previous image does not have it")
    layer.materialize()
    assert (layer.path / "bin" / "tool").read_text() == "#!/bin/sh\necho hi\n"
    assert os.access(layer.path / "bin" / "tool", os.X_OK)
    assert os.readlink(layer.path / "bin" / "link") == "tool"


def test_a_cut_short_copy_is_not_trusted(tmp_path):
    layer = built(tmp_path)
    copy = layer.copy.path / "content.tar"
    copy.write_bytes(copy.read_bytes()[:512])
    decision = decide(layer, {"key": "a"})
    assert decision.how is How.INSTALL
    assert decision.cache.reasons == (archive.ARCHIVE_CHANGED,)


def test_a_missing_copy_means_installing_even_if_the_image_has_the_layer(tmp_path):
    layer = built(tmp_path)
    as_restored_by_the_lifecycle(layer)
    (layer.copy.path / "content.tar").unlink()
    assert decide(layer, {"key": "a"}).how is How.INSTALL


def test_changed_metadata_is_not_kept(tmp_path):
    layer = built(tmp_path)
    as_restored_by_the_lifecycle(layer)
    assert decide(layer, {"key": "b"}).how is How.INSTALL


def test_metadata_read_back_from_an_image_label_compares_equal():
    assert same({"schema": 1.0, "packages": ["a"]}, {"schema": 1, "packages": ["a"]})
    assert not same({}, {})


def test_state_unpacks_kept_layers_once_and_removes_them_only_while_unchanged(tmp_path):
    layer = built(tmp_path)
    as_restored_by_the_lifecycle(layer)
    layer.keep({"key": "a"})
    state = State(tmp_path / "reuse.json")
    state.write([layer], materialized=[])
    assert state.materialize() == [str(layer.path)]
    assert state.materialize() == []
    assert state.release() == ([str(layer.path)], [])
    assert not layer.path.exists()

    state.materialize()
    (layer.path / "bin" / "added").write_text("a later buildpack wrote this")
    assert state.release() == ([], [str(layer.path)])
    assert (layer.path / "bin" / "added").exists()


def test_a_failed_unpack_leaves_no_folder(tmp_path):
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar" * 100)
    with pytest.raises(archive.ArchiveError):
        archive.unpack(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_copy_the_restorer_skipped_is_reported_missing(tmp_path):
    layer = built(tmp_path)
    archive.shutil.rmtree(layer.copy.path)
    assert decide(layer, {"key": "a"}).cache.reasons == (archive.NO_ARCHIVE,)


def test_unpacking_a_kept_layer_keeps_its_metadata(tmp_path):
    layer = built(tmp_path)
    as_restored_by_the_lifecycle(layer)
    layer.keep({"key": "a"})
    layer.materialize()
    assert layer.layer.toml_path.is_file() and (layer.path / "bin" / "tool").is_file()


def test_read_only_copies_are_unpacked_outside_the_layer_unless_it_is_unpacked(tmp_path):
    layer = built(tmp_path / "layers")
    as_restored_by_the_lifecycle(layer)
    layer.keep({"key": "a"})
    state = State(tmp_path / "reuse.json")
    state.write([layer], materialized=[])
    copies = state.read_only_copies(tmp_path / "scratch")
    assert copies == {"venv": tmp_path / "scratch" / "venv"} and (copies["venv"] / "bin" / "tool").is_file()
    assert not layer.path.exists()
    state.materialize()
    assert state.read_only_copies(tmp_path / "scratch2") == {"venv": layer.path}


def test_an_unpack_can_leave_out_members_and_the_folders_only_they_were_in(tmp_path):
    source = tmp_path / "source"
    (source / "pkg" / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    (source / "pkg" / "locale" / "de" / "LC_MESSAGES" / "pkg.mo").write_text("catalog")
    (source / "pkg" / "locale" / "de" / "formats.py").write_text("")
    (source / "pkg" / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (source / "pkg" / "locale" / "fr" / "LC_MESSAGES" / "pkg.mo").write_text("catalog")
    (source / "pkg" / "empty").mkdir()
    (source / "pkg" / "__init__.py").write_text("")
    tar = tmp_path / "content.tar"
    archive.pack(source, tar)
    archive.unpack_all([(tar, tmp_path / "out")], leave_out=lambda name: "LC_MESSAGES" in name)
    left = sorted(str(path.relative_to(tmp_path / "out")) for path in (tmp_path / "out").rglob("*"))
    assert left == ["pkg", "pkg/__init__.py", "pkg/empty", "pkg/locale", "pkg/locale/de", "pkg/locale/de/formats.py"]


def test_unpacking_in_parallel_gives_back_every_file_link_and_mode(tmp_path):
    source = tmp_path / "source"
    for index in range(300):
        folder = source / f"pkg{index % 7}" / "__pycache__"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{index}.pyc").write_bytes(bytes([index % 256]) * index)
    (source / "bin").mkdir()
    (source / "bin" / "run").write_text("#!/bin/sh\n")
    (source / "bin" / "run").chmod(0o750)
    (source / "bin" / "link").symlink_to("run")
    os.link(source / "bin" / "run", source / "bin" / "hard")
    (source / "-dash name\nwith newline").write_text("odd")
    tar = tmp_path / "content.tar"
    archive.pack(source, tar)
    archive.unpack(tar, tmp_path / "out")

    def tree(root):
        return sorted((str(path.relative_to(root)), path.is_symlink() or path.read_bytes() if path.is_file() else None,
                       path.lstat().st_mode) for path in root.rglob("*"))

    assert tree(tmp_path / "out") == tree(source)
    assert os.stat(tmp_path / "out" / "bin" / "hard").st_ino == os.stat(tmp_path / "out" / "bin" / "run").st_ino


def test_a_published_kept_layer_is_unpacked_in_place_by_a_later_step_and_released_unchanged(tmp_path):
    from cnb.reuse import PUBLISHED_ENV_VAR, materialize_published, publish, release_published

    layer = built(tmp_path / "apt")
    as_restored_by_the_lifecycle(layer)
    build_env = Layers(tmp_path / "apt").get("apt-env")
    build_env.reset()
    State(build_env.path / "reuse.json").write([layer], materialized=[])
    publish(build_env, build_env.path / "reuse.json")
    assert (build_env.path / "env.build" / f"{PUBLISHED_ENV_VAR}.append").read_text() == str(build_env.path / "reuse.json")
    assert (build_env.path / "env.build" / f"{PUBLISHED_ENV_VAR}.delim").read_text() == ":"

    env = {PUBLISHED_ENV_VAR: f"{build_env.path / 'reuse.json'}:"}
    assert materialize_published(env) == [str(layer.path)]
    assert os.access(layer.path / "bin" / "tool", os.X_OK) and (layer.path / "bin" / "link").readlink().name == "tool"
    assert materialize_published(env) == []  # once
    assert release_published(env) == ([str(layer.path)], [])
    assert not layer.path.exists()
    assert materialize_published({}) == [] and release_published({}) == ([], [])
