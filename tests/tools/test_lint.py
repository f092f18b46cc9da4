"""The repository passes the lint rules pyproject.toml selects (pyflakes, pycodestyle's errors, the line length)."""

import subprocess
import sys

from support.apps import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
