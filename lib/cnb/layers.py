"""Layers: their folders, `<layer>.toml` (types and metadata) and env files.

A layer's TOML is written last and removed first, so a layer whose content was cut short
(a failed or killed build) has no metadata and is never trusted by a later build. A layer
committed with `check_content` also records its content fingerprint (`layer_content`), so one
damaged after it was committed (a file lost or cut short in the cache) is not trusted either.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import toml
from .layer_content import Fingerprint, fingerprint

if TYPE_CHECKING:
    from .log import Logger

Scope = Literal["build", "launch", "both"]
Action = Literal["override", "default", "prepend", "append"]

# Names the lifecycle reserves (Buildpack API: layers named build, launch or store are an error).
RESERVED_NAMES = frozenset({"build", "launch", "store"})
# The metadata key under which a layer's content fingerprint is recorded.
CONTENT_KEY = "content"


@dataclass(frozen=True)
class Restored:
    """What a previous build left in a layer: its metadata, and every reason not to trust it."""

    metadata: dict[str, Any]
    problems: tuple[str, ...] = ()

    @property
    def cached(self) -> bool:
        return bool(self.metadata or self.problems)


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
        return self.restore(check_content=False).metadata

    def image_metadata(self) -> dict[str, Any]:
        """The metadata the restorer handed back for a launch-only layer of the previous image (no files), or {}."""
        try:
            document = toml.load(self.toml_path)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, RecursionError, OSError):
            return {}
        metadata = document.get("metadata", {})
        return metadata if isinstance(metadata, dict) else {}

    def restore(self, *, check_content: bool = True) -> Restored:
        """The previous build's metadata if the layer can be trusted, else the reasons it cannot.

        With `check_content`, the layer must hold exactly what it held when it was committed.
        """
        has_content = self.path.is_dir() and any(self.path.iterdir())
        try:
            document = toml.load(self.toml_path)
        # tomllib also raises a plain ValueError (a number of over 4300 digits) and RecursionError
        # (arrays nested thousands deep).
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, RecursionError, OSError) as error:
            return Restored({}, (f"{UNREADABLE_METADATA} ({self.toml_path.name}: {type(error).__name__})",))
        if not document:
            # An empty folder is what a build that failed before writing anything leaves.
            return Restored({}, (f"{UNFINISHED} (no {self.toml_path.name})",) if has_content else ())
        metadata = document.get("metadata", {})
        if not isinstance(metadata, dict):
            return Restored({}, (f"{UNREADABLE_METADATA} ({self.toml_path.name}: no [metadata] table)",))
        if not self.path.is_dir():
            return Restored({}, (NO_CONTENT,)) if check_content else Restored({})
        if not check_content:
            return Restored(metadata)
        recorded = Fingerprint.from_metadata(metadata.get(CONTENT_KEY))
        if recorded is None:
            return Restored({}, (NO_FINGERPRINT,))
        found = fingerprint(self.path)
        if found != recorded:
            return Restored({}, (f"{CONTENT_CHANGED} (it held {recorded.entries} files, folders and links; it holds {found.entries})",))
        return Restored(metadata)

    def reset(self) -> None:
        """Empty the layer before new content is written (metadata first, then files)."""
        self.invalidate()
        if self.path.exists() or self.path.is_symlink():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)

    def invalidate(self) -> None:
        """Forget the metadata before changing the content in place: trusted again only once committed."""
        self.toml_path.unlink(missing_ok=True)

    def commit(self, *, build: bool = False, launch: bool = False, cache: bool = False, metadata: dict[str, Any] | None = None,
               check_content: bool = False) -> None:
        """Declare the layer complete: write its types and metadata (with its fingerprint if `check_content`)."""
        metadata = dict(metadata or {})
        if check_content:
            metadata[CONTENT_KEY] = fingerprint(self.path).as_metadata()
        toml.dump({"types": {"build": build, "launch": launch, "cache": cache}, "metadata": metadata}, self.toml_path)

    def keep_cached(self) -> None:
        """Declare a restored cache-only layer again, unchanged: the lifecycle drops a cache layer a build
        does not declare, and a build that runs no installer declares none of the installers' caches."""
        if self.path.is_dir():
            self.commit(cache=True, metadata=self.metadata())

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


# Why a cached layer is not trusted, whatever it holds (shown under "Discarding cached ... since:").
UNFINISHED = "an earlier build stopped before finishing it"
UNREADABLE_METADATA = "its metadata is unreadable"
NO_CONTENT = "its files are missing"
NO_FINGERPRINT = "it has no record of its content (cached by an older buildpack, or damaged)"
CONTENT_CHANGED = "its files changed after it was cached"


@dataclass(frozen=True)
class CacheDecision:
    """What to do with a cached layer: reuse it, update it in place, or discard it; and why."""

    cached: bool
    reasons: tuple[str, ...] = ()
    update_in_place: bool = False

    @property
    def reuse(self) -> bool:
        return self.cached and not self.reasons

    @classmethod
    def untrusted(cls, problems: tuple[str, ...]) -> "CacheDecision":
        """Discard a layer the previous build left in a state that cannot be trusted."""
        return cls(cached=True, reasons=problems)

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
