import json

import pytest

from cnb.sbom import CYCLONEDX_MEDIA_TYPE, Component, is_spdx_expression, write_cyclonedx

CLICK = Component("click", "8.5.1", "pkg:pypi/click@8.5.1", ["BSD-3-Clause"])
CPYTHON = Component(
    "cpython", "3.13.15", f"pkg:generic/cpython@3.13.15?checksum=sha256:{'a' * 64}", ["PSF-2.0"],
    type="application", description="CPython runtime",
)


def write(tmp_path, components, layer="venv"):
    path = write_cyclonedx(tmp_path, layer, components, tool_name="pycnb/python", tool_version="0.1.0")
    return path, json.loads(path.read_text())


def licenses_of(tmp_path, licenses):
    _, document = write(tmp_path, [Component("x", "1", "pkg:pypi/x@1", licenses)])
    return document["components"][0]["licenses"]


def test_media_type():
    assert CYCLONEDX_MEDIA_TYPE == "application/vnd.cyclonedx+json"


def test_document_shape_and_file_name(tmp_path):
    path, document = write(tmp_path, [CPYTHON, CLICK], layer="python")
    assert path == tmp_path / "python.sbom.cdx.json"
    assert path.read_text().endswith("}\n")
    assert list(document) == ["bomFormat", "specVersion", "serialNumber", "version", "metadata", "components"]
    assert document["bomFormat"] == "CycloneDX"
    assert document["specVersion"] == "1.5"
    assert document["version"] == 1
    assert document["serialNumber"].startswith("urn:uuid:")
    assert document["metadata"] == {"tools": {"components": [{"type": "application", "name": "pycnb/python", "version": "0.1.0"}]}}
    assert document["components"] == [
        {"type": "library", "bom-ref": "pkg:pypi/click@8.5.1", "name": "click", "version": "8.5.1",
         "licenses": [{"license": {"id": "BSD-3-Clause"}}], "purl": "pkg:pypi/click@8.5.1"},
        {"type": "application", "bom-ref": CPYTHON.purl, "name": "cpython", "version": "3.13.15", "description": "CPython runtime",
         "licenses": [{"license": {"id": "PSF-2.0"}}], "purl": CPYTHON.purl},
    ]


def test_empty_fields_are_omitted(tmp_path):
    _, document = write(tmp_path, [Component("x", "1", "pkg:pypi/x@1")])
    assert document["components"] == [{"type": "library", "bom-ref": "pkg:pypi/x@1", "name": "x", "version": "1", "purl": "pkg:pypi/x@1"}]


def test_same_content_gives_the_same_bytes_whatever_the_order(tmp_path):
    first, _ = write(tmp_path / "a", [CPYTHON, CLICK])
    second, _ = write(tmp_path / "b", [CLICK, CPYTHON])
    assert first.read_bytes() == second.read_bytes()


def test_different_content_gives_a_different_serial_number(tmp_path):
    _, document = write(tmp_path / "a", [CLICK])
    _, newer = write(tmp_path / "b", [Component("click", "8.5.2", "pkg:pypi/click@8.5.2", ["BSD-3-Clause"])])
    _, relicensed = write(tmp_path / "c", [Component("click", "8.5.1", "pkg:pypi/click@8.5.1", ["MIT"])])
    assert len({document["serialNumber"], newer["serialNumber"], relicensed["serialNumber"]}) == 3


def test_no_timestamp_anywhere(tmp_path):
    path, _ = write(tmp_path, [CPYTHON, CLICK])
    assert "timestamp" not in path.read_text()


@pytest.mark.parametrize(("licenses", "expected"), [
    (["MIT"], [{"license": {"id": "MIT"}}]),
    (["MIT License"], [{"license": {"id": "MIT"}}]),
    (["mit license"], [{"license": {"id": "MIT"}}]),
    (["apache-2.0"], [{"license": {"id": "Apache-2.0"}}]),
    (["Apache License 2.0"], [{"license": {"id": "Apache-2.0"}}]),
    (["Apache Software License"], [{"license": {"id": "Apache-2.0"}}]),
    (["BSD License"], [{"license": {"name": "BSD License"}}]),
    (["BSD"], [{"license": {"name": "BSD"}}]),
    (["GPL-3.0-only"], [{"license": {"name": "GPL-3.0-only"}}]),
    (["MIT OR Apache-2.0"], [{"expression": "MIT OR Apache-2.0"}]),
    (["(MIT OR Apache-2.0) AND BSD-3-Clause"], [{"expression": "(MIT OR Apache-2.0) AND BSD-3-Clause"}]),
    (["GPL-2.0-or-later WITH Classpath-exception-2.0"], [{"expression": "GPL-2.0-or-later WITH Classpath-exception-2.0"}]),
    (["Apache 2.0 OR MIT"], [{"license": {"name": "Apache 2.0 OR MIT"}}]),
    (["MIT", "BSD License"], [{"license": {"id": "MIT"}}, {"license": {"name": "BSD License"}}]),
])
def test_license_forms(tmp_path, licenses, expected):
    assert licenses_of(tmp_path, licenses) == expected


def test_an_expression_must_be_the_only_license(tmp_path):
    with pytest.raises(ValueError, match="only license"):
        licenses_of(tmp_path, ["MIT OR Apache-2.0", "ISC"])


@pytest.mark.parametrize(("text", "expected"), [
    ("MIT AND ISC", True),
    ("LicenseRef-acme OR MIT", True),
    ("MIT", False),
    ("MIT OR", False),
    ("(MIT OR ISC", False),
    ("MIT or ISC", False),
])
def test_is_spdx_expression(text, expected):
    assert is_spdx_expression(text) is expected


def test_document_is_valid_cyclonedx_1_5(tmp_path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    expression, name = Component("x", "1", "pkg:pypi/x@1", ["MIT OR Apache-2.0"]), Component("y", "2", "pkg:pypi/y@2", ["BSD"])
    path, _ = write(tmp_path, [CPYTHON, CLICK, expression, name])
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(path.read_text()) is None
