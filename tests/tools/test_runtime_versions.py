"""Which CPython versions `./pycnb runtimes` compiles: the operator's configuration, checked."""

import pytest

from pycnb_tools import runtimes
from pycnb_tools.errors import StepError
from pycnb_tools.stacks import TRIXIE, Stack


def stack_listing(tmp_path, text: str) -> Stack:
    (tmp_path / "python-versions.txt").write_text(text)
    return Stack("test", "build", "run", tmp_path)


def test_the_stack_file_lists_the_default_versions_newest_first(monkeypatch):
    monkeypatch.delenv(runtimes.VERSIONS_ENV_VAR, raising=False)
    versions = runtimes.configured_versions(TRIXIE)
    assert versions[0].startswith("3.13.") and len(versions) >= 2


def test_comments_blank_lines_and_repeats_are_ignored(monkeypatch, tmp_path):
    monkeypatch.delenv(runtimes.VERSIONS_ENV_VAR, raising=False)
    stack = stack_listing(tmp_path, "# ours\n3.12.12  # for the old apps\n\n3.14.1\n3.12.12\n")
    assert runtimes.configured_versions(stack) == ("3.12.12", "3.14.1")


def test_the_env_var_wins_over_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv(runtimes.VERSIONS_ENV_VAR, "3.14.1, 3.13.15")
    assert runtimes.configured_versions(stack_listing(tmp_path, "3.12.12\n")) == ("3.14.1", "3.13.15")


@pytest.mark.parametrize(("text", "problem"), [
    ("3.13.15\n3.13\n", "line 2: '3.13' is not an exact CPython version"),
    ("python-3.13.15\n", "line 1: 'python-3.13.15' is not an exact CPython version"),
    ("# nothing yet\n", "names no CPython version"),
])
def test_a_bad_file_names_its_line(monkeypatch, tmp_path, text, problem):
    monkeypatch.delenv(runtimes.VERSIONS_ENV_VAR, raising=False)
    with pytest.raises(StepError) as raised:
        runtimes.configured_versions(stack_listing(tmp_path, text))
    assert problem in raised.value.problem
    assert "python-versions.txt" in raised.value.problem
