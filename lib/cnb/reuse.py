"""Launch layers reused from the previous image, with a one-file build copy in the cache.

A reusable layer `<name>` is launch-only; its copy `<name>-copy` is a cache layer holding an archive
of the same files (docs/design/layer-reuse.md). When the previous image has the layer as wanted, the
buildpack writes `<name>.toml` with no folder and the exporter reuses the image's layer, moving no
bytes; a build step that needs the files unpacks the copy into the layer's own folder (and `release`
removes them again, unchanged, before the export), or reads a copy unpacked elsewhere.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from . import archive
from .layer_content import Fingerprint, fingerprint
from .layers import CONTENT_KEY, CacheDecision, Layer, Layers

if TYPE_CHECKING:
    from .log import Logger

COPY_SUFFIX = "-copy"
# The state a build hands to later buildpacks (`State`), in a build layer's folder.
STATE_FILE = "reuse.json"
# The build environment's list (":"-separated) of the state files of every buildpack whose kept layers a
# later step may need in place (pycnb/apt's libraries): `publish` adds one, `materialize_published` and
# `release_published` act on all.
PUBLISHED_ENV_VAR = "PYCNB_KEPT_LAYERS"



class How(StrEnum):
    """What a build does with a reusable layer."""

    KEEP = "keep"  # the previous image's layer, by its TOML alone: no files
    MATERIALIZE = "materialize"  # unchanged, unpacked from the copy (the image lacks it, or its folder was left)
    UPDATE = "update"  # unpacked from the copy, then brought up to date in place
    INSTALL = "install"  # made anew

    @property
    def runs_installer(self) -> bool:
        """Whether the layer's content is made or changed by this build (so it runs the runtime)."""
        return self in (How.UPDATE, How.INSTALL)


@dataclass(frozen=True)
class RestoredReusable:
    """What a previous build left of a reusable layer: the metadata of the previous image's layer and of the copy."""

    image: dict[str, Any]
    copy: dict[str, Any]
    copy_problems: tuple[str, ...]
    # A folder left by a buildpack that cached the layer itself (before launch-only reuse).
    stale_folder: bool


class ReusableLayer:
    def __init__(self, layers: Layers, name: str) -> None:
        self.layer = layers.get(name)
        self.copy = layers.get(name + COPY_SUFFIX)

    @property
    def path(self) -> Path:
        return self.layer.path

    @property
    def archive(self) -> Path:
        return self.copy.path / archive.ARCHIVE_NAME

    def restore(self) -> RestoredReusable:
        image = self.layer.image_metadata()
        copy = self.copy.restore(check_content=False)
        if copy.problems or copy.metadata:
            copy_problems = copy.problems or archive.problems(self.copy, copy.metadata)
        else:
            # Metadata with no files: the restorer skipped a copy whose tar did not match its digest.
            copy_problems = (archive.NO_ARCHIVE,) if self.copy.image_metadata() else ()
        return RestoredReusable(
            image=image,
            copy={} if copy_problems else _without_record(copy.metadata),
            copy_problems=copy_problems,
            stale_folder=self.path.is_dir(),
        )

    def keep(self, metadata: dict[str, Any]) -> None:
        """Reuse the previous image's layer: its TOML and no folder. The copy stays as restored."""
        if self.path.exists():
            shutil.rmtree(self.path)
        self.layer.commit(launch=True, metadata=metadata)
        self.copy.commit(cache=True, metadata=self.copy.metadata())

    def materialize(self) -> None:
        """Unpack the copy into the layer's folder, unless the folder already holds it (a platform that
        keeps the layers folder between builds). A kept layer's TOML stays: only its files are unpacked."""
        recorded = Fingerprint.from_metadata(self.copy.metadata().get(CONTENT_KEY))
        if self.path.is_dir() and recorded is not None and fingerprint(self.path) == recorded:
            return
        archive.unpack(self.archive, self.path)

    def reset(self) -> None:
        """Start the layer anew; the copy is forgotten until `commit` writes a new one."""
        self.copy.invalidate()
        self.layer.reset()

    def commit(self, metadata: dict[str, Any], *, copy_changed: bool = True) -> None:
        """Declare the layer's folder complete, and archive it as the copy (unless the copy already holds it)."""
        self.layer.commit(launch=True, metadata=metadata)
        if copy_changed or archive.problems(self.copy, self.copy.metadata()):
            self.copy.reset()
            recorded = archive.pack(self.path, self.archive)
            content = fingerprint(self.path)
            self.copy.commit(cache=True,
                             metadata={**metadata, archive.ARCHIVE_KEY: recorded.as_metadata(), CONTENT_KEY: content.as_metadata()})
        else:
            self.copy.commit(cache=True, metadata=self.copy.metadata())

    def kept_entry(self) -> dict[str, Any]:
        """What `State.materialize` and `State.release` need to know of a kept layer."""
        return {"path": str(self.path), "archive": str(self.archive), CONTENT_KEY: self.copy.metadata().get(CONTENT_KEY)}


