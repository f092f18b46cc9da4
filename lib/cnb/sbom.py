"""CycloneDX SBOMs for layers (`<layer>.sbom.cdx.json`, Buildpack API 0.10), the same bytes for the same content."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .toml import write_atomically

# Licenses are named as in the SPDX License List, https://spdx.org/licenses/. These common
# identifiers are written as ids; any other text is written as a license name, which is never
# wrong where a guessed id could be.
SPDX_IDS = frozenset({
    "0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "GPL-2.0-or-later", "GPL-3.0-or-later", "ISC",
    "LGPL-2.1-or-later", "LGPL-3.0-or-later", "MIT", "MPL-2.0", "PSF-2.0", "Python-2.0", "Unlicense", "Zlib",
})
# Free-text forms that name exactly one of those licenses. "BSD" and "BSD License" are absent:
# they do not say which clauses, so they stay names.
SPDX_IDS_BY_TEXT = {
    "MIT License": "MIT",
    "Apache 2.0": "Apache-2.0",
    "Apache License 2.0": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0",
    "Apache Software License": "Apache-2.0",
    "Apache Software License 2.0": "Apache-2.0",
    "ISC License": "ISC",
    "Mozilla Public License 2.0": "MPL-2.0",
    "The Unlicense": "Unlicense",
}
# SPDX ids match case-insensitively (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/), and so do these texts.
SPDX_IDS_BY_FOLDED_TEXT = {
    **{spdx_id.casefold(): spdx_id for spdx_id in SPDX_IDS},
    **{text.casefold(): spdx_id for text, spdx_id in SPDX_IDS_BY_TEXT.items()},
}
SPDX_OPERATORS = frozenset({"AND", "OR", "WITH"})

CYCLONEDX_MEDIA_TYPE = "application/vnd.cyclonedx+json"
SPEC_VERSION = "1.5"
# Serial numbers are uuid5 names in this namespace, so a document's content fixes its serial number.
SERIAL_NUMBER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/pycnb/pycnb#sbom")


@dataclass(frozen=True)
class Component:
    """One thing a layer holds: a package, or a runtime (`type="application"`)."""

    name: str
    version: str
    purl: str
    licenses: list[str] = field(default_factory=list)
    type: str = "library"
    description: str = ""


def is_spdx_expression(text: str) -> bool:
    """Whether `text` is a compound SPDX expression: operands joined by AND/OR/WITH, in balanced parentheses."""
    tokens = re.findall(r"[()]|[^\s()]+", text)
    depth, expect_operand, has_operator = 0, True, False
    for token in tokens:
        if token == "(" and expect_operand:
            depth += 1
        elif token == ")" and not expect_operand and depth > 0:
            depth -= 1
        elif token in SPDX_OPERATORS and not expect_operand:
            expect_operand, has_operator = True, True
        elif re.fullmatch(r"[A-Za-z0-9.:-]+\+?", token) and expect_operand:
            expect_operand = False
        else:
            return False
    return has_operator and depth == 0 and not expect_operand


def _licenses(licenses: list[str]) -> list[dict[str, Any]]:
    """CycloneDX license choices: one expression alone (the schema allows no other entry beside it), or ids and names."""
    if len(licenses) == 1 and is_spdx_expression(licenses[0]):
        return [{"expression": licenses[0]}]
    if any(is_spdx_expression(text) for text in licenses):
        raise ValueError(f"an SPDX expression must be a component's only license: {licenses}")
    choices = []
    for text in licenses:
        spdx_id = SPDX_IDS_BY_FOLDED_TEXT.get(text.casefold())
        choices.append({"license": {"id": spdx_id} if spdx_id else {"name": text}})
    return choices


def _component(component: Component) -> dict[str, Any]:
    """The component's CycloneDX entry, empty fields left out rather than written empty."""
    entry = {
        "type": component.type,
        "bom-ref": component.purl,
        "name": component.name,
        "version": component.version,
        "description": component.description,
        "licenses": _licenses(component.licenses),
        "purl": component.purl,
    }
    return {key: value for key, value in entry.items() if value}


def cyclonedx_document(components: list[Component], *, tool_name: str, tool_version: str) -> dict[str, Any]:
    """The CycloneDX 1.5 document listing `components`; no timestamp, so that builds are reproducible."""
    ordered = sorted(components, key=lambda component: (component.name, component.version, component.purl))
    content = {
        "metadata": {"tools": {"components": [{"type": "application", "name": tool_name, "version": tool_version}]}},
        "components": [_component(component) for component in ordered],
    }
    serial_number = uuid.uuid5(SERIAL_NUMBER_NAMESPACE, json.dumps(content, sort_keys=True, separators=(",", ":")))
    return {"bomFormat": "CycloneDX", "specVersion": SPEC_VERSION, "serialNumber": serial_number.urn, "version": 1, **content}


def write_cyclonedx(layers_dir: Path, layer_name: str, components: list[Component], *, tool_name: str, tool_version: str) -> Path:
    """Write the layer's SBOM beside its `<layer>.toml`, where the lifecycle collects it; return its path."""
    path = layers_dir / f"{layer_name}.sbom.cdx.json"
    document = cyclonedx_document(components, tool_name=tool_name, tool_version=tool_version)
    write_atomically(path, json.dumps(document, indent=2, sort_keys=False) + "\n")
    return path
