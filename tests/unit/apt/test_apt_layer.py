"""The apt layer's cache decision and the env it sets."""

from __future__ import annotations

import shutil

from apt_buildpack import layer as apt_layer
from cnb.layers import Layers

WANTED = apt_layer.AptMetadata(1, "trixie", "amd64", ["libmagic1"], "abc")


def test_same_inputs_reuse_and_each_change_is_a_reason():
    restored = apt_layer.metadata_dict(apt_layer.AptMetadata(1, "trixie", "amd64", ["libmagic1"], "abc", ["libmagic1t64 1:5.46-5"], 10))
    assert apt_layer.decide(restored, WANTED).reuse
    changed = apt_layer.decide({**restored, "packages": ["libmagic1", "poppler-utils"], "run_image": "old"}, WANTED)
    assert changed.reasons == ("the packages asked for changed (removed poppler-utils)", "the run image's packages changed")
    assert not apt_layer.decide({}, WANTED).cached


def test_env_names_only_the_folders_the_packages_made(tmp_path):
    layer = Layers(tmp_path).get("apt")
    for folder in ("usr/bin", "usr/lib/x86_64-linux-gnu/pkgconfig", "usr/include", "usr/lib/file"):
        (layer.path / folder).mkdir(parents=True)
    (layer.path / "usr/lib/file/magic.mgc").write_bytes(b"")
    names = apt_layer.set_env(layer, "amd64")
    assert names == ["PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH", "PKG_CONFIG_PATH", "MAGIC"]
    assert (layer.path / "env/LD_LIBRARY_PATH.prepend").read_text() == f"{layer.path}/usr/lib/x86_64-linux-gnu:{layer.path}/usr/lib"
    assert (layer.path / "env/LD_LIBRARY_PATH.delim").read_text() == ":"
    assert (layer.path / "env.build/CPATH.prepend").read_text() == f"{layer.path}/usr/include"
    assert (layer.path / "env/MAGIC.default").read_text() == f"{layer.path}/usr/lib/file/magic.mgc"


def test_library_alternatives_are_linked_as_update_alternatives_would(tmp_path):
    from apt_buildpack import unpack

    libraries = tmp_path / "usr/lib/x86_64-linux-gnu"
    for folder in ("blas", "openblas-pthread", "lapack"):
        (libraries / folder).mkdir(parents=True)
    (libraries / "blas/libblas.so.3").write_bytes(b"")
    (libraries / "openblas-pthread/libblas.so.3").write_bytes(b"")
    (libraries / "lapack/liblapack.so.3").write_bytes(b"")
    (libraries / "libgdal.so.36").write_bytes(b"")
    assert unpack.link_library_alternatives(tmp_path, "x86_64-linux-gnu") == [
        "libblas.so.3 -> blas/libblas.so.3", "liblapack.so.3 -> lapack/liblapack.so.3"]
    assert (libraries / "libblas.so.3").resolve() == (libraries / "blas/libblas.so.3").resolve()


def test_find_library_links_each_name_to_its_soname_file_once(tmp_path):
    from apt_buildpack import find_library

    for name in ("libgdal.so.36", "libgdal.so.36.3.10.3", "libgeos_c.so.1", "libgeos_c.so.1.19.2"):
        (tmp_path / name).write_bytes(b"\x7fELF")
    made = find_library.link(tmp_path, ["gdal", "geos_c", "proj"])
    assert made == ["libgdal.so -> libgdal.so.36", "libgeos_c.so -> libgeos_c.so.1"]
    assert (tmp_path / "libgdal.so").readlink().as_posix() == "libgdal.so.36"
    assert find_library.link(tmp_path, ["gdal"]) == []  # a link already there is left alone


def test_a_change_of_the_find_library_names_is_a_reason():
    restored = apt_layer.metadata_dict(WANTED)
    wanted = apt_layer.AptMetadata(**{**restored, "find_library": ["gdal"]})
    assert apt_layer.decide(restored, wanted).reasons == ("the libraries for find_library changed (none to gdal)",)


def test_find_library_names_are_library_names_only():
    from apt_buildpack import find_library

    assert all(find_library.NAME.fullmatch(name) for name in ("gdal", "geos_c", "GDAL", "gdal3.10.0", "stdc++"))
    assert not any(find_library.NAME.fullmatch(name) for name in ("../x", "a/b", "", "-lgdal", "*"))


def test_a_kept_layer_gives_later_buildpacks_its_build_env_and_its_files_on_request(tmp_path):
    import tomllib

    from cnb.reuse import PUBLISHED_ENV_VAR, ReusableLayer, materialize_published

    layers = Layers(tmp_path)
    layer = ReusableLayer(layers, apt_layer.LAYER_NAME)
    layer.reset()
    (layer.path / "usr/lib/x86_64-linux-gnu").mkdir(parents=True)
    (layer.path / "usr/lib/x86_64-linux-gnu/libgdal.so.36").write_bytes(b"\x7fELF")
    apt_layer.set_env(layer.layer, "amd64")
    metadata = apt_layer.AptMetadata(**{**apt_layer.metadata_dict(WANTED), "build_env": apt_layer.recorded_build_env(layer.layer)})
    layer.commit(apt_layer.metadata_dict(metadata))
    assert tomllib.loads(layer.layer.toml_path.read_text())["types"] == {"build": False, "launch": True, "cache": False}
    # The next build: the previous image has the layer, so it is kept with no folder.
    shutil.rmtree(layer.path)
    plan = apt_layer.plan(layers, WANTED)
    assert plan.decision.reuse and plan.wanted.build_env == metadata.build_env
    layer.keep(plan.metadata)

    apt_layer.write_build_env(layers, layer, plan.wanted)
    env_build = tmp_path / apt_layer.BUILD_ENV_LAYER_NAME / "env.build"
    assert (env_build / "LD_LIBRARY_PATH.prepend").read_text().startswith(f"{layer.path}/usr/lib/x86_64-linux-gnu")
    assert (env_build / "GDAL_LIBRARY_PATH.default").read_text() == f"{layer.path}/usr/lib/x86_64-linux-gnu/libgdal.so.36"
    assert tomllib.loads((tmp_path / "apt-env.toml").read_text())["types"] == {"build": True, "launch": False, "cache": False}
    state = (env_build / f"{PUBLISHED_ENV_VAR}.append").read_text()
    assert materialize_published({PUBLISHED_ENV_VAR: state}) == [str(layer.path)]
    assert (layer.path / "usr/lib/x86_64-linux-gnu/libgdal.so.36").read_bytes() == b"\x7fELF"
