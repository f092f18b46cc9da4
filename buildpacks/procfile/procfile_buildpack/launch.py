"""Procfile processes as CNB launch processes: each run through bash, one of them the default."""

from __future__ import annotations

from cnb.launch import Process

from .procfile import ProcessDefinition

DEFAULT_PROCESS = "web"


def default_process(definitions: list[ProcessDefinition]) -> str | None:
    """`web`, else the only process; several without `web` leave the choice to whoever launches (SPEC 10)."""
    names = [definition.name for definition in definitions]
    if DEFAULT_PROCESS in names:
        return DEFAULT_PROCESS
    return names[0] if len(names) == 1 else None


def processes(definitions: list[ProcessDefinition]) -> list[Process]:
    """Launch processes are direct since Buildpack API 0.9, so `bash -c` gives `$PORT`, `&&` and quotes their meaning."""
    default = default_process(definitions)
    return [
        Process(type=definition.name, command=["bash", "-c", definition.command], args=[], default=definition.name == default)
        for definition in definitions
    ]
