"""The lifecycle tarball carries SBOMs of the lifecycle and launcher, written from `go version -m`."""

import json
import tarfile

from pycnb_tools import lifecycle_sbom, toolchain

GO_VERSION_M = """/cache/lifecycle/v0.21.0/launcher: go1.26.8
\tpath\tgithub.com/buildpacks/lifecycle/cmd/launcher
\tmod\tgithub.com/buildpacks/lifecycle\tv0.21.0\th1:s2ok=
\tdep\tgithub.com/BurntSushi/toml\tv1.5.0\th1:W5qu=
\tdep\tgithub.com/old/name\tv1.0.0
\t=>\tgithub.com/new/name\tv1.0.1\th1:abcd=
\tbuild\t-trimpath=true
"""


def test_build_info_is_read_from_go_version_m_with_replacements():
    info = lifecycle_sbom.parse_build_info("launcher", GO_VERSION_M, "0" * 64)
    assert (info.go, info.package, info.main) == ("go1.26.8", "github.com/buildpacks/lifecycle/cmd/launcher",
                                                  lifecycle_sbom.Module("github.com/buildpacks/lifecycle", "v0.21.0", "h1:s2ok="))
    assert [(m.path, m.version) for m in info.deps] == [("github.com/BurntSushi/toml", "v1.5.0"), ("github.com/new/name", "v1.0.1")]


def test_the_tarball_holds_every_sbom_the_exporter_looks_for_in_valid_formats():
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    with tarfile.open(toolchain.lifecycle_tarball()) as archive:
        names = set(archive.getnames())
        # The exporter warns "Did not find SBOM <component>.<extension> in /cnb/lifecycle" for each one missing.
        expected = {f"lifecycle/{c}.{e}" for c in ("lifecycle", "launcher") for e in ("sbom.cdx.json", "sbom.spdx.json", "sbom.syft.json")}
        assert expected <= names
        cdx = archive.extractfile("lifecycle/launcher.sbom.cdx.json").read().decode()
        spdx = json.loads(archive.extractfile("lifecycle/lifecycle.sbom.spdx.json").read())
        syft = json.loads(archive.extractfile("lifecycle/lifecycle.sbom.syft.json").read())
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(cdx) is None
    document = json.loads(cdx)
    assert document["metadata"]["component"]["purl"] == f"pkg:golang/github.com/buildpacks/lifecycle@v{toolchain.LIFECYCLE_VERSION}"
    assert any(c["name"] == "golang.org/x/sys" for c in document["components"])
    assert spdx["spdxVersion"] == "SPDX-2.3" and len(spdx["packages"]) == len(spdx["relationships"]) + 1
    assert any(a["purl"].startswith("pkg:golang/github.com/docker/") for a in syft["artifacts"])
