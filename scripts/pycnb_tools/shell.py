"""Running external commands: say what runs, stream its output, turn failure into a StepError."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import click

from .errors import StepError


def say(text: str) -> None:
    click.echo(click.style("==> ", fg="cyan", bold=True) + text)


def warn(text: str) -> None:
    click.echo(click.style("==> Warning: ", fg="yellow", bold=True) + text, err=True)


def run(step: str, argv: list[str], *, fix: str, cwd: Path | None = None, env: dict[str, str] | None = None, capture: bool = False) -> str:
    """Run `argv`; on failure raise StepError(step, ..., fix). Returns stdout when `capture`."""
    click.echo(click.style(f"$ {shlex.join(argv)}", dim=True))
    try:
        result = subprocess.run(
            argv, cwd=cwd, env={**os.environ, **(env or {})}, check=False, text=True,
            stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None, stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise StepError(step, f"{argv[0]} is not installed", fix) from None
    if result.returncode != 0:
        tail = f"\n{result.stdout[-3000:]}" if capture and result.stdout else ""
        raise StepError(step, f"`{shlex.join(argv[:3])} ...` exited with {result.returncode}{tail}", fix)
    return result.stdout or ""
