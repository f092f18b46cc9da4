"""Checking each line of a requirements file as pip will read it, before anything is downloaded.

pip reads a requirements file line by line (pip's req/req_file.py, and
https://pip.pypa.io/en/stable/reference/requirements-file-format/): a `\\` at the end joins the next
line, `#` after whitespace starts a comment, a line starting with `-` is an option, anything else a
requirement, a URL or a local path, followed by per-requirement options. We reject here only what
pip would reject too, so that the error names the file and line before the runtime is even unpacked;
anything we cannot judge (URLs, `${VAR}` references) is left to pip.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from . import app_files, messages

# The options pip accepts in a requirements file (req_file.py SUPPORTED_OPTIONS and
# SUPPORTED_OPTIONS_REQ, pip 25). Long ones may be shortened to any unique prefix, as optparse allows.
SHORT_OPTIONS = ("-i", "-c", "-r", "-e", "-f")
LONG_OPTIONS = (
    "--index-url", "--extra-index-url", "--no-index", "--constraint", "--requirement", "--editable",
    "--find-links", "--no-binary", "--only-binary", "--prefer-binary", "--require-hashes", "--pre",
    "--trusted-host", "--use-feature", "--global-option", "--hash", "--config-settings",
)
# pip's COMMENT_RE: a comment starts at a `#` at the start of the line or after whitespace. pip's
# `(^|\s+)#` retries every space of a run, so a line of 40,000 spaces took 9 seconds; one `\s` is
# enough, since the line is stripped after.
_COMMENT = re.compile(r"(^|\s)#.*$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://|^[a-zA-Z0-9+.-]+\+[a-z]+:")
# pip's is_archive_file: these names are files to install, not requirement names.
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, content) with continuations joined and comments removed, as pip does."""
    lines: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw):
            pending += raw[:-1]
            continue
        content = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if content:
            lines.append((start, content))
    if pending.strip():
        lines.append((start, _COMMENT.sub("", pending).strip()))
    return lines


def known_option(option: str) -> bool:
    if option in SHORT_OPTIONS or option in LONG_OPTIONS:
        return True
    if option.startswith("--"):
        return len([known for known in LONG_OPTIONS if known.startswith(option)]) == 1
    return any(option.startswith(short) for short in SHORT_OPTIONS)


def _option_name(token: str) -> str:
    if token.startswith("--"):
        return token.split("=", 1)[0]
    return token[:2]


def _option_value(tokens: list[str]) -> str:
    """`--opt=value`, `--opt value`, `-ovalue` or `-o value`."""
    first = tokens[0]
    if first.startswith("--") and "=" in first:
        return first.split("=", 1)[1]
    if not first.startswith("--") and len(first) > 2:
        return first[2:].lstrip("=")
    return tokens[1] if len(tokens) > 1 else ""


def _remote(name: str) -> bool:
    """A URL or VCS reference pip fetches (file: URLs are local paths)."""
    return bool(_URL.match(name)) and not name.startswith("file:")


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~", "file:")) or "/" in name or name.lower().endswith(_ARCHIVES)


def _check_path(name: str, file: str, number: int, line: str, app_dir: Path) -> None:
    """A local path must be in the app (pip resolves it from the app folder, where it runs)."""
    path = re.sub(r"^file:(//)?", "", name).split("#", 1)[0]
    path = re.sub(r"\[[^\]]*\]$", "", path)  # extras: ./mylib[extra]
    target = Path(path) if path.startswith("/") else app_dir / path
    if path.startswith("~") or not app_files.inside_app(target, app_dir):
        raise messages.local_path_outside_app(file, number, line)
    if not app_files.exists(target):
        raise messages.local_path_missing(file, number, line, path)


def check(text: str, file: str, app_dir: Path) -> None:
    """Raise the error for the first line pip would refuse; `file` is its path in the app."""
    for number, line in logical_lines(text):
        if "${" in line:
            continue  # pip expands env vars first: only pip can judge the result
        tokens = line.split()
        if line.startswith("-"):
            option = _option_name(tokens[0])
            if not known_option(option):
                raise messages.unknown_requirements_option(file, number, option)
            if option == "-e" or (option.startswith("--ed") and "--editable".startswith(option)):
                value = _option_value(tokens)
                if value and not _remote(value):
                    _check_path(value, file, number, line, app_dir)
            continue
        # pip's break_args_options: the requirement ends at the first token starting with `-`.
        requirement = []
        for index, token in enumerate(tokens):
            if token.startswith("-"):
                for option in tokens[index:]:
                    if option.startswith("-") and not known_option(_option_name(option)):
                        raise messages.unknown_requirements_option(file, number, _option_name(option))
                break
            requirement.append(token)
        name = " ".join(requirement)
        if _remote(name):
            continue
        if _looks_like_path(name) and "@" not in name and ";" not in name:
            _check_path(name, file, number, line, app_dir)
            continue
        try:
            Requirement(name)
        except InvalidRequirement as error:
            raise messages.invalid_requirement(file, number, line, str(error)) from None
