"""`./pycnb --help` names the command users type."""

import subprocess

from support.apps import ROOT


def test_help_says_dot_slash_pycnb():
    result = subprocess.run([str(ROOT / "pycnb"), "--help"], capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ./pycnb [OPTIONS] COMMAND [ARGS]...")
    assert "python -m" not in result.stdout


def test_a_subcommand_help_says_dot_slash_pycnb_too():
    result = subprocess.run([str(ROOT / "pycnb"), "package", "--help"], capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=ROOT)
    assert result.stdout.startswith("Usage: ./pycnb package [OPTIONS]"), result.stdout
