"""The Aptfile parser, one test per clause of buildpacks/apt/SPEC.md."""

from __future__ import annotations

import os

import pytest
from apt_buildpack import aptfile
from cnb.errors import BuildpackError


def names(text: str) -> list[str]:
    return [request.name for request in aptfile.parse(text.encode()).requests]


def error(text: str | bytes) -> BuildpackError:
    with pytest.raises(BuildpackError) as caught:
        aptfile.parse(text if isinstance(text, bytes) else text.encode())
    return caught.value


def test_one_package_a_line_with_comments_blank_lines_and_crlf_spec_3_4():
    text = "# system libraries\n\nlibmagic1\r\n  libgdal36\t# GeoDjango\n\tpoppler-utils \n#libfoo\n"
    assert names(text) == ["libmagic1", "libgdal36", "poppler-utils"]


def test_line_numbers_and_lines_are_kept_for_messages():
    request = aptfile.parse(b"\n\n  libmagic1  # here\n").requests[0]
    assert (request.name, request.line_number, request.line) == ("libmagic1", 3, "  libmagic1  # here")


def test_a_hash_inside_a_word_is_not_a_comment_and_is_refused():
    assert "not a Debian package name" in error("lib#magic\n").title


@pytest.mark.parametrize("name", ["g++", "libstdc++6", "libgeos3.13.1", "x11-utils", "0ad"])
def test_debian_names_with_plus_dot_and_digits_spec_4(name):
    assert names(name) == [name]


@pytest.mark.parametrize("line", ["LibMagic1", "l", "lib_magic", "libmagic1:amd64", "/trixie", "libé"])
def test_what_is_not_a_debian_name_is_refused_with_its_line_spec_4(line):
    refused = error(f"libpq5\n{line}\n")
    assert refused.title == "Invalid Aptfile: line 2 is not a Debian package name"
    assert f"    {line}\n" in refused.details


def test_the_stacks_suite_may_be_named_spec_5():
    assert names("libmagic1/trixie\n") == ["libmagic1"]


@pytest.mark.parametrize("suite", ["bookworm", "sid", "trixie-backports", ""])
def test_another_suite_is_refused_spec_5(suite):
    refused = error(f"libssl1.1/{suite}\n")
    assert refused.title == f"Invalid Aptfile: libssl1.1/{suite} is not from the stack's suite"
    assert "Write `libssl1.1`" in refused.fix[0]


def test_an_option_is_refused_spec_6():
    refused = error("--no-install-recommends\n")
    assert refused.title == "Invalid Aptfile: line 1 is an option, not a package"
    assert "    --no-install-recommends\n    ^" in refused.details


@pytest.mark.parametrize("line, character", [("libpq5; rm -rf /", ";"), ("$(curl x)", "$"), ("libfoo && libbar", "&"),
                                              ("lib*", "*"), ("'libmagic1'", "'"), ("libfoo`id`", "`"), ("libfoo>1", ">")])
def test_shell_characters_are_refused_with_a_caret_spec_6(line, character):
    refused = error(line + "\n")
    assert refused.title == f"Invalid Aptfile: line 1 holds the shell character {character!r}"
    column = line.index(character)
    assert f"    {line}\n    {' ' * column}^" in refused.details


def test_a_url_is_refused_spec_6():
    assert error("https://example.com/wkhtmltox_0.12.6-1.buster_amd64.deb\n").title == "Invalid Aptfile: line 1 is a URL"


def test_several_words_on_a_line_are_refused_spec_6():
    refused = error("apt-get install libmagic1\n")
    assert refused.title == "Invalid Aptfile: line 1 holds more than one word"
    assert "`apt-get`, `install`, `libmagic1`" in refused.fix[0]
    assert "    apt-get install libmagic1\n            ^" in refused.details


def test_a_package_named_twice_is_installed_once_with_a_warning_spec_7():
    parsed = aptfile.parse(b"libmagic1\nlibpq5\nlibmagic1\n")
    assert [request.name for request in parsed.requests] == ["libmagic1", "libpq5"]
    assert parsed.warnings == [("libmagic1 is listed twice in the Aptfile",
                                "Aptfile, lines 1 and 3 both name libmagic1; it is installed once.\nDelete line 3.")]


def test_a_bom_is_allowed_and_utf16_or_latin1_is_refused_spec_2():
    assert names("\ufefflibmagic1\n") == ["libmagic1"]
    assert error("libmagic1\n".encode("utf-16")).title == "Invalid Aptfile: it contains a NUL byte"
    assert error(b"libpq5\nlib\xe9\n").details.startswith("Aptfile, line 2, column 4: byte 0xe9 is not UTF-8.")


def test_only_comments_is_no_packages():
    assert names("# nothing yet\n\n") == []


def test_an_aptfile_over_64_kib_is_refused_before_it_is_parsed_spec_2(tmp_path):
    (tmp_path / "Aptfile").write_text("libmagic1\n" * 7000)
    with pytest.raises(BuildpackError) as caught:
        aptfile.read(tmp_path)
    assert caught.value.title == "The Aptfile is too large"
    assert "Aptfile holds 70000 bytes; an Aptfile may hold at most 65536 bytes (64 KiB)." == caught.value.details


def test_a_link_out_of_the_app_is_refused_before_it_is_read_spec_1(tmp_path):
    (tmp_path / "Aptfile").symlink_to("/etc/passwd")
    with pytest.raises(BuildpackError) as caught:
        aptfile.read(tmp_path)
    assert caught.value.title == "The Aptfile is a link to a file outside the app"


def test_a_folder_is_refused_and_a_link_inside_the_app_is_followed_spec_1(tmp_path):
    (tmp_path / "Aptfile").mkdir()
    assert aptfile.exists(tmp_path)
    with pytest.raises(BuildpackError, match="not a file"):
        aptfile.read(tmp_path)
    os.rmdir(tmp_path / "Aptfile")
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "apt.txt").write_text("libmagic1\n")
    (tmp_path / "Aptfile").symlink_to("deps/apt.txt")
    assert [request.name for request in aptfile.read(tmp_path).requests] == ["libmagic1"]


def test_shell_characters_policy_list():
    assert aptfile.SHELL_CHARACTERS == frozenset(";&|$`<>(){}[]*?!~'\"\\")
    assert not aptfile.SHELL_CHARACTERS & set("abcdefghijklmnopqrstuvwxyz0123456789+-.")


def test_a_line_of_unicode_spaces_is_refused_not_a_crash():
    # Found by the fuzz tests: a no-break space is not stripped as blank, and str.split() gives no words.
    assert error("\u00a0\n").title == "Invalid Aptfile: line 1 is not a Debian package name"


def test_a_url_after_a_package_is_shell_characters_or_words_not_a_url_line():
    assert error("libmagic1 && curl https://x/i.sh | sh\n").title == "Invalid Aptfile: line 1 holds the shell character '&'"
