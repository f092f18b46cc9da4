"""Fuzz: the contract's TOML files round-trip, and any layer metadata, binding or flag is read without a traceback."""

from __future__ import annotations

from pathlib import Path

import tomli_w
from cnb import toml
from cnb.bindings import bindings_of_type
from cnb.context import Context, Target
from cnb.layers import Layers
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import ANY_TEXT, ENV_TEXT, LONG, app_dir

# TOML's own values (tomli_w writes any of them): nested tables and arrays of strings, integers,
# booleans and floats, keyed with any text.
TOML_SCALARS = st.one_of(st.text(), st.integers(-(2**63), 2**63 - 1), st.booleans(), st.floats(allow_nan=False))
TOML_DOCUMENTS = st.dictionaries(
    st.text(),
    st.recursive(
        TOML_SCALARS,
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(), children, max_size=4)),
        max_leaves=12,
    ),
    max_size=5,
)
LAYER_TOML = st.one_of(
    st.binary(max_size=200),
    ANY_TEXT.map(str.encode),
    TOML_DOCUMENTS.map(lambda document: tomli_w.dumps(document).encode()),
    st.sampled_from([b"a = " + b"[" * 2000 + b"]" * 2000, b"a = " + b"1" * 5000, b"metadata = 1", b"[metadata]\ncontent = 'x'", b"\xff"]),
)


@given(TOML_DOCUMENTS)
def test_any_document_written_is_read_back_unchanged(document):
    with app_dir() as folder:
        toml.dump(document, folder / "doc.toml")
        assert toml.load(folder / "doc.toml") == document


@given(LAYER_TOML, st.booleans())
def test_any_layer_metadata_is_trusted_or_discarded_with_reasons(data, with_content):
    with app_dir() as folder:
        layers = Layers(folder)
        layer = layers.get("venv")
        (folder / "venv.toml").write_bytes(data)
        if with_content:
            layer.path.mkdir()
            (layer.path / "file").write_text("x")
        restored = layer.restore()
        assert isinstance(restored.metadata, dict)
        layer.metadata()


@given(
    st.binary(max_size=60),
    st.text(max_size=20),
    st.one_of(st.none(), ENV_TEXT, LONG, st.sampled_from(["bindings", "/nonexistent", "/dev/null"])),
)
def test_any_binding_type_file_and_root_is_matched_or_not(kind, wanted, root):
    with app_dir() as platform:
        (platform / "bindings" / "b").mkdir(parents=True)
        (platform / "bindings" / "b" / "type").write_bytes(kind)
        env = {} if root is None else {"SERVICE_BINDING_ROOT": root if root.startswith("/") else str(platform / root)}
        for binding in bindings_of_type(platform, env, wanted):
            binding.entries()


@given(ENV_TEXT, st.booleans())
def test_any_boolean_setting_is_true_false_or_the_default(value, default):
    context = Context(Path("."), Path("."), Path("."), Target(), {"BP_FLAG": value})
    assert context.flag("BP_FLAG", default) in (True, False)
