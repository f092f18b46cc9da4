import tomllib

import pytest

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
