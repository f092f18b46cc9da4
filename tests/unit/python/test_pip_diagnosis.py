"""pip's failures are sorted into causes, each with its own title and fix."""

import pytest

from python_buildpack import pip_diagnosis


@pytest.mark.parametrize(
    ("output", "title", "fix_contains"),
    [
        (["ERROR: Could not find a version that satisfies the requirement djangoo==9 (from versions: none)",
          "ERROR: No matching distribution found for djangoo==9"], "No package matches djangoo==9",
         "Check the spelling and version of djangoo==9"),
        (["ERROR: Invalid requirement: 'Django=5.2' (from line 1 of requirements.txt)"],
         "requirements.txt has a line pip cannot read: Django=5.2", "name==version"),
        (["ERROR: Cannot install Django==5.2.8 and django-foo because these package versions have conflicting dependencies.",
          "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io"], "The requirements conflict", "pip-compile"),
        (["Error: pg_config executable not found."], "psycopg2 needs libpq to build from source", "psycopg2-binary"),
        (["      src/foo.c:1:10: fatal error: yaml.h: No such file or directory"], "A package's C extension needs the header yaml.h",
         "provides yaml.h"),
        (["OSError: [Errno 28] No space left on device"], "The build ran out of disk space", "Free disk space"),
        (["ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, ..."],
         "A downloaded package does not match its hash in the requirements or in the index https://pypi.org/simple", "--generate-hashes"),
        (["ERROR: Hashes are required in --require-hashes mode, but they are missing from some requirements."],
         "A requirement has no hash, and --require-hashes needs one for every package", "--generate-hashes"),
        (["something unexpected"], "Installing the app's dependencies failed", "reproduce it"),
    ],
)
def test_pip_failure_causes(output, title, fix_contains):
    error = pip_diagnosis.install_failed(output)
    assert error.title == title
    assert any(fix_contains in step for step in error.fix)
    assert error.details.endswith(output[-1])


# pip 24.2's output for `pip install Pillow==9.5.0` on Python 3.13 (no cp313 wheel, so it builds the sdist), shortened.
PILLOW_ON_313 = [
    "Collecting Django==5.2.8", "  Using cached django-5.2.8-py3-none-any.whl.metadata (4.1 kB)",
    "Collecting Pillow==9.5.0", "  Downloading Pillow-9.5.0.tar.gz (50.5 MB)",
    "  Getting requirements to build wheel: finished with status 'error'", "  error: subprocess-exited-with-error",
    "  × Getting requirements to build wheel did not run successfully.", "  ╰─> [24 lines of output]",
    "      Traceback (most recent call last):",
    "        File \"/tmp/pip-build-env-vrr5thmp/overlay/lib/python3.13/site-packages/setuptools/build_meta.py\", line 317, in run_setup",
    "          exec(code, locals())  # noqa: S102 # exec is intentional here",
    "        File \"<string>\", line 29, in <module>", "        File \"<string>\", line 26, in get_version",
    "      KeyError: '__version__'", "      [end of output]",
    "note: This error originates from a subprocess, and is likely not a problem with pip.",
]


def test_an_old_sdist_that_reads_its_version_with_locals_is_explained_on_python_313():
    error = pip_diagnosis.install_failed(PILLOW_ON_313)
    assert error.title == "Pillow 9.5.0 cannot be built on Python 3.13 or newer"
    assert error.details.startswith("Pillow 9.5.0 has no wheel for this Python, so pip builds it from source")
    assert "PEP 667" in error.details and error.details.endswith(PILLOW_ON_313[-1])
    assert error.fix[0].startswith("Pin a release of Pillow that has a wheel for this Python (https://pypi.org/project/Pillow/#files")
    assert "`3.11` in .python-version" in error.fix[1]
    cached = [line.replace("Downloading Pillow", "Using cached Pillow") for line in PILLOW_ON_313]
    assert pip_diagnosis.install_failed(cached).title == error.title


def test_a_missing_header_points_at_the_aptfile():
    error = pip_diagnosis.install_failed(["  src/_imagingft.c:27:10: fatal error: ft2build.h: No such file or directory"])
    assert error.title == "A package's C extension needs the header ft2build.h"
    assert "Aptfile" in error.fix[0]


INDEX = "Looking in indexes: http://alice:****@127.0.0.1:9/simple"


@pytest.mark.parametrize(
    ("output", "title"),
    [
        ([INDEX, "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by "
          "'NewConnectionError(\"HTTPConnection(host='127.0.0.1', port=9): Failed to establish a new connection:"
          " [Errno 111] Connection refused\")': /simple/django/",
          "ERROR: Could not find a version that satisfies the requirement Django==5.2.8 (from versions: none)",
          "ERROR: No matching distribution found for Django==5.2.8"],
         "Cannot reach the package index http://alice:****@127.0.0.1:9/simple"),
        (["WARNING: Retrying (Retry(total=0)) after connection broken by "
          "'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed out. (read timeout=1)\")': /simple/django/",
          "ERROR: No matching distribution found for Django==5.2.8"], "Cannot reach the package index https://pypi.org/simple"),
        ([INDEX, "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE."
          " If you have updated the package versions, please update the hashes."],
         "A downloaded package does not match its hash in the requirements or in the index http://alice:****@127.0.0.1:9/simple"),
        ([INDEX, "error: incomplete-download",
          "× Download failed after 6 attempts because not enough bytes were received (541 bytes/1.1 kB)"],
         "A download from http://alice:****@127.0.0.1:9/simple was cut short"),
        ([INDEX, "ERROR: No matching distribution found for djangoo==9"], "No package matches djangoo==9"),
    ],
)
def test_pip_upstream_failures_name_the_index(output, title):
    assert pip_diagnosis.install_failed(output).title == title


def test_pip_gets_bounded_network_defaults_unless_the_user_sets_them():
    from python_buildpack.layers.venv import pip_network_defaults

    assert pip_network_defaults({}) == {"PIP_TIMEOUT": "15", "PIP_RETRIES": "2"}
    assert pip_network_defaults({"PIP_DEFAULT_TIMEOUT": "60"}) == {"PIP_RETRIES": "2"}
    assert pip_network_defaults({"PIP_TIMEOUT": "5", "PIP_RETRIES": "0"}) == {}


def test_an_untrusted_index_certificate_gets_the_binding_fix():
    error = pip_diagnosis.install_failed(
        [], ("https://pypi.org/simple", "https://pypi.org/simple/django/: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
    assert error.title == "Cannot reach the package index https://pypi.org/simple"
    assert "ca-certificates binding" in error.fix[0]
