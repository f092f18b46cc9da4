"""Running a command for the build: log it first, stream its output masked, return its output."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from .log import Logger


def run(log: Logger, argv: list[str], *, env: dict[str, str], cwd: Path | None = None, quiet: bool = False) -> tuple[int, list[str]]:
    """Run `argv`, streaming each output line to the log unless `quiet`; return (exit code, lines)."""
    log.detail(f"Running: {shlex.join(argv)}")
    lines: list[str] = []
    with subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        text=True, encoding="utf-8", errors="replace", bufsize=1,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if not quiet:
                log.output(line)
    return process.returncode, lines