@dataclass(frozen=True)
class ReuseDecision:
    """A cache decision on the copy (`CacheDecision`), and how the launch layer follows from it."""

    cache: CacheDecision
    how: How
    # Why the copy is unpacked rather than the image's layer kept.
    why_unpacked: str = ""

    @classmethod
    def of(cls, restored: RestoredReusable, wanted: dict[str, Any], cache: CacheDecision) -> "ReuseDecision":
        if cache.update_in_place:
            return cls(cache, How.UPDATE)
        if not cache.reuse:
            return cls(cache, How.INSTALL)
        if restored.stale_folder:
            return cls(cache, How.MATERIALIZE, "its folder was kept from the previous build")
        if not same(restored.image, wanted):
            return cls(cache, How.MATERIALIZE,
                       "the previous image does not have it" if not restored.image else "the previous image's layer differs")
        return cls(cache, How.KEEP)

    @property
    def reuse(self) -> bool:
        return self.cache.reuse

    def summary(self) -> str:
        if self.how is How.KEEP:
            return "reuse: the previous image's layer (nothing restored)"
        if self.how is How.MATERIALIZE:
            return f"reuse: unpacked from the build cache ({self.why_unpacked})"
        return self.cache.summary()

    def log(self, log: "Logger", what: str) -> None:
        if self.how is How.KEEP:
            log.step(f"Using cached {what}: the previous image's layer, unchanged")
        elif self.how is How.MATERIALIZE:
            log.step(f"Using cached {what} from the build cache, since {self.why_unpacked}")
        else:
            self.cache.log(log, what)


Metadata = TypeVar("Metadata")


@dataclass(frozen=True)
class LayerPlan(Generic[Metadata]):
    """What a build means to do with one reusable layer, the same shape for every layer: the layer, the
    metadata it should end with (a dataclass), and the decision (keep, unpack, update or install, and why)."""

    layer: ReusableLayer
    wanted: Metadata
    decision: ReuseDecision

    @property
    def metadata(self) -> dict[str, Any]:
        return asdict(self.wanted)  # type: ignore[call-overload]


def same(previous: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether metadata read back (from an image label, where numbers become floats) equals `wanted`."""
    return bool(previous) and json.loads(json.dumps(previous)) == json.loads(json.dumps(wanted))


def _without_record(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in metadata.items() if key not in (archive.ARCHIVE_KEY, CONTENT_KEY)}


class State:
    """The kept layers a later build step may unpack (`materialize`) and remove again (`release`).

    Written by the buildpack that owns them into a build layer's folder, so that every later
    buildpack (through a program the owner puts in the build environment) can act on it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, kept: list[ReusableLayer], materialized: list[ReusableLayer]) -> None:
        entries = [dict(layer.kept_entry(), materialized=layer in materialized) for layer in kept]
        self.path.write_text(json.dumps({"kept": entries}, indent=1) + "\n", encoding="utf-8")

    def _read(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        return json.loads(self.path.read_text(encoding="utf-8")).get("kept", [])

    def materialize(self) -> list[str]:
        """Unpack every kept layer not yet unpacked; return their folders."""
        entries = self._read()
        wanted = [entry for entry in entries if not entry["materialized"] or not Path(entry["path"]).is_dir()]
        archive.unpack_all([(Path(entry["archive"]), Path(entry["path"])) for entry in wanted])
        for entry in wanted:
            entry["materialized"] = True
        self._save(entries)
        return [entry["path"] for entry in wanted]

    def read_only_copies(self, scratch: Path, leave_out: Callable[[str], bool] | None = None) -> dict[str, Path]:
        """Where each kept layer's files can be read: its own folder if unpacked, else a copy unpacked
        under `scratch`, by layer name, without the members `leave_out` names. Nothing written there reaches
        the image; it is for steps that only read the files, and much faster where the layers volume makes
        creating files slow."""
        found, wanted = {}, []
        for entry in self._read():
            folder = Path(entry["path"])
            if entry["materialized"] and folder.is_dir():
                found[folder.name] = folder
            else:
                found[folder.name] = scratch / folder.name
                wanted.append((Path(entry["archive"]), scratch / folder.name))
        archive.unpack_all(wanted, leave_out)
        return found

    def release(self) -> tuple[list[str], list[str]]:
        """Remove every unpacked kept layer whose files are unchanged; return (removed, changed)."""
        entries, removed, changed = self._read(), [], []
        for entry in entries:
            folder = Path(entry["path"])
            if not entry["materialized"] or not folder.is_dir():
                continue
            if fingerprint(folder) == Fingerprint.from_metadata(entry.get(CONTENT_KEY)):
                shutil.rmtree(folder)
                entry["materialized"] = False
                removed.append(str(folder))
            else:
                changed.append(str(folder))
        self._save(entries)
        return removed, changed

    def _save(self, entries: list[dict[str, Any]]) -> None:
        self.path.write_text(json.dumps({"kept": entries}, indent=1) + "\n", encoding="utf-8")


def publish(build_layer: Layer, state: Path) -> None:
    """Name `state` in the build environment of the buildpacks after this one."""
    build_layer.set_env(PUBLISHED_ENV_VAR, str(state), scope="build", action="append", delim=":")


def _published(env: dict[str, str]) -> list[State]:
    return [State(Path(path)) for path in env.get(PUBLISHED_ENV_VAR, "").split(":") if path]


def materialize_published(env: dict[str, str]) -> list[str]:
    """Unpack, in their own folders, the kept layers earlier buildpacks published; return those folders."""
    return [folder for state in _published(env) for folder in state.materialize()]


def release_published(env: dict[str, str]) -> tuple[list[str], list[str]]:
    """`State.release` for every published state: (removed, changed)."""
    removed: list[str] = []
    changed: list[str] = []
    for state in _published(env):
        gone, kept = state.release()
        removed += gone
        changed += kept
    return removed, changed
