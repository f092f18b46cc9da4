"""Dependency resolution on a real excerpt of trixie's index, against a real run image's dpkg status."""

from __future__ import annotations

from pathlib import Path

import pytest
from apt_buildpack import debian_index, resolve
from apt_buildpack.aptfile import Request
from cnb.errors import BuildpackError

DATA = Path(__file__).parent / "data"
INDEX = debian_index.parse_packages((DATA / "Packages-trixie-excerpt").read_text())
RUN = debian_index.parse_status((DATA / "dpkg-status-run-excerpt").read_text())


def run(*names: str, installed=RUN) -> resolve.Resolution:
    return resolve.resolve([Request(name, number, name) for number, name in enumerate(names, start=1)], INDEX, installed, "trixie")


def test_a_virtual_name_installs_its_provider_and_what_the_run_image_lacks():
    resolution = run("libmagic1")
    assert [package.name for package in resolution.install] == ["libmagic-mgc", "libmagic1t64"]
    assert resolution.why == {"libmagic1t64": "Aptfile, line 1, for libmagic1", "libmagic-mgc": "needed by libmagic1t64"}
    assert resolution.warnings == []


def test_what_the_run_image_has_is_not_installed_again():
    resolution = run("zlib1g", "file")
    assert resolution.present == [("zlib1g", "zlib1g")]
    assert [package.name for package in resolution.install] == ["file", "libmagic-mgc", "libmagic1t64"]


def test_without_the_run_image_every_dependency_but_libc_is_installed():
    resolution = run("libmagic1t64", installed=debian_index.Index())
    assert {package.name for package in resolution.install} == {
        "libmagic1t64", "libmagic-mgc", "libbz2-1.0", "liblzma5", "zlib1g"}


def test_the_first_alternative_wins_and_a_missing_dependency_is_a_warning():
    resolution = run("alpine-chroot-install")
    names = [package.name for package in resolution.install]
    assert "curl" in names and "wget" not in names
    assert any("not in the suite" in title for title, _ in resolution.warnings)  # the excerpt lacks curl's libraries


def test_an_alternative_already_chosen_is_not_doubled():
    assert [package.name for package in run("wget", "alpine-chroot-install").install].count("curl") == 0


def test_an_unknown_name_names_the_line_and_the_closest_names():
    with pytest.raises(BuildpackError) as caught:
        run("libmagik1t64")
    assert caught.value.title == "No package libmagik1t64 in Debian trixie"
    assert "Did you mean libmagic1t64" in caught.value.details
    assert "Aptfile, line 1" in caught.value.details


def test_a_library_renamed_by_the_time_t_transition_is_suggested():
    index = debian_index.parse_packages("Package: libfoo1t64\nVersion: 1\n")
    with pytest.raises(BuildpackError) as caught:
        resolve.resolve([Request("libfoo1", 1, "libfoo1")], index, debian_index.Index(), "trixie")
    assert "Did you mean libfoo1t64" in caught.value.details


@pytest.mark.parametrize("name", ["libc6", "libc-bin"])
def test_the_c_library_is_refused_even_when_the_run_image_has_it(name):
    with pytest.raises(BuildpackError) as caught:
        run(name)
    assert caught.value.title == f"{name} would replace the run image's C library"


def test_a_plan_request_says_it_came_from_the_build_plan():
    resolution = resolve.resolve([Request("file", 0)], INDEX, RUN, "trixie")
    assert resolution.why["file"] == "the build plan"


def test_a_virtual_name_with_one_provider_installs_it_and_says_so():
    resolution = run("libfreetype6-dev")
    assert resolution.virtual == [("libfreetype6-dev", "libfreetype-dev")]
    assert resolution.why["libfreetype-dev"] == "Aptfile, line 1, for libfreetype6-dev"


def test_a_virtual_name_with_several_providers_names_them_all():
    with pytest.raises(BuildpackError) as caught:
        run("zlib1g", "libcurl-dev")
    error = caught.value
    assert error.title == "libcurl-dev is a virtual package: name one of the packages that provide it"
    assert "Aptfile, line 2" in error.details and "provide it: libcurl4-gnutls-dev, libcurl4-openssl-dev." in error.details
    assert "    libcurl-dev\n    ^" in error.details
    assert error.fix[0] == "Replace libcurl-dev in the Aptfile with one of them, e.g. `libcurl4-gnutls-dev`."


def test_of_several_providers_the_one_the_aptfile_names_is_chosen():
    resolution = run("libcurl-dev", "libcurl4-openssl-dev")
    assert resolution.virtual == [("libcurl-dev", "libcurl4-openssl-dev")]
    assert "libcurl4-gnutls-dev" not in [package.name for package in resolution.install]


def test_of_several_providers_the_one_the_run_image_has_is_enough():
    installed = debian_index.parse_status("Package: libcurl4-gnutls-dev\nStatus: install ok installed\nVersion: 1\nProvides: libcurl-dev\n")
    resolution = run("libcurl-dev", installed=installed)
    assert resolution.present == [("libcurl-dev", "libcurl4-gnutls-dev")] and resolution.install == []


def test_a_dependency_on_a_virtual_name_takes_its_first_provider_without_asking():
    # libfreetype-dev depends on `zlib1g-dev | libz-dev`: dependencies never stop the build over a choice.
    names = [package.name for package in run("libfreetype-dev").install]
    assert "zlib1g-dev" in names
