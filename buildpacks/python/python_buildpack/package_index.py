"""Why pip found no versions of a package: the package does not exist, or its index did not answer.

pip says "No matching distribution found" in both cases, and with PIP_RETRIES=0 or an index that
answers 5xx it prints nothing else at its default verbosity. So when pip found no versions at
all, the buildpack asks the index for the package's page once itself, and an index that refuses,
hangs or fails is reported as such, with its URL masked.
"""

from __future__ import annotations

import http.client
import re
import urllib.error

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import download

PYPI = "https://pypi.org/simple"
# pip's default socket timeout, used when neither we nor the user set one.
PIP_DEFAULT_TIMEOUT_SECONDS = 15.0
_NO_VERSIONS = re.compile(r"Could not find a version that satisfies the requirement (\S+) \(from versions: none\)")


def index_url(env: dict[str, str]) -> str:
    """The index pip asked (PIP_INDEX_URL, else PyPI); an `-i` line in requirements.txt is not seen here."""
    return env.get("PIP_INDEX_URL", "").strip() or PYPI


def _timeout(env: dict[str, str]) -> float:
    for name in ("PIP_TIMEOUT", "PIP_DEFAULT_TIMEOUT"):
        try:
            seconds = float(env[name])
        except (KeyError, ValueError):
            continue
        # A socket timeout must be a finite number above 0: `inf` raised an OverflowError.
        if 0 < seconds <= 3600:
            return seconds
    return PIP_DEFAULT_TIMEOUT_SECONDS


def unreachable(output: list[str], env: dict[str, str]) -> tuple[str, str] | None:
    """(index URL, what went wrong) when pip found no versions because the index did not answer."""
    match = _NO_VERSIONS.search("\n".join(output))
    if not match:
        return None
    try:
        project = canonicalize_name(Requirement(match.group(1)).name)
    except InvalidRequirement:
        return None
    index = index_url(env)
    page = f"{index.rstrip('/')}/{project}/"
    settings = download.Settings(timeout=_timeout(env), retries=0)
    try:
        with download.open_location(page, settings, cafile=env.get("PIP_CERT") or env.get("SSL_CERT_FILE")) as response:
            response.read(1)
    except urllib.error.HTTPError as error:
        error.close()
        return (index, f"{page} answered HTTP {error.code} {error.reason}") if error.code >= 500 else None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        return index, f"{page}: {download.describe(error, settings)}"
    return None
