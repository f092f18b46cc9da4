"""Reading the build log the way a user reads it."""

from __future__ import annotations

import re


def summary_value(log: str, label: str) -> str:
    """The value of a build summary row (`  <label>   <value>`), whatever the column width."""
    match = re.search(rf"^  {re.escape(label)} +(.*)$", log, re.MULTILINE)
    assert match, f"no summary row {label!r} in the log"
    return match.group(1)
