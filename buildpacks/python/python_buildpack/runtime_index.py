"""The runtime index: which CPython builds exist for which target, where, with which sha256.

An index is a JSON file an operator can host anywhere (a URL or a path); archive URLs in it
may be relative to the index. The builder carries one in the buildpack for offline builds;
`BP_PYTHON_RUNTIME_INDEX` points at another. Downloads time out, retry, and are verified.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cnb.context import Target
from packaging.version import Version

from . import messages
from .python_version import VersionRequest

INDEX_ENV_VAR = "BP_PYTHON_RUNTIME_INDEX"
EMBEDDED_INDEX = Path("runtimes") / "index.json"
SCHEMA_VERSION = 1
TIMEOUT_SECONDS = 30
ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 1


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


def _is_url(location: str) -> bool:
    return urllib.parse.urlsplit(location).scheme in {"http", "https", "file"}


def _open(location: str):
    if _is_url(location):
        return urllib.request.urlopen(location, timeout=TIMEOUT_SECONDS)  # noqa: S310 - operator-chosen URL
    return open(location, "rb")


def _with_retries(action, location: str):
    """Run `action`, retrying network failures with a growing pause; local files are tried once."""
    attempts = ATTEMPTS if _is_url(location) else 1
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == attempts:
                raise messages.runtime_index_unreachable(location, str(getattr(error, "reason", error)), attempts) from None
            time.sleep(RETRY_PAUSE_SECONDS * attempt)
        except FileNotFoundError:
            raise messages.runtime_index_unreachable(location, "no such file", 1) from None
        except OSError as error:  # a folder, a file the build user cannot read, ...
            raise messages.runtime_index_unreachable(location, (error.strerror or str(error)).lower(), 1) from None


def load(location: str) -> RuntimeIndex:
    def fetch() -> bytes:
        with _open(location) as response:
            return response.read()

    raw = _with_retries(fetch, location)
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
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise messages.runtime_index_invalid(location, str(error)) from None
    return RuntimeIndex(location, runtimes)


def archive_location(index: RuntimeIndex, runtime: Runtime) -> str:
    """The archive's absolute URL or path: relative entries are relative to the index."""
    if _is_url(runtime.url) or runtime.url.startswith("/"):
        return runtime.url
    if _is_url(index.location):
        return urllib.parse.urljoin(index.location, runtime.url)
    return str(Path(index.location).parent / runtime.url)


def fetch_archive(index: RuntimeIndex, runtime: Runtime, destination: Path) -> None:
    """Copy the runtime archive to `destination`, verifying its sha256 on the way."""
    location = archive_location(index, runtime)

    def fetch() -> str:
        digest = hashlib.sha256()
        with _open(location) as source, open(destination, "wb") as target:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                target.write(chunk)
        return digest.hexdigest()

    actual = _with_retries(fetch, location)
    if actual != runtime.sha256:
        destination.unlink(missing_ok=True)
        raise messages.runtime_checksum_mismatch(location, runtime.sha256, actual)
