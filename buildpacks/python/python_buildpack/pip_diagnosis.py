"""What pip's output says went wrong when it failed: the cause, in the user's words, with its fix.

For every pip install the buildpack runs (package_managers/pip.py, and the extra packages in layers/venv.py);
package_index.py asks the index itself when pip found no versions at all.
"""

from __future__ import annotations

import re

from cnb.errors import BuildpackError
from cnb.log import mask_url_credentials

from .package_index import PYPI


_TLS_FIX = ("The index's certificate is not trusted. Behind a TLS-intercepting proxy, give the build its CA as a ca-certificates binding "
            "(see the README: Using the builder with pack).")


_UNREACHABLE_FIX = [
    "Check that PIP_INDEX_URL (or -i / --index-url in requirements.txt) names a reachable index, with valid credentials.",
    "Check that the build can reach it: pack build --network host, a proxy's HTTPS_PROXY, a firewall.",
    "A slow index: raise PIP_TIMEOUT (seconds, default 15 here) or PIP_RETRIES (default 2 here).",
]


# What pip's output says went wrong, in the order checked: (pattern, title, fix steps).
# `{0}` in the text is the pattern's first group.
_PIP_FAILURES = (
    (r"No space left on device", "The build ran out of disk space",
     ["Free disk space on the build machine (e.g. `docker system prune`), then build again."]),
    # pip's words for a download whose bytes differ from the hash in requirements.txt or in the index's link.
    (r"THESE PACKAGES DO NOT MATCH THE HASHES", "A downloaded package does not match its hash in the requirements or in the index {index}",
     ["If you changed a pin, regenerate the hashes (`pip-compile --generate-hashes`).",
      "If not, the index or a proxy served other bytes than it announced: retry, and tell the index's operator if it persists."]),
    (r"Hashes are required in --require-hashes mode", "A requirement has no hash, and --require-hashes needs one for every package",
     ["Generate the hashes for every package, dependencies included: `pip-compile --generate-hashes`."]),
    # Every request pip made failed at the network level, so it found no versions at all.
    (r"(?s)(?:NewConnectionError|ConnectTimeoutError|ReadTimeoutError|Read timed out|ProxyError|Max retries exceeded|"
     r"Could not fetch URL \S+: (?!404)).*"
     r"No matching distribution found", "Cannot reach the package index {index}", _UNREACHABLE_FIX),
    (r"error: incomplete-download|IncompleteRead|Connection broken:|ContentDecodingError", "A download from {index} was cut short",
     ["Retry the build: the connection to the index or a proxy broke during a download.",
      "If it persists, the index serves incomplete files: tell its operator, or point PIP_INDEX_URL at a mirror."]),
    (r"Invalid requirement: '?([^'\n]*)'?", "requirements.txt has a line pip cannot read: {0}",
     ["Fix the line pip names above (the form is `name==version`, see https://pip.pypa.io/en/stable/reference/requirement-specifiers/)."]),
    (r"No matching distribution found for (\S+)", "No package matches {0}",
     ["Check the spelling and version of {0} on https://pypi.org (or on your PIP_INDEX_URL).",
      "A version may not exist for this Python version: check .python-version."]),
    (r"ResolutionImpossible|conflicting dependencies", "The requirements conflict",
     ["Change the pins pip names above so that every package's requirements can be met (pip-compile finds a set that works)."]),
    (r"pg_config executable not found", "psycopg2 needs libpq to build from source",
     ["Use `psycopg2-binary`, or build with an image that has libpq-dev (pycnb's build image has it)."]),
    (r"mysql_config|mariadb_config", "mysqlclient needs the MariaDB/MySQL client headers",
     ["Build with an image that has default-libmysqlclient-dev (pycnb's build image has it)."]),
    (r"fatal error: ([\w./-]+\.h): No such file or directory", "A package's C extension needs the header {0}",
     ["List the Debian -dev package that provides {0} in an Aptfile at the app root (find it with the \"search the contents\"\n"
      "   form of https://packages.debian.org/trixie/); pip then compiles against it and the app loads its library at run time.",
      "Or pin a version of the package that has a wheel for this Python (nothing to compile)."]),
    # An old sdist whose setup.py reads its version with `exec(...)` then `locals()["__version__"]`: PEP 667
    # (Python 3.13) made locals() in a function a snapshot that exec cannot write to. Pillow before 10.4 does it,
    # and pip compiles it because those releases have no wheel for 3.13.
    (r"(?s)\A(?=.*?KeyError: '__version__').*(?:Downloading|Using cached) (?:\S*/)?([A-Za-z0-9][A-Za-z0-9._-]*?)-(\d[^\s/]*?)"
     r"\.(?:tar\.gz|zip)\b.*?KeyError: '__version__'",
     "{0} {1} cannot be built on Python 3.13 or newer",
     ["Pin a release of {0} that has a wheel for this Python "
      "(https://pypi.org/project/{0}/#files lists them; for Pillow, 10.4.0 or newer).",
      "Or build on Python 3.11 (`3.11` in .python-version), where {0} {1} builds or has a wheel."],
     "{0} {1} has no wheel for this Python, so pip builds it from source, and its setup.py fails with KeyError: '__version__'\n"
     "before compiling anything: it reads its version with exec() and locals()[\"__version__\"], which Python 3.13 changed\n"
     "(PEP 667: locals() in a function is now a snapshot exec() cannot add to)."),
)


# pip names the index it uses unless it is PyPI: "Looking in indexes: https://user:****@host/simple".
_LOOKING_IN = re.compile(r"Looking in indexes: (\S+)")


def install_failed(output: list[str], unreachable_index: tuple[str, str] | None = None) -> BuildpackError:
    """What pip's output says went wrong; `unreachable_index` is (URL, reason) when the buildpack
    found that the index pip found no versions on does not answer."""
    if unreachable_index:
        return index_unreachable(*unreachable_index)
    text = "\n".join(output)
    looking_in = _LOOKING_IN.search(text)
    index = mask_url_credentials(looking_in.group(1).rstrip(",") if looking_in else PYPI)
    title, fix = ("Installing the app's dependencies failed",
                  ["Run `pip install -r requirements.txt` in a fresh virtual environment to reproduce it."])
    why = ""
    for pattern, cause, steps, *explained in _PIP_FAILURES:
        match = re.search(pattern, text)
        if match:
            found = match.groups()
            title, fix = cause.format(*found, index=index), [step.format(*found, index=index) for step in steps]
            why = "".join(explained).format(*found) + "\n\n" if explained else ""
            break
    return BuildpackError(title, why + "pip's output is above; it ends with:\n" + "\n".join(output[-12:]), fix)


def index_unreachable(url: str, reason: str) -> BuildpackError:
    return BuildpackError(
        f"Cannot reach the package index {mask_url_credentials(url)}",
        f"pip found no versions of the app's packages because the index did not answer:\n{mask_url_credentials(reason)}",
        ([_TLS_FIX] if "CERTIFICATE_VERIFY_FAILED" in reason else []) + _UNREACHABLE_FIX,
    )
