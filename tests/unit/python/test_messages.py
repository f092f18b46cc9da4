"""pip's failures are sorted into causes, each with its own title and fix."""

import pytest

from python_buildpack import messages


@pytest.mark.parametrize(
    ("output", "title", "fix_contains"),
    [
        (["ERROR: Could not find a version that satisfies the requirement djangoo==9 (from versions: none)",
          "ERROR: No matching distribution found for djangoo==9"], "No package matches djangoo==9", "Check the spelling and version of djangoo==9"),
        (["ERROR: Invalid requirement: 'Django=5.2' (from line 1 of requirements.txt)"], "requirements.txt has a line pip cannot read: Django=5.2", "name==version"),
        (["ERROR: Cannot install Django==5.2.8 and django-foo because these package versions have conflicting dependencies.",
          "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io"], "The requirements conflict", "pip-compile"),
        (["Error: pg_config executable not found."], "psycopg2 needs libpq to build from source", "psycopg2-binary"),
        (["      src/foo.c:1:10: fatal error: yaml.h: No such file or directory"], "A package's C extension needs the header yaml.h", "provides yaml.h"),
        (["OSError: [Errno 28] No space left on device"], "The build ran out of disk space", "Free disk space"),
        (["ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, ..."],
         "A downloaded package does not match its hash in the requirements", "--generate-hashes"),
        (["ERROR: Hashes are required in --require-hashes mode, but they are missing from some requirements."],
         "A requirement has no hash, and --require-hashes needs one for every package", "--generate-hashes"),
        (["something unexpected"], "Installing the app's dependencies failed", "reproduce it"),
    ],
)
def test_pip_failure_causes(output, title, fix_contains):
    error = messages.pip_install_failed(output)
    assert error.title == title
    assert any(fix_contains in step for step in error.fix)
    assert error.details.endswith(output[-1])
