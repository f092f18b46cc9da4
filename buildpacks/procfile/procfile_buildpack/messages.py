"""Every message the Procfile buildpack shows a user: what happened, what was found, how to fix it."""

from __future__ import annotations

from cnb.errors import BuildpackError

EXAMPLE = "web: gunicorn myproject.wsgi"
EXPECTED_FORM = f"Write each process as `name: command` on a line of its own, e.g. `{EXAMPLE}`."
NAME_CHARACTERS = "letters, digits, `.`, `_` and `-`"

Warning = tuple[str, str]


def _quote(line: str, column: int) -> str:
    """The line, indented, with a caret under `column`; tabs are kept so the caret lines up, NUL bytes made visible."""
    shown = line.replace("\0", "\u2400")
    pointer = "".join("\t" if char == "\t" else " " for char in line[:column])
    return f"    {shown}\n    {pointer}^"


# Reading the file

def symlink_outside_app() -> BuildpackError:
    return BuildpackError(
        "The Procfile is a link to a file outside the app",
        "Procfile is a symbolic link whose target is outside the app folder. It is not followed,\n"
        "so no file from outside the app is read into the build.",
        ["Replace the link with a regular file named Procfile, or point it at a file inside the app.", EXPECTED_FORM],
    )


def not_a_file() -> BuildpackError:
    return BuildpackError(
        "The Procfile is not a file",
        "Procfile in the app root is a folder, a broken link or another special file, not a text file.",
        ["Make Procfile a text file in the app root.", EXPECTED_FORM],
    )


def unreadable(reason: str) -> BuildpackError:
    return BuildpackError(
        "Cannot read the Procfile",
        f"Reading Procfile failed: {reason}.",
        ["Make Procfile readable (e.g. `chmod a+r Procfile`) and build again."],
    )


def not_utf8(line_number: int, line: str, column: int, byte: int) -> BuildpackError:
    return BuildpackError(
        "Invalid Procfile: it is not UTF-8 text",
        f"Procfile, line {line_number}, column {column + 1}: byte 0x{byte:02x} is not UTF-8.\n\n{_quote(line, column)}",
        ["Save the Procfile as UTF-8 (Windows editors may have saved it as UTF-16 or a legacy code page).", EXPECTED_FORM],
    )


def nul_byte(line_number: int, line: str, column: int) -> BuildpackError:
    return BuildpackError(
        "Invalid Procfile: it contains a NUL byte",
        f"Procfile, line {line_number}, column {column + 1}: a NUL byte, which text never holds.\n\n{_quote(line, column)}",
        ["Save the Procfile as UTF-8 text (UTF-16 files are full of NUL bytes).", EXPECTED_FORM],
    )


# Parsing

def missing_name() -> str:
    return "the line starts with `:`, so the process has no name."


def invalid_name_character(character: str) -> str:
    return f"{character!r} cannot be part of a process name ({NAME_CHARACTERS} only)."


def missing_colon(name: str) -> str:
    return f"expected `:` after the process name `{name}`."


def not_a_process_definition(line_number: int, line: str, column: int, problem: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Procfile: line {line_number} is not a process definition",
        f"Procfile, line {line_number}: {problem}\n\n{_quote(line, column)}",
        [EXPECTED_FORM, "Start comments with `#`; blank lines are ignored."],
    )


def empty_command(line_number: int, line: str, name: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Procfile: the `{name}` process has no command",
        f"Procfile, line {line_number}: nothing follows `{name}:`.\n\n{_quote(line, len(line.rstrip()))}",
        [EXPECTED_FORM, f"Or delete line {line_number} if the app has no `{name}` process."],
    )


def no_processes() -> BuildpackError:
    return BuildpackError(
        "The Procfile defines no processes",
        "Procfile holds only blank lines and comments.",
        [EXPECTED_FORM, "Or delete the Procfile if another buildpack sets the app's processes."],
    )


def unusual_name(line_number: int, name: str, suggestion: str) -> Warning:
    return (
        f"Unusual process name `{name}` in the Procfile",
        f"Procfile, line {line_number}: process names are usually lowercase letters, digits and `-`, as on Heroku;\n"
        f"some platforms and tools reject other names. Rename it to `{suggestion}`.",
    )


def duplicate_process(name: str, earlier_line_number: int, line_number: int) -> Warning:
    return (
        f"Process `{name}` is defined twice in the Procfile",
        f"Procfile, lines {earlier_line_number} and {line_number} both define `{name}`; line {line_number} is used.\n"
        "Delete the definition you do not want.",
    )


# Build log

def process_step(name: str, command: str, default: bool) -> str:
    return f"{name}: {command}" + (" (default)" if default else "")


def no_default_process(example_name: str) -> str:
    return f"No default process (no `web`, several processes): choose one at launch, e.g. `docker run --entrypoint {example_name} <image>`."
