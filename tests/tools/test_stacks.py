"""The stacks' names (renamable through env vars, unchanged by default) and the slim base's dpkg filters."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from pycnb_tools import stacks
from pycnb_tools.paths import ROOT

RENAMING = ("PYCNB_BASE_IMAGE", "PYCNB_BUILD_IMAGE", "PYCNB_RUN_IMAGE")
SHOW_NAMES = (
    "import json; from pycnb_tools import builder, stacks; "
    "print(json.dumps([stacks.BASE_IMAGE, stacks.TRIXIE.build_image, stacks.TRIXIE.run_image, str(builder.config())]))"
)


def names_with(env: dict[str, str]) -> list[str]:
    clean = {name: value for name, value in os.environ.items() if name not in RENAMING}
    result = subprocess.run([sys.executable, "-c", SHOW_NAMES], env={**clean, "PYTHONPATH": str(ROOT / "scripts"), **env},
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_by_default_the_stacks_keep_their_names_and_the_builder_uses_builder_toml():
    assert names_with({}) == ["debian:trixie-slim", "pycnb/build:trixie", "pycnb/run:trixie", str(ROOT / "builder.toml")]


def test_renamed_stacks_get_a_builder_config_naming_them_with_working_paths():
    env = dict(zip(RENAMING, ("debian:trixie-slim-x", "pycnb/build:trixie-x", "pycnb/run:trixie-x")))
    base, build, run, config = names_with(env)
    assert (base, build, run) == tuple(env.values())
    assert config == str(ROOT / "build" / "builder-trixie.toml")
    parsed = tomllib.loads(Path(config).read_text())
    assert parsed["build"]["image"] == build and [image["image"] for image in parsed["run"]["images"]] == [run]
    original = tomllib.loads((ROOT / "builder.toml").read_text())
    for copied, buildpack in zip(parsed["buildpacks"], original["buildpacks"]):
        assert (ROOT / "build" / copied["uri"]).resolve() == (ROOT / buildpack["uri"]).resolve()
    assert (ROOT / "build" / parsed["lifecycle"]["uri"]).resolve() == (ROOT / original["lifecycle"]["uri"]).resolve()


def test_the_base_leaves_out_docs_manuals_and_translations_but_keeps_copyrights_and_c_utf8():
    rules = stacks.dpkg_filters()
    for path in ("/usr/share/doc/bash/README", "/usr/share/doc/libc6/changelog.Debian.gz", "/usr/share/man/man1/ls.1.gz",
                 "/usr/share/locale/de/LC_MESSAGES/coreutils.mo", "/usr/share/info/grep.info.gz", "/usr/share/lintian/overrides/bash"):
        assert stacks.excluded(path, rules), path
    for path in ("/usr/share/doc/bash/copyright", "/usr/share/locale/locale.alias", "/usr/lib/locale/C.utf8/LC_CTYPE",
                 "/usr/share/zoneinfo/Europe/Paris", "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt", "/usr/bin/bash"):
        assert not stacks.excluded(path, rules), path


def test_slimming_an_installed_root_removes_what_the_filters_exclude_and_the_folders_left_empty(tmp_path):
    files = {
        "usr/share/doc/bash/README": False, "usr/share/doc/bash/copyright": True, "usr/share/doc/gzip/NEWS.gz": False,
        "usr/share/man/man1/bash.1.gz": False, "usr/share/locale/fr/LC_MESSAGES/bash.mo": False,
        "usr/share/locale/locale.alias": True, "usr/lib/locale/C.utf8/LC_CTYPE": True, "usr/share/zoneinfo/UTC": True,
    }
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "usr/share/doc/libbash").symlink_to("bash")
    stacks.slim_root(tmp_path, stacks.dpkg_filters())
    assert {name for name in files if (tmp_path / name).exists()} == {name for name, kept in files.items() if kept}
    assert not (tmp_path / "usr/share/doc/gzip").exists() and not (tmp_path / "usr/share/man/man1").exists()
    assert not (tmp_path / "usr/share/locale/fr").exists() and not os.path.lexists(tmp_path / "usr/share/doc/libbash")
    assert (tmp_path / "usr/share/man").is_dir()  # the excluded folders themselves stay, as in Debian's slim images



def test_the_gis_builder_names_the_gis_stack_images_and_the_same_buildpacks():
    from pycnb_tools import builder

    parsed = tomllib.loads(builder.config(stacks.GIS).read_text())
    assert parsed["build"]["image"] == "pycnb/build:trixie-gis"
    assert [image["image"] for image in parsed["run"]["images"]] == ["pycnb/run:trixie-gis"]
    assert [buildpack["id"] for buildpack in parsed["buildpacks"]] == [
        buildpack["id"] for buildpack in tomllib.loads((ROOT / "builder.toml").read_text())["buildpacks"]]
    assert stacks.GIS.variant_of is stacks.TRIXIE
