"""Build output a user can read: sections, steps, timings, warnings, errors, secrets masked.

Every line passes through `mask`, so a credential in a URL (an index URL, a VCS URL) or a
value registered with `Logger.add_secret` never reaches the build log.
"""

from __future__ import annotations

import re
import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

from .errors import BuildpackError

# `scheme://user:password@host` and `scheme://token@host`: keep the user, hide the rest.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@\s:]*)(?P<password>:[^/@\s]*)?@")
MASK = "****"
# Env var names whose values are secrets: SECRET_KEY, DB_PASSWORD, API_TOKEN, AWS_ACCESS_KEY_ID,
# DATABASE_URL (it carries a password), ... Matched on words of the name.
_SECRET_NAME = re.compile(r"(^|_)(SECRET|PASSWORD|PASSWD|PASS|TOKEN|KEY|CREDENTIALS?|AUTH|PRIVATE|DSN|DATABASE_URL)(_|$)", re.IGNORECASE)
# Below this length a value is too likely to appear in ordinary output to be masked everywhere.
MIN_SECRET_LENGTH = 4


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) or name.upper().endswith("DATABASE_URL")


def mask_url_credentials(text: str) -> str:
    """`https://user:secret@host` becomes `https://user:****@host`; a bare token is hidden."""

    def replace(match: re.Match[str]) -> str:
        if match.group("password"):
            return f"{match.group('scheme')}{match.group('user')}:{MASK}@"
        return f"{match.group('scheme')}{MASK}@"

    return _URL_CREDENTIALS.sub(replace, text)


class Logger:
    """Writes the build log to a stream (stdout in a build, a buffer in tests)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._secrets: set[str] = set()

    def add_secret(self, value: str) -> None:
        """Hide `value` wherever it appears in later output (very short values are ignored)."""
        if value and len(value) >= MIN_SECRET_LENGTH:
            self._secrets.add(value)

    def add_secrets_from_env(self, env: dict[str, str]) -> None:
        """Hide the values of every env var whose name says it is a secret."""
        for name, value in env.items():
            if is_secret_name(name):
                self.add_secret(value)

    def mask(self, text: str) -> str:
        text = mask_url_credentials(text)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def _write(self, text: str) -> None:
        self.stream.write(self.mask(text) + "\n")
        self.stream.flush()

    def header(self, title: str) -> None:
        """The buildpack's own banner, printed once at the start of detect or build."""
        self._write(f"\n[{title}]")

    def section(self, title: str) -> None:
        """A step of the build, e.g. "Installing Python"."""
        self._write(f"\n## {title}\n")

    def step(self, text: str) -> None:
        self._write(f"- {text}")

    def detail(self, text: str) -> None:
        self._write(f"  {text}")

    def output(self, line: str) -> None:
        """A line printed by a command we run, indented under the step that ran it."""
        self._write(f"      {line.rstrip()}")

    def summary(self, title: str, rows: list[tuple[str, str]]) -> None:
        """An aligned block of resolved inputs and decisions, shown before any work starts."""
        self.section(title)
        width = max((len(name) for name, _ in rows), default=0)
        for name, value in rows:
            self._write(f"  {name.ljust(width)}  {value}")

    def warning(self, title: str, body: str = "") -> None:
        self._write(f"\n! WARNING: {title}")
        for line in body.strip("\n").splitlines():
            self._write(f"! {line}" if line else "!")
        self._write("")

    def error(self, error: BuildpackError) -> None:
        self._write(f"\n! ERROR: {error.title}")
        if error.details:
            self._write("!")
            for line in error.details.strip("\n").splitlines():
                self._write(f"! {line}" if line else "!")
        if error.fix:
            self._write("!")
            self._write("! To fix this:")
            for number, step in enumerate(error.fix, start=1):
                first, *rest = step.splitlines()
                self._write(f"!   {number}. {first}")
                for line in rest:
                    self._write(f"!      {line}")
        self._write("")

    @contextmanager
    def timed(self, text: str) -> Iterator[None]:
        """Log `text` as a step, run the block, then say how long it took."""
        self.step(text)
        started = time.monotonic()
        yield
        self.detail(f"Done ({format_duration(time.monotonic() - started)})")


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m {seconds}s"
