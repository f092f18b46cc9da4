"""Detect and build for the Procfile buildpack: find the Procfile, log its processes, write launch.toml."""

from __future__ import annotations

from cnb.context import BuildContext, DetectContext
from cnb.errors import DetectFail
from cnb.launch import write_launch
from cnb.log import Logger

from . import launch, messages, procfile


def detect(context: DetectContext, log: Logger) -> None:
    # A link or a folder named Procfile passes too, so that build says what is wrong with it.
    path = context.app_dir / procfile.FILENAME
    if not (path.exists() or path.is_symlink()):
        raise DetectFail


def build(context: BuildContext, log: Logger) -> None:
    log.header("pycnb/procfile")
    parsed = procfile.read(context.app_dir)
    default = launch.default_process(parsed.processes)

    log.section("Procfile")
    for definition in parsed.processes:
        log.step(messages.process_step(definition.name, definition.command, definition.name == default))
    if default is None:
        log.detail(messages.no_default_process(parsed.processes[0].name))
    for title, body in parsed.warnings:
        log.warning(title, body)

    write_launch(context.layers_dir, launch.processes(parsed.processes))
