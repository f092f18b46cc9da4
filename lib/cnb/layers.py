"""Layers: their folders, `<layer>.toml` (types and metadata) and env files.

A layer's TOML is written last and removed first, so a layer whose content was cut short
(a failed or killed build) has no metadata and is never trusted by a later build.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import toml

if TYPE_CHECKING:
    from .log import Logger

Scope = Literal["build", "launch", "both"]
Action = Literal["override", "default", "prepend", "append"]

# Names the lifecycle reserves (Buildpack API: layers named build, launch or store are an error).
RESERVED_NAMES = frozenset({"build", "launch", "store"})


@dataclass(frozen=True)
class Layer:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def toml_path(self) -> Path:
        return self.path.with_name(f"{self.name}.toml")

    def metadata(self) -> dict[str, Any]:
        """The metadata restored from the previous build, or {} when there is none to trust."""
        if not self.path.is_dir():
            return {}
        return toml.load(self.toml_path).get("metadata", {})

    def reset(self) -> None:
        """Empty the layer before new content is written (metadata first, then files)."""
        self.invalidate()
        if self.path.exists() or self.path.is_symlink():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)

    def invalidate(self) -> None:
        """Forget the metadata before changing the content in place: trusted again only once committed."""
        self.toml_path.unlink(missing_ok=True)

    def commit(self, *, build: bool = False, launch: bool = False, cache: bool = False, metadata: dict[str, Any] | None = None) -> None:
        """Declare the layer complete: write its types and metadata."""
        toml.dump({"types": {"build": build, "launch": launch, "cache": cache}, "metadata": metadata or {}}, self.toml_path)

    def set_env(self, name: str, value: str, *, scope: Scope = "both", action: Action = "override", delim: str | None = None) -> None:
        """Write an env file: `env/` for build and launch, `env.build/` or `env.launch/` for one."""
        folder = self.path / {"both": "env", "build": "env.build", "launch": "env.launch"}[scope]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.{action}").write_text(value, encoding="utf-8")
        if delim is not None:
            (folder / f"{name}.delim").write_text(delim, encoding="utf-8")


class Layers:
    """The buildpack's layers folder (`CNB_LAYERS_DIR`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, name: str) -> Layer:
        if name in RESERVED_NAMES:
            raise ValueError(f"layer name {name!r} is reserved by the lifecycle")
        return Layer(self.path / name)


@dataclass(frozen=True)
class CacheDecision:
    """What to do with a cached layer: reuse it, update it in place, or discard it; and why."""

    cached: bool
    reasons: tuple[str, ...] = ()
    update_in_place: bool = False

    @property
    def reuse(self) -> bool:
        return self.cached and not self.reasons

    def summary(self) -> str:
        """One line for the build summary."""
        if self.reuse:
            return "reuse"
        if not self.cached:
            return "install: nothing cached"
        return ("update in place: " if self.update_in_place else "install: ") + "; ".join(self.reasons)

    def log(self, log: "Logger", what: str) -> None:
        """'Using cached X', or 'Updating/Discarding cached X since:' with a bullet per reason."""
        if self.reuse:
            log.step(f"Using cached {what}")
        elif self.cached:
            log.step(f"{'Updating' if self.update_in_place else 'Discarding'} cached {what} since:")
            for reason in self.reasons:
                log.detail(f"- {reason}")
