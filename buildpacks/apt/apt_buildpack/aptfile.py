"""The Aptfile (SPEC.md): reading it safely from the app and parsing it into package requests and warnings."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cnb import user_text

from . import messages

FILENAME = "Aptfile"
# SPEC 2: an Aptfile lists packages; 64 KiB is thousands of lines, far beyond any real one.
MAX_BYTES = 64 * 1024
# Debian Policy 5.6.1 (https://www.debian.org/doc/debian-policy/ch-controlfields.html#source).
PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")
# SPEC 5: the stack's suite; `name/trixie` is the one suite an Aptfile may name.
SUITE = "trixie"
# SPEC 6: characters a shell gives a meaning to. Nothing runs through a shell, so they can only be a mistake.
SHELL_CHARACTERS = frozenset(";&|$`<>(){}[]*?!~'\"\\")


@dataclass(frozen=True)
class Request:
    """One package the Aptfile (or another buildpack) asks for, and where."""

    name: str
    line_number: int  # 0 for a package another buildpack asked for through the build plan
    line: str = ""


@dataclass(frozen=True)
class Aptfile:
    requests: list[Request]
    warnings: list[messages.Warning]


def exists(app_dir: Path) -> bool:
    """A link or a folder named Aptfile counts, so that build can say what is wrong with it."""
    path = app_dir / FILENAME
    return path.exists() or path.is_symlink()


def read(app_dir: Path) -> Aptfile:
    """Parse the app's Aptfile; a link out of the app is refused before anything is opened (SPEC 1)."""
    path = app_dir / FILENAME
    # os.path.realpath, unlike Path.resolve on 3.11, does not raise on a link loop; is_file() then rejects it.
    if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(app_dir)):
        raise messages.aptfile_outside_app()
    if not path.is_file():
        raise messages.aptfile_not_a_file()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise messages.aptfile_too_large(size, MAX_BYTES)
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise messages.aptfile_unreadable(error.strerror or str(error)) from None
    if len(data) > MAX_BYTES:  # grew while it was read
        raise messages.aptfile_too_large(len(data), MAX_BYTES)
    return parse(data)


def parse(data: bytes) -> Aptfile:
    """The packages in Aptfile order, each once, and what to warn about."""
    text = user_text.decode(data.removeprefix(codecs.BOM_UTF8), messages.nul_byte, messages.not_utf8)
    requests: dict[str, Request] = {}
    warnings: list[messages.Warning] = []
    for line_number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.removesuffix("\r")
        content = _without_comment(line).strip(" \t")
        if not content:
            continue
        name = _package(line_number, line, content)
        if name in requests:
            warnings.append(messages.duplicate_package(name, requests[name].line_number, line_number))
            continue
        requests[name] = Request(name, line_number, line)
    return Aptfile(list(requests.values()), warnings)


def _without_comment(line: str) -> str:
    stripped = line.lstrip(" \t")
    if stripped.startswith("#"):
        return ""
    match = re.search(r"[ \t]#", line)
    return line[: match.start()] if match else line


def _package(line_number: int, line: str, content: str) -> str:
    start = line.index(content)
    if content.startswith("-"):
        raise messages.option_line(line_number, line, start)
    if "://" in (content.split() or [content])[0]:
        raise messages.url_line(line_number, line, start)
    for offset, character in enumerate(content):
        if character in SHELL_CHARACTERS:
            raise messages.shell_characters(line_number, line, start + offset, character)
    words = content.split()
    if len(words) > 1:
        raise messages.several_words(line_number, line, start + content.index(words[1], len(words[0])), words)
    name, slash, suite = content.partition("/")
    if slash and suite != SUITE:
        raise messages.other_suite(line_number, line, start + len(name) + 1, name, suite, SUITE)
    if not PACKAGE_NAME.fullmatch(name):
        column = start + next((i for i, c in enumerate(name) if not PACKAGE_NAME.fullmatch("a" + c if i else c + "a")), 0)
        raise messages.invalid_name(line_number, line, column, name)
    return name
