"""Identical inputs give identical images: the same app built twice on empty caches."""

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def test_two_builds_on_empty_caches_give_the_same_image(docker_client, builder_image, tmp_path):
    # The example gets django-heroku, so psycopg2's C extension is compiled from source each time.
    ids = []
    for name in ("first", "second"):
        result = pack_build(f"pycnb-test/reproducible-{name}", copy_app(EXAMPLE_APP, tmp_path / name), extra=["--clear-cache"])
        assert result.returncode == 0, result.log
        ids.append(docker_client.images.get(f"pycnb-test/reproducible-{name}").id)
    assert ids[0] == ids[1]
