"""A sample of the corpus through the real pack: the whole builder (python, django, procfile) fails
the build with the same key sentence, and nothing from outside the app or the environment is echoed."""

from __future__ import annotations

import dataclasses
import re
import uuid

import pytest

from support.images import pack_build

from .cases import CANARY_ENV, CASES, PASSWD_MARKERS

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

BY_NAME = {case.name: case for case in CASES}
SAMPLE = [
    BY_NAME["requirements-link-to-environ"],
    BY_NAME["python-version-unknown"],
    BY_NAME["django-settings-syntax-error"],
    # Without a requirements file, pack used to stop at "No buildpack groups passed detection".
    BY_NAME["uv-path-source-outside-app"],
    # pack runs the whole order, and pycnb/python must pass first: the Procfile goes into the example app.
    dataclasses.replace(BY_NAME["procfile-no-colon"], base="example"),
    # pycnb/apt is first and optional: an Aptfile in the example app puts it in the group, and it fails first.
    dataclasses.replace(BY_NAME["apt-shell-characters"], base="example"),
]


@pytest.mark.parametrize("case", SAMPLE, ids=[case.name for case in SAMPLE])
def test_bad_input_through_pack(builder_image, tmp_path, case):
    app = case.make_app(tmp_path / "app")
    image = f"pycnb-test/corpus-{case.name}:{uuid.uuid4().hex[:12]}"
    result = pack_build(image, app, env={**CANARY_ENV, **case.env})
    assert result.returncode != 0, result.log
    assert case.message in result.log, result.log
    # pack may prefix a phase's lines with `[builder] `; a command's own output stays indented.
    assert not any(re.sub(r"^\[\w+\] ", "", line).startswith("Traceback") for line in result.log.splitlines()), result.log
    assert 'File "/cnb/' not in result.log and "Internal error" not in result.log, result.log
    for secret in (*PASSWD_MARKERS, *CANARY_ENV.values()):
        assert secret not in result.log, result.log
