import tomllib

import pytest

from cnb import layers as layers_module
from cnb.layers import Layers


def test_commit_writes_types_and_metadata(tmp_path):
    layer = Layers(tmp_path).get("python")
    layer.reset()
    layer.commit(build=True, launch=True, cache=False, metadata={"version": "3.13.15"})
    document = tomllib.loads((tmp_path / "python.toml").read_text())
    assert document == {"types": {"build": True, "launch": True, "cache": False}, "metadata": {"version": "3.13.15"}}
    assert layer.metadata() == {"version": "3.13.15"}


def test_reset_removes_metadata_before_content_so_a_cut_short_layer_is_not_trusted(tmp_path):
    layer = Layers(tmp_path).get("venv")
    layer.reset()
    (layer.path / "file").write_text("x")
    layer.commit(cache=True, metadata={"key": "a"})
    layer.reset()
    assert layer.metadata() == {}
    assert list(layer.path.iterdir()) == []


def test_metadata_without_layer_folder_is_not_trusted(tmp_path):
    (tmp_path / "venv.toml").write_text('[metadata]\nkey = "a"\n')
    assert Layers(tmp_path).get("venv").metadata() == {}


def test_env_files_are_named_by_scope_and_action(tmp_path):
    layer = Layers(tmp_path).get("python")
    layer.reset()
    layer.set_env("PYTHONUNBUFFERED", "1", action="default")
    layer.set_env("PATH", "/x", scope="launch", action="prepend", delim=":")
    assert (layer.path / "env" / "PYTHONUNBUFFERED.default").read_text() == "1"
    assert (layer.path / "env.launch" / "PATH.prepend").read_text() == "/x"
    assert (layer.path / "env.launch" / "PATH.delim").read_text() == ":"


@pytest.mark.parametrize("name", ["build", "launch", "store"])
def test_reserved_layer_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError):
        Layers(tmp_path).get(name)


def test_cache_decision_logs_reuse_or_every_reason():
    import io

    from cnb.layers import CacheDecision
    from cnb.log import Logger

    stream = io.StringIO()
    log = Logger(stream)
    CacheDecision(cached=True).log(log, "Python 3.13.15")
    CacheDecision(cached=True, reasons=("the Python version changed (3.13.5 to 3.13.15)",)).log(log, "Python 3.13.15")
    CacheDecision(cached=False).log(log, "Python 3.13.15")
    assert stream.getvalue() == (
        "- Using cached Python 3.13.15\n"
        "- Discarding cached Python 3.13.15 since:\n"
        "  - the Python version changed (3.13.5 to 3.13.15)\n"
    )


def _committed(tmp_path, name="venv"):
    layer = Layers(tmp_path).get(name)
    layer.reset()
    (layer.path / "bin").mkdir()
    (layer.path / "bin" / "python").write_text("#!python\n")
    (layer.path / "lib.py").write_text("x = 1\n")
    (layer.path / "link").symlink_to("bin/python")
    layer.commit(cache=True, metadata={"key": "a"}, check_content=True)
    return layer


def test_a_committed_layer_with_unchanged_content_is_trusted(tmp_path):
    layer = _committed(tmp_path)
    # Bytecode written after the commit (a later import) does not count.
    (layer.path / "__pycache__").mkdir()
    (layer.path / "__pycache__" / "lib.cpython-313.pyc").write_bytes(b"pyc")
    restored = layer.restore()
    assert restored.problems == ()
    assert restored.metadata["key"] == "a"
    assert restored.metadata["content"]["entries"] == 4


@pytest.mark.parametrize("damage", [
    lambda path: (path / "bin" / "python").unlink(),
    lambda path: (path / "lib.py").write_text("x"),
    lambda path: (path / "link").unlink() or (path / "link").symlink_to("elsewhere"),
    lambda path: (path / "extra").write_text(""),
])
def test_a_layer_whose_files_changed_after_commit_is_not_trusted(tmp_path, damage):
    layer = _committed(tmp_path)
    damage(layer.path)
    restored = layer.restore()
    assert restored.metadata == {}
    assert restored.problems[0].startswith(layers_module.CONTENT_CHANGED)
    assert layer.metadata()["key"] == "a"  # without the content check, only the TOML counts


@pytest.mark.parametrize("text", [
    '[metadata\nkey = "a', "\xff\xfe garbage", '[metadata]\nkey = "a"\n[metadata.content]\nsha256 = "x"\nen',
    "a = " + "1" * 5000, "a = " + "[" * 2000 + "]" * 2000,  # found by the fuzz tests: a ValueError and a RecursionError
])
def test_an_unreadable_metadata_file_is_a_reason_not_an_error(tmp_path, text):
    layer = _committed(tmp_path)
    layer.toml_path.write_bytes(text.encode("latin-1"))
    restored = layer.restore()
    assert restored.metadata == {} and restored.cached
    assert restored.problems[0].startswith(layers_module.UNREADABLE_METADATA)
    assert layer.metadata() == {}


def test_content_without_metadata_is_an_unfinished_layer(tmp_path):
    layer = _committed(tmp_path)
    layer.invalidate()
    assert layer.restore().problems == (f"{layers_module.UNFINISHED} (no venv.toml)",)


def test_an_empty_folder_or_nothing_is_nothing_cached(tmp_path):
    layer = Layers(tmp_path).get("venv")
    assert not layer.restore().cached
    layer.reset()
    assert not layer.restore().cached


def test_metadata_without_a_fingerprint_or_folder_is_not_trusted_with_the_content_check(tmp_path):
    layer = Layers(tmp_path).get("venv")
    layer.reset()
    layer.commit(cache=True, metadata={"key": "a"})
    assert layer.restore().problems == (layers_module.NO_FINGERPRINT,)
    layer.path.rmdir()
    assert layer.restore().problems == (layers_module.NO_CONTENT,)


def test_untrusted_decision_discards_with_every_reason():
    from cnb.layers import CacheDecision

    decision = CacheDecision.untrusted(("its files changed after it was cached (it held 4; it holds 3)",))
    assert not decision.reuse and not decision.update_in_place
    assert decision.summary() == "install: its files changed after it was cached (it held 4; it holds 3)"
