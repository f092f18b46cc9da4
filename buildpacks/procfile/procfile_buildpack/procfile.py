"""The Procfile format (SPEC.md): reading the app's Procfile and parsing it into processes and warnings."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cnb.errors import BuildpackError
from cnb import user_text
from cnb.launch import PROCESS_TYPE

from . import messages

FILENAME = "Procfile"
# Heroku's process names; any other name CNB accepts gets a warning (SPEC 6).
RECOMMENDED_NAME = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True)
class ProcessDefinition:
    name: str
    command: str
    line_number: int


@dataclass(frozen=True)
class Procfile:
    processes: list[ProcessDefinition]
    warnings: list[messages.Warning]


def read(app_dir: Path) -> Procfile:
    """Parse the app's Procfile; a link out of the app is refused before anything is opened (SPEC 1)."""
    path = app_dir / FILENAME
    # os.path.realpath, unlike Path.resolve on 3.11, does not raise on a link loop; is_file() then rejects it.
    if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(app_dir)):
        raise messages.symlink_outside_app()
    if not path.is_file():
        raise messages.not_a_file()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise messages.unreadable(error.strerror or str(error)) from None
    return parse(data)


def parse(data: bytes) -> Procfile:
    """The processes in Procfile order, the last definition of a name winning, and what to warn about."""
    text = user_text.decode(data.removeprefix(codecs.BOM_UTF8), messages.nul_byte, messages.not_utf8)
    definitions: dict[str, ProcessDefinition] = {}
    warnings: list[messages.Warning] = []
    for line_number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.removesuffix("\r")
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        definition = _definition(line_number, line)
        if not RECOMMENDED_NAME.fullmatch(definition.name):
            warnings.append(messages.unusual_name(line_number, definition.name, recommended_name(definition.name)))
        earlier = definitions.pop(definition.name, None)
        if earlier:
            warnings.append(messages.duplicate_process(definition.name, earlier.line_number, line_number))
        definitions[definition.name] = definition
    if not definitions:
        raise messages.no_processes()
    return Procfile(list(definitions.values()), warnings)


def recommended_name(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _definition(line_number: int, line: str) -> ProcessDefinition:
    name_part, colon, command_part = line.partition(":")
    name, command = name_part.strip(), command_part.strip()
    if not colon or not PROCESS_TYPE.fullmatch(name):
        raise _not_a_definition(line_number, line)
    if not command:
        raise messages.empty_command(line_number, line, name)
    return ProcessDefinition(name, command, line_number)


def _not_a_definition(line_number: int, line: str) -> BuildpackError:
    """Points at the first character that breaks `name:`: a stray character, or where the `:` should be."""
    column = len(line) - len(line.lstrip())
    name_start = column
    while column < len(line) and PROCESS_TYPE.fullmatch(line[column]):
        column += 1
    name = line[name_start:column]
    if not name and line[column] == ":":
        problem = messages.missing_name()
    elif column < len(line) and not line[column].isspace():
        problem = messages.invalid_name_character(line[column])
    else:
        problem = messages.missing_colon(name)
    return messages.not_a_process_definition(line_number, line, column, problem)
