"""A private apt configuration for fetching Debian packages and sources without touching the
host's apt state: its own sources list, lists and cache under pycnb's cache folder."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import shell
from .paths import cache_dir

KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
DEFAULT_MIRROR = "http://deb.debian.org/debian"


def host_mirror() -> str:
    """The Debian mirror the host's apt uses, so we reach Debian wherever the host's apt does."""
    for sources in [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]:
        if sources.is_file():
            for line in sources.read_text().splitlines():
                if line.startswith("URIs:") and "security" not in line:
                    return line.split()[1]
                if line.startswith("deb ") and "security" not in line:
                    return next(part for part in line.split()[1:] if "://" in part)
    return DEFAULT_MIRROR


class PrivateApt:
    """apt-get and apt-cache with their own state, for `kind` ("deb" or "deb-src") of `suites`."""

    def __init__(self, name: str, kind: str, suites: tuple[str, ...], step: str, fix: str) -> None:
        self.root = cache_dir() / "apt" / name
        self.step, self.fix = step, fix
        for folder in ("lists/partial", "cache/archives/partial"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        mirror = host_mirror()
        (self.root / "sources.list").write_text("".join(f"{kind} [signed-by={KEYRING}] {mirror} {suite} main\n" for suite in suites))
        self._updated = False

    def _options(self) -> list[str]:
        return [
            "-o", f"Dir::Etc::SourceList={self.root / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", f"Dir::State::Lists={self.root / 'lists'}", "-o", f"Dir::Cache={self.root / 'cache'}",
            "-o", "Dir::State::status=/dev/null", "-o", "APT::Sandbox::User=root",
        ]

    def _run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        if not self._updated:
            shell.run(self.step, ["apt-get", *self._options(), "update", "-qq"], fix=self.fix, capture=True)
            self._updated = True
        return shell.run(self.step, [tool, *self._options(), *args], fix=self.fix, capture=True, cwd=cwd)

    def source_versions(self, package: str) -> list[str]:
        listing = self._run("apt-cache", "showsrc", package)
        return [line.split()[1] for line in listing.splitlines() if line.startswith("Version:")]

    def download_source(self, package: str, version: str, destination: Path) -> None:
        self._run("apt-get", "source", "--download-only", f"{package}={version}", cwd=destination)

    def download(self, packages: tuple[str, ...], destination: Path) -> list[Path]:
        """The .deb files of `packages` (their newest versions in the suites), in `destination`."""
        self._run("apt-get", "download", *packages, cwd=destination)
        return sorted(destination.glob("*.deb"))

    def unpack(self, packages: tuple[str, ...], root: Path) -> None:
        """`packages` extracted (dpkg-deb -x, no maintainer scripts) into `root`, which appears whole or not at all."""
        partial = root.with_name(root.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="pycnb-debs-") as downloads:
            for deb in self.download(packages, Path(downloads)):
                shell.run(self.step, ["dpkg-deb", "-x", str(deb), str(partial)],
                          fix=f"check that {root.parent} is writable and has free space")
        partial.rename(root)


def host_install(packages: list[str], step: str, fix: str) -> None:
    """Install `packages` with the host's own apt (root only); lists are refreshed first."""
    shell.run(step, ["apt-get", "update", "-qq"], fix=fix, capture=True)
    shell.run(step, ["apt-get", "install", "-y", "-qq", *packages], fix=fix, capture=True, env={"DEBIAN_FRONTEND": "noninteractive"})
