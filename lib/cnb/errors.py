"""Errors a buildpack raises for the user, and the exit codes the CNB spec gives them."""

from __future__ import annotations

from dataclasses import dataclass, field

# Buildpack API: detect exits 100 when the buildpack does not apply; any other
# non-zero exit from detect or build is an error.
DETECT_PASS = 0
DETECT_FAIL = 100
ERROR = 1


class DetectFail(Exception):
    """The buildpack does not apply to this app: detect exits 100, quietly or with one line of why."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class BuildpackError(Exception):
    """A failure the user can fix; its text is written by the buildpack's messages module.

    `title` says what went wrong, `details` what was found (file, line, values), and
    `fix` the numbered steps to put it right.
    """

    title: str
    details: str = ""
    fix: list[str] = field(default_factory=list)
    exit_code: int = ERROR

    def __str__(self) -> str:
        return self.title
