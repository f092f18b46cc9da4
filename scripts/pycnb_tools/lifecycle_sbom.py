"""SBOMs of the lifecycle and launcher binaries, from the module list Go embeds in them.

The lifecycle's exporter copies `/cnb/lifecycle/{lifecycle,launcher}.sbom.{cdx,spdx,syft}.json` into
every image it makes, and warns "Did not find SBOM <name> in /cnb/lifecycle" for each one missing
(lifecycle phase/exporter.go, copyDefaultSBOMsForComponent; SBOMExtensions in phase/sbom.go): six
warnings in every build log. pack copies every `<folder>/<file>` of the lifecycle tarball into
/cnb/lifecycle (pack internal/builder/builder.go, embedLifecycleTar), so the tarball carries them,
as the lifecycle's own release tarballs do. We write them from what the binaries were built from:
`go version -m` lists the main module, every module compiled in with its version and go.sum hash,
and the Go toolchain.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import StepError

STEP = "toolchain"
COMPONENTS = ("lifecycle", "launcher")
# The three formats the exporter looks for (lifecycle phase/sbom.go SBOMExtensions).
EXTENSIONS = ("sbom.cdx.json", "sbom.spdx.json", "sbom.syft.json")
# SPDX requires a creation time; the binaries' build time is not recorded, so a fixed one keeps the
# tarball (and so the builder) the same bytes on every machine: 1980-01-01T00:00:01Z, as for .pyc and wheels.
CREATED = "1980-01-01T00:00:01Z"
SYFT_SCHEMA = "16.0.0"


@dataclass(frozen=True)
class Module:
    path: str
    version: str
    sum: str = ""

    @property
    def purl(self) -> str:
        return f"pkg:golang/{self.path}@{self.version}"


@dataclass(frozen=True)
class BuildInfo:
    binary: str  # e.g. lifecycle
    go: str  # e.g. go1.26.8
    package: str  # the main package, e.g. github.com/buildpacks/lifecycle/cmd/lifecycle
    main: Module
    deps: list[Module]
    sha256: str


def parse_build_info(name: str, text: str, sha256: str) -> BuildInfo:
    """`go version -m` output: a `<file>: goX.Y.Z` line, then tab-separated path/mod/dep/=>/build rows."""
    lines = text.splitlines()
    go = lines[0].rsplit(": ", 1)[1].strip()
    package, main, deps = "", Module(name, "(devel)"), []
    for line in lines[1:]:
        fields = line.strip().split("\t")
        if fields[0] == "path":
            package = fields[1]
        elif fields[0] == "mod":
            main = Module(fields[1], fields[2], fields[3] if len(fields) > 3 else "")
        elif fields[0] == "dep":
            deps.append(Module(fields[1], fields[2], fields[3] if len(fields) > 3 else ""))
        elif fields[0] == "=>" and deps:  # a replace: the module compiled in is the replacement
            deps[-1] = Module(fields[1], fields[2], fields[3] if len(fields) > 3 else "")
    return BuildInfo(name, go, package, main, deps, sha256)


def build_info(binary: Path) -> BuildInfo:
    result = subprocess.run(["go", "version", "-m", str(binary)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StepError(STEP, f"`go version -m {binary}` failed: {result.stderr.strip()}",
                        "rebuild the lifecycle: remove ~/.cache/pycnb/lifecycle")
    return parse_build_info(binary.name, result.stdout, hashlib.sha256(binary.read_bytes()).hexdigest())


def _stdlib(info: BuildInfo) -> Module:
    return Module("stdlib", info.go.removeprefix("go"))


def cyclonedx(info: BuildInfo) -> dict:
    """CycloneDX 1.5: the binary as the metadata component, each Go module (and the standard library) a library."""
    def component(module: Module) -> dict:
        item = {"type": "library", "bom-ref": module.purl, "name": module.path, "version": module.version, "purl": module.purl}
        if module.sum.startswith("h1:"):
            item["properties"] = [{"name": "go:sum", "value": module.sum}]
        return item

    modules = [*info.deps, _stdlib(info)]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "pycnb", "description": "from `go version -m`"}]},
            "component": {
                "type": "application", "bom-ref": info.main.purl, "name": info.binary, "version": info.main.version, "purl": info.main.purl,
                "hashes": [{"alg": "SHA-256", "content": info.sha256}],
                "properties": [{"name": "go:package", "value": info.package}, {"name": "go:toolchain", "value": info.go}],
            },
        },
        "components": [component(module) for module in modules],
        "dependencies": [{"ref": info.main.purl, "dependsOn": [module.purl for module in modules]}],
    }


def _spdx_id(module: Module) -> str:
    return "SPDXRef-Package-" + "".join(c if c.isalnum() or c in ".-" else "-" for c in f"{module.path}-{module.version}")


def spdx(info: BuildInfo) -> dict:
    """SPDX 2.3 JSON: the binary's package describes the document and contains each Go module."""
    def package(module: Module, files_analyzed: bool = False) -> dict:
        return {
            "SPDXID": _spdx_id(module), "name": module.path, "versionInfo": module.version,
            "downloadLocation": "NOASSERTION", "filesAnalyzed": files_analyzed, "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION", "copyrightText": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": module.purl}],
        }

    main = package(info.main)
    main["checksums"] = [{"algorithm": "SHA256", "checksumValue": info.sha256}]
    modules = [*info.deps, _stdlib(info)]
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{info.binary}-{info.main.version}",
        "documentNamespace": f"https://pycnb.invalid/spdx/{info.binary}-{info.main.version}-{info.sha256}",
        "creationInfo": {"created": CREATED, "creators": ["Tool: pycnb (go version -m)"]},
        "documentDescribes": [main["SPDXID"]],
        "packages": [main, *(package(module) for module in modules)],
        "relationships": [
            {"spdxElementId": main["SPDXID"], "relationshipType": "CONTAINS", "relatedSpdxElement": _spdx_id(module)} for module in modules
        ],
    }


