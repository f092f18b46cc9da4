"""Fetching from the Debian mirror: the suite's InRelease (signature checked), the Packages index and .deb
files, each checked against the sha256 the level above lists, kept in a cache layer between builds."""

from __future__ import annotations

import hashlib
import lzma
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from cnb import download
from cnb.log import Logger, mask_url_credentials

from . import messages
from .debian_index import Index, Package, parse_packages, release_sha256

MIRROR_ENV_VAR = "BP_APT_MIRROR"
TIMEOUT_ENV_VAR = "BP_APT_DOWNLOAD_TIMEOUT"
RETRIES_ENV_VAR = "BP_APT_DOWNLOAD_RETRIES"
# http, as apt itself uses: the InRelease signature, then sha256 at every level, make the transport's
# own security unneeded, and no CA bundle is needed to reach it.
DEFAULT_MIRROR = "http://deb.debian.org/debian"
SUITE = "trixie"
COMPONENT = "main"
# Debian's archive keys (package debian-archive-keyring), and apt's own verifier.
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
SQV_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.pgp")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Mirror:
    url: str
    settings: download.Settings

    def dist(self, path: str) -> str:
        return f"{self.url}/dists/{SUITE}/{path}"

    def pool(self, filename: str) -> str:
        return f"{self.url}/{filename}"


def mirror(env: dict[str, str]) -> Mirror:
    """The mirror and download settings the build asks for, checked before any download."""
    url = env.get(MIRROR_ENV_VAR, "").strip().rstrip("/") or DEFAULT_MIRROR
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise messages.invalid_mirror(MIRROR_ENV_VAR, url) from None
    if parts.scheme not in {"http", "https", "file"} or (parts.scheme != "file" and not parts.netloc):
        raise messages.invalid_mirror(MIRROR_ENV_VAR, url)
    return Mirror(url, download.settings(env, TIMEOUT_ENV_VAR, RETRIES_ENV_VAR))


def _fetch(url: str, destination: Path, mirror: Mirror, what: str, sha256: str | None = None, size: int | None = None) -> None:
    """Download `url` to `destination`, retried; with `sha256`, only a file that has it is kept."""

    def attempt() -> None:
        digest, received = hashlib.sha256(), 0
        with (
            download.open_location(url, mirror.settings) as source,
            tempfile.NamedTemporaryFile(dir=destination.parent, delete=False) as target,
        ):
            try:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    received += len(chunk)
                    target.write(chunk)
            except BaseException:
                os.unlink(target.name)
                raise
        if size is not None and received != size:
            os.unlink(target.name)
            raise download.Retryable(f"received {received} bytes, the index says {size}")
        if sha256 is not None and digest.hexdigest() != sha256:
            os.unlink(target.name)
            raise download.Retryable(f"received sha256 {digest.hexdigest()}, the index says {sha256}")
        os.replace(target.name, destination)

    download.with_retries(attempt, url, mirror.settings,
                          lambda reason, attempts: messages.download_failed(what, mask_url_credentials(url), reason, attempts))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _verified_release(path: Path, url: str, log: Logger) -> str:
    """The text InRelease signs, as the verifier returns it once the signature checks against Debian's archive keyring.

    Trixie's apt verifies with sqv (Sequoia), older systems with gpgv; either is used, whichever the build image has.
    """
    verified = path.with_name("Release.verified")
    verified.unlink(missing_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GNUPGHOME": str(path.parent / "gnupg")}
    if shutil.which("sqv") and SQV_KEYRING.is_file():
        argv = ["sqv", "--keyring", str(SQV_KEYRING), "--cleartext", "--output", str(verified), str(path)]
    elif shutil.which("gpgv") and KEYRING.is_file():
        argv = ["gpgv", "--keyring", str(KEYRING), "--output", str(verified), str(path)]
    else:
        title, body = messages.signature_not_checked(f"neither sqv with {SQV_KEYRING} nor gpgv with {KEYRING} is in the build image")
        log.warning(title, body)
        return path.read_text(encoding="utf-8", errors="replace")
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=env, stdin=subprocess.DEVNULL)
    if result.returncode != 0 or not verified.is_file():
        raise messages.signature_invalid(url, result.stderr + result.stdout)
    log.step(f"Verified the signature of Debian {SUITE}'s release file ({argv[0]})")
    return verified.read_text(encoding="utf-8", errors="replace")


def load_index(mirror: Mirror, cache: Path, arch: str, log: Logger) -> Index:
    """The suite's Packages index for `arch`, downloaded only when the Release lists a new one."""
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "gnupg").mkdir(mode=0o700, exist_ok=True)
    release_url = mirror.dist("InRelease")
    _fetch(release_url, cache / "InRelease", mirror, f"the Debian {SUITE} release file")
    hashes = release_sha256(_verified_release(cache / "InRelease", release_url, log))
    for name, decompress in ((f"{COMPONENT}/binary-{arch}/Packages.xz", lzma.decompress),
                             (f"{COMPONENT}/binary-{arch}/Packages.gz", _gunzip)):
        if name in hashes:
            break
    else:
        raise messages.index_not_in_release(f"{COMPONENT}/binary-{arch}/Packages.xz", release_url)
    listed = hashes[name]
    local = cache / Path(name).name
    if local.is_file() and _sha256(local) == listed.sha256:
        log.step(f"Using the cached package index of Debian {SUITE} ({messages.size(listed.size)})")
    else:
        with log.timed(f"Downloading the package index of Debian {SUITE} {COMPONENT} {arch} ({messages.size(listed.size)})"):
            _fetch(mirror.dist(name), local, mirror, f"the Debian {SUITE} package index", listed.sha256, listed.size)
    return parse_packages(decompress(local.read_bytes()).decode("utf-8", "replace"))


def _gunzip(data: bytes) -> bytes:
    import gzip

    return gzip.decompress(data)


def fetch_debs(packages: list[Package], mirror: Mirror, cache: Path, log: Logger) -> dict[str, Path]:
    """Each package's .deb, from the cache when its sha256 matches, else from the mirror; the cache keeps only these."""
    folder = cache / "debs"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {package.name: folder / Path(package.filename).name for package in packages}
    for stale in set(folder.iterdir()) - set(wanted.values()):
        stale.unlink()
    missing = [package for package in packages if not (wanted[package.name].is_file() and _sha256(wanted[package.name]) == package.sha256)]
    if len(missing) < len(packages):
        log.step(f"Using {len(packages) - len(missing)} cached package files")
    if missing:
        total = sum(package.size for package in missing)
        with log.timed(f"Downloading {len(missing)} packages ({messages.size(total)})"):
            for package in missing:
                _fetch(mirror.pool(package.filename), wanted[package.name], mirror, f"{package.name} {package.version}", package.sha256,
                       package.size or None)
    return wanted
