from cnb.layer_content import Fingerprint, fingerprint


def test_fingerprint_follows_names_sizes_and_links_not_times(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("12345")
    (tmp_path / "l").symlink_to("a/f")
    first = fingerprint(tmp_path)
    assert first.entries == 3
    (tmp_path / "a" / "f").touch()
    assert fingerprint(tmp_path) == first
    (tmp_path / "a" / "f").write_text("1234")
    assert fingerprint(tmp_path) != first


def test_fingerprint_ignores_bytecode_folders_and_does_not_follow_links(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f").write_text("x")
    (tmp_path / "dirlink").symlink_to("real")
    before = fingerprint(tmp_path)
    (tmp_path / "real" / "__pycache__").mkdir()
    (tmp_path / "real" / "__pycache__" / "f.pyc").write_text("x")
    assert fingerprint(tmp_path) == before
    assert before.entries == 3


def test_fingerprint_round_trips_through_metadata_and_rejects_junk():
    value = Fingerprint("ab" * 32, 7)
    assert Fingerprint.from_metadata(value.as_metadata()) == value
    # As the lifecycle gives a launch layer's metadata back (through JSON): numbers as floats.
    assert Fingerprint.from_metadata({"sha256": "ab" * 32, "entries": 7.0}) == value
    assert Fingerprint.from_metadata({"sha256": "ab" * 32, "entries": 7.5}) is None
    assert Fingerprint.from_metadata({"sha256": 1}) is None
    assert Fingerprint.from_metadata("x") is None