def syft(info: BuildInfo) -> dict:
    """Syft's own JSON format (schema 16): one go-module artifact per module, found in the binary."""
    location = f"/cnb/lifecycle/{info.binary}"

    def artifact(module: Module) -> dict:
        return {
            "id": hashlib.sha256(module.purl.encode()).hexdigest()[:16], "name": module.path, "version": module.version,
            "type": "go-module", "foundBy": "pycnb", "locations": [{"path": location}], "licenses": [], "language": "go",
            "cpes": [], "purl": module.purl,
            "metadataType": "go-module-buildinfo-entry",
            "metadata": {"goCompiledVersion": info.go, "architecture": "amd64", "h1Digest": module.sum, "mainModule": info.main.path},
        }

    return {
        "artifacts": [artifact(module) for module in [info.main, *info.deps, _stdlib(info)]],
        "artifactRelationships": [],
        "source": {"id": info.sha256, "name": info.binary, "version": info.main.version, "type": "file",
                   "metadata": {"path": location, "digests": [{"algorithm": "sha256", "value": info.sha256}]}},
        "distro": {},
        "descriptor": {"name": "pycnb", "version": "go version -m"},
        "schema": {"version": SYFT_SCHEMA, "url": f"https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-{SYFT_SCHEMA}.json"},
    }


def documents(binaries: Path) -> dict[str, bytes]:
    """`<component>.<extension>` -> file content, for both binaries in `binaries`."""
    files: dict[str, bytes] = {}
    for component in COMPONENTS:
        info = build_info(binaries / component)
        for extension, make in zip(EXTENSIONS, (cyclonedx, spdx, syft)):
            files[f"{component}.{extension}"] = (json.dumps(make(info), indent=2, sort_keys=True) + "\n").encode()
    return files
