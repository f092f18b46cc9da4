"""The SBOM components of the Python layers: the CPython runtime, and the distributions an interpreter can import."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from pathlib import Path

from cnb.sbom import Component
from packaging.utils import canonicalize_name

from . import messages

TIMEOUT_SECONDS = 60
# Run by the interpreter being described, so it sees exactly that interpreter's sys.path. The
# License field is sometimes a whole license text: only a short one-line value names a license.
SCRIPT = """
import importlib.metadata, json
found = []
for dist in importlib.metadata.distributions():
    metadata = dist.metadata
    license = (metadata.get("License") or "").strip()
    found.append({
        "name": metadata.get("Name") or "",
        "version": metadata.get("Version") or "",
        "license_expression": (metadata.get("License-Expression") or "").strip(),
        "license": license if len(license) <= 100 and "\\n" not in license else "",
        "classifiers": [c for c in metadata.get_all("Classifier") or [] if c.startswith("License ::")],
    })
print(json.dumps(found))
"""
# Trove classifiers (the text after their last ` :: `) that name one SPDX license, https://spdx.org/licenses/.
# Others, such as "BSD License" (which clauses?), are kept as license names.
SPDX_IDS_BY_CLASSIFIER = {
    "MIT License": "MIT",
    "Apache Software License": "Apache-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "The Unlicense (Unlicense)": "Unlicense",
    "zlib/libpng License": "Zlib",
}


def _classifier_licenses(classifiers: list[str]) -> list[str]:
    """The licenses `License :: ...` classifiers name, as SPDX ids where one fits; the bare `OSI Approved` names none."""
    licenses: list[str] = []
    for classifier in classifiers:
        text = classifier.split(" :: ")[-1]
        license = SPDX_IDS_BY_CLASSIFIER.get(text, text)
        if classifier != "License :: OSI Approved" and license not in licenses:
            licenses.append(license)
    return licenses


def distribution_component(record: dict) -> Component:
    """A distribution's component; its license from License-Expression (PEP 639), else the License field, else classifiers."""
    name = canonicalize_name(record["name"])
    if record["license_expression"]:
        licenses = [record["license_expression"]]
    elif record["license"] and record["license"].upper() != "UNKNOWN":
        licenses = [record["license"]]
    else:
        licenses = _classifier_licenses(record["classifiers"])
    purl = f"pkg:pypi/{name}@{urllib.parse.quote(record['version'], safe='')}"
    return Component(name=record["name"], version=record["version"], purl=purl, licenses=licenses)


def installed_distributions(python: Path) -> list[Component]:
    """Every distribution `python` can import, the first of each name on its sys.path, as it would load them."""
    argv = [str(python), "-I", "-c", SCRIPT]
    try:
        completed = subprocess.run(
            argv, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired:
        raise messages.sbom_failed(f"{python} did not finish within {TIMEOUT_SECONDS} seconds.") from None
    if completed.returncode != 0:
        raise messages.sbom_failed(f"{completed.stdout}{completed.stderr}{python} exited with code {completed.returncode}.")
    try:
        records = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise messages.sbom_failed(f"{completed.stdout}{completed.stderr}{python} printed no JSON list of distributions.") from None
    components: dict[str, Component] = {}
    for record in records:
        if record["name"]:
            components.setdefault(canonicalize_name(record["name"]), distribution_component(record))
    return list(components.values())


def runtime_component(version: str, sha256: str) -> Component:
    """The CPython runtime, identified by the checksum of the archive it was installed from."""
    return Component(
        name="cpython", version=version, purl=f"pkg:generic/cpython@{version}?checksum=sha256:{sha256}",
        licenses=["PSF-2.0"], type="application", description="CPython runtime",
    )
