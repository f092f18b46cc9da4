"""`launch.toml`: the processes an image can run.

From Buildpack API 0.9 every process is direct: `command` is an argv array and nothing is
run through a shell unless the command itself is `bash -c ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import toml

# Buildpack API: process types are letters, digits, '.', '_' and '-'. Use with fullmatch().
PROCESS_TYPE = re.compile(r"[A-Za-z0-9._-]+")


@dataclass
class Process:
    type: str
    command: list[str]
    args: list[str] = field(default_factory=list)
    default: bool = False
    working_dir: str | None = None

    def to_toml(self) -> dict[str, Any]:
        process: dict[str, Any] = {"type": self.type, "command": self.command, "args": self.args, "default": self.default}
        if self.working_dir:
            process["working-dir"] = self.working_dir
        return process


def write_launch(layers_dir: Path, processes: list[Process], labels: dict[str, str] | None = None) -> None:
    document: dict[str, Any] = {"processes": [process.to_toml() for process in processes]}
    if labels:
        document["labels"] = [{"key": key, "value": value} for key, value in labels.items()]
    toml.dump(document, layers_dir / "launch.toml")
