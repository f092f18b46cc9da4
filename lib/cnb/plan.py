"""The build plan: what detect provides and requires, and the entries build receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import toml


@dataclass
class Require:
    name: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_toml(self) -> dict[str, Any]:
        return {"name": self.name, "metadata": self.metadata} if self.metadata else {"name": self.name}


@dataclass
class BuildPlan:
    """One alternative of a detect result: `[[provides]]` and `[[requires]]`."""

    provides: list[str] = field(default_factory=list)
    requires: list[Require] = field(default_factory=list)

    def to_toml(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        if self.provides:
            document["provides"] = [{"name": name} for name in self.provides]
        if self.requires:
            document["requires"] = [require.to_toml() for require in self.requires]
        return document

    def write(self, path: Path) -> None:
        toml.dump(self.to_toml(), path)


def write_alternatives(path: Path, first: BuildPlan, *others: BuildPlan) -> None:
    """Several plans, `[[or]]` after the first: the lifecycle takes the first one the group can meet
    (a requirement no buildpack of the group provides makes it try the next)."""
    document = first.to_toml()
    if others:
        document["or"] = [plan.to_toml() for plan in others]
    toml.dump(document, path)


@dataclass
class Entry:
    """An entry of the buildpack plan that build receives: a requirement this buildpack met."""

    name: str
    metadata: dict[str, Any]


def read_buildpack_plan(path: Path) -> list[Entry]:
    return [Entry(entry["name"], entry.get("metadata", {})) for entry in toml.load(path).get("entries", [])]
