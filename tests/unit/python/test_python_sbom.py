import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnb.errors import BuildpackError
from python_buildpack import sbom

# The virtual environment running the tests: a real one, made by ./pycnb from
# requirements-dev.txt, with click and packaging installed.
VENV_PYTHON = Path(sys.executable)
MIT_CLASSIFIER = "License :: OSI Approved :: MIT License"
APACHE_CLASSIFIER = "License :: OSI Approved :: Apache Software License"
PSF_CLASSIFIER = "License :: OSI Approved :: Python Software Foundation License"
BSD_CLASSIFIER = "License :: OSI Approved :: BSD License"


def record(**fields):
    return {"name": "Some_Package", "version": "1.0", "license_expression": "", "license": "", "classifiers": [], **fields}


def versions_in(python: Path, names: list[str]) -> dict[str, str]:
    script = f"import importlib.metadata, json; print(json.dumps({{n: importlib.metadata.version(n) for n in {names!r}}}))"
    return json.loads(subprocess.run([str(python), "-I", "-c", script], capture_output=True, text=True, check=True).stdout)


def test_installed_distributions_of_a_real_venv():
    expected = versions_in(VENV_PYTHON, ["click", "packaging"])
    components = {component.name: component for component in sbom.installed_distributions(VENV_PYTHON)}
    for name, version in expected.items():
        assert components[name].version == version
        assert components[name].purl == f"pkg:pypi/{name}@{version}"
        assert components[name].type == "library"
    assert components["tomli_w"].purl.startswith("pkg:pypi/tomli-w@")
    assert components["tomli_w"].licenses == ["MIT"]


def test_purl_names_are_normalized_per_pep_503():
    component = sbom.distribution_component(record(name="Zope.Interface__x", version="1.0+local"))
    assert component.purl == "pkg:pypi/zope-interface-x@1.0%2Blocal"


@pytest.mark.parametrize(("fields", "licenses"), [
    ({"license_expression": "MIT OR Apache-2.0", "license": "MIT", "classifiers": [MIT_CLASSIFIER]}, ["MIT OR Apache-2.0"]),
    ({"license": "BSD", "classifiers": [MIT_CLASSIFIER]}, ["BSD"]),
    ({"license": "UNKNOWN", "classifiers": [MIT_CLASSIFIER]}, ["MIT"]),
    ({"classifiers": ["License :: OSI Approved", APACHE_CLASSIFIER, BSD_CLASSIFIER]}, ["Apache-2.0", "BSD License"]),
    ({"classifiers": [PSF_CLASSIFIER, MIT_CLASSIFIER, MIT_CLASSIFIER]}, ["PSF-2.0", "MIT"]),
    ({}, []),
])
def test_license_precedence(fields, licenses):
    assert sbom.distribution_component(record(**fields)).licenses == licenses


def test_runtime_component():
    component = sbom.runtime_component("3.13.15", "a" * 64)
    assert component.purl == f"pkg:generic/cpython@3.13.15?checksum=sha256:{'a' * 64}"
    assert (component.name, component.type, component.licenses) == ("cpython", "application", ["PSF-2.0"])


def test_a_failing_interpreter_is_a_buildpack_error():
    with pytest.raises(BuildpackError) as raised:
        sbom.installed_distributions(Path("/bin/false"))
    assert raised.value.title == "Cannot list the installed packages for the SBOM"
    assert "/bin/false exited with code 1." in raised.value.details
