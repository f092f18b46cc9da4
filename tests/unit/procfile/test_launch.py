"""Procfile processes as launch processes: bash -c commands and the default process (SPEC clause 10)."""

from __future__ import annotations

import pytest

from cnb.launch import Process
from procfile_buildpack.launch import default_process, processes
from procfile_buildpack.procfile import ProcessDefinition


def definitions(*names: str) -> list[ProcessDefinition]:
    return [ProcessDefinition(name, f"run {name}", line_number) for line_number, name in enumerate(names, start=1)]


def test_every_process_runs_its_command_through_bash_with_no_args() -> None:
    command = "python manage.py migrate && gunicorn -b \"0.0.0.0:$PORT\" app:app"
    assert processes([ProcessDefinition("web", command, 1)]) == [Process("web", ["bash", "-c", command], [], default=True)]


@pytest.mark.parametrize(
    ("names", "default"),
    [
        (("worker", "web", "clock"), "web"),
        (("worker",), "worker"),
        (("worker", "clock"), None),
        (("Web", "worker"), None),
    ],
)
def test_spec_10_web_is_the_default_else_the_only_process_else_none(names: tuple[str, ...], default: str | None) -> None:
    assert default_process(definitions(*names)) == default
    assert [(process.type, process.default) for process in processes(definitions(*names))] == [(name, name == default) for name in names]


def test_spec_10_processes_keep_procfile_order() -> None:
    assert [process.type for process in processes(definitions("zeta", "web", "alpha"))] == ["zeta", "web", "alpha"]
