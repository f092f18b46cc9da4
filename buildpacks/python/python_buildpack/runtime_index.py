"""The runtime index: which CPython builds exist for which target, where, with which sha256.

An index is a JSON file an operator can host anywhere (a URL or a path); archive URLs in it
may be relative to the index. The builder carries one in the buildpack for offline builds;
`BP_PYTHON_RUNTIME_INDEX` points at another. Downloads time out, retry (`download`), and are
verified: an archive of the wrong size or sha256 is never unpacked.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from cnb.context import Target
from packaging.version import Version

from . import download, messages
from .python_version import VersionRequest

INDEX_ENV_VAR = "BP_PYTHON_RUNTIME_INDEX"
EMBEDDED_INDEX = Path("runtimes") / "index.json"
SCHEMA_VERSION = 1
# The versions `./pycnb runtimes` compiles (X.Y.Z, pycnb_tools/runtimes.py), which VersionRequest.matches compares.
RELEASE = re.compile(r"[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,9}")
_STRING_FIELDS = ("version", "os", "arch", "distro_name", "distro_version", "url", "sha256")


@dataclass(frozen=True)
class Runtime:
    version: str
    os: str
    arch: str
    distro_name: str
    distro_version: str
    url: str
    sha256: str
    size: int

    def matches(self, target: Target) -> bool:
        # A lifecycle that does not know the distro leaves it empty: then any distro will do.
        return (
            self.os == target.os
            and self.arch == target.arch
            and (not target.distro_name or self.distro_name == target.distro_name)
            and (not target.distro_version or self.distro_version == target.distro_version)
        )


@dataclass(frozen=True)
class RuntimeIndex:
    location: str
    runtimes: list[Runtime]
    network: download.Settings = field(default_factory=download.Settings)

    def for_target(self, target: Target) -> list[Runtime]:
        return sorted((r for r in self.runtimes if r.matches(target)), key=lambda r: Version(r.version), reverse=True)

    def select(self, request: VersionRequest, target: Target) -> Runtime:
        """The newest runtime for `target` that satisfies `request`."""
        candidates = self.for_target(target)
        for runtime in candidates:
            if request.matches(runtime.version):
                return runtime
        raise messages.python_version_unavailable(request, [r.version for r in candidates], target, self.location)


def locate(buildpack_dir: Path, env: dict[str, str]) -> str:
    return env.get(INDEX_ENV_VAR, "").strip() or str(buildpack_dir / EMBEDDED_INDEX)


def load(location: str, network: download.Settings | None = None) -> RuntimeIndex:
    network = network or download.Settings()

    def fetch() -> bytes:
        with download.open_location(location, network) as response:
            return response.read()

    raw = download.with_retries(fetch, location, network,
                                lambda reason, attempts: messages.runtime_index_unreachable(location, reason, attempts))
    try:
        document = json.loads(raw)
        if document.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version is {document.get('schema_version')!r}, expected {SCHEMA_VERSION}")
        runtimes = [
            Runtime(
                version=entry["version"], os=entry["os"], arch=entry["arch"],
                distro_name=entry["distro"]["name"], distro_version=entry["distro"]["version"],
                url=entry["url"], sha256=entry["sha256"], size=int(entry["size"]),
            )
            for entry in document["runtimes"]
        ]
        for runtime in runtimes:
            _check(runtime)
    except RecursionError:  # json.loads of `[[[[...`
        raise messages.runtime_index_invalid(location, "its arrays or objects are nested too deeply") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise messages.runtime_index_invalid(location, str(error)) from None
    return RuntimeIndex(location, runtimes, network)


def _check(runtime: Runtime) -> None:
    """Refuse an entry that selecting or downloading it would trip over later."""
    for name in _STRING_FIELDS:
        if not isinstance(getattr(runtime, name), str):
            raise TypeError(f"the {name} of runtime {runtime.version!r} is {getattr(runtime, name)!r}, not a string")
    if not RELEASE.fullmatch(runtime.version):
        raise ValueError(f"runtime version {runtime.version!r} is not a release version such as 3.13.15")


def archive_location(index: RuntimeIndex, runtime: Runtime) -> str:
    """The archive's absolute URL or path: relative entries are relative to the index."""
    if download.is_url(runtime.url) or runtime.url.startswith("/"):
        return runtime.url
    if download.is_url(index.location):
        return urllib.parse.urljoin(index.location, runtime.url)
    return str(Path(index.location).parent / runtime.url)


def fetch_archive(index: RuntimeIndex, runtime: Runtime, destination: Path) -> None:
    """Copy the runtime archive to `destination`, verifying its size and sha256 on the way.

    A short or corrupt download is tried again (a proxy or mirror may have cut it); after the
    last attempt nothing is left at `destination`.
    """
    location = archive_location(index, runtime)

    def fetch() -> None:
        digest, size = hashlib.sha256(), 0
        with download.open_location(location, index.network) as source, open(destination, "wb") as target:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        if size != runtime.size:
            raise download.Retryable(f"received {size} bytes, the index says {runtime.size}")
        if digest.hexdigest() != runtime.sha256:
            raise download.Retryable(f"received sha256 {digest.hexdigest()}, the index says {runtime.sha256}")

    def failed(reason: str, attempts: int) -> Exception:
        destination.unlink(missing_ok=True)
        if reason.startswith("received "):
            return messages.runtime_checksum_mismatch(location, reason, attempts)
        return messages.runtime_download_failed(location, reason, attempts)

    download.with_retries(fetch, location, index.network, failed)
