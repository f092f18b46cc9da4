"""Puts the shared library and each buildpack's package on sys.path, as packaging vendors them."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in ("lib", "buildpacks/apt", "buildpacks/python", "buildpacks/django", "buildpacks/procfile", "scripts"):
    sys.path.insert(0, str(ROOT / folder))

import os  # noqa: E402

import pytest  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"

# Hypothesis (the fuzz tests of every parser of user input, tests/unit/*/test_*_fuzz.py): bounded,
# so that the fuzz tests add well under a minute on 2 cores; reproducible under CI=true; and its
# files (a cache of Unicode tables) kept out of the repository, in the pycnb cache. No example
# database: a failure prints the input that failed, which becomes a regular unit test.
# PYCNB_FUZZ_EXAMPLES=2000 makes a deeper run (about 4 minutes).
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY",
    str(Path(os.environ.get("PYCNB_CACHE_DIR") or Path.home() / ".cache" / "pycnb") / "hypothesis"),
)
from hypothesis import settings as hypothesis_settings  # noqa: E402

FUZZ_EXAMPLES = int(os.environ.get("PYCNB_FUZZ_EXAMPLES", "200"))
hypothesis_settings.register_profile(
    "pycnb", max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=IN_CI, database=None, print_blob=True,
)
hypothesis_settings.load_profile("pycnb")


@pytest.fixture(scope="session")
def docker_client():
    """A Docker client; without a daemon the test fails under CI=true and skips elsewhere."""
    from pycnb_tools import docker_engine
    from pycnb_tools.errors import StepError

    try:
        return docker_engine.ensure()
    except StepError as error:
        if IN_CI:
            pytest.fail(f"Docker is required when CI=true: {error.render()}")
        pytest.skip(f"no Docker engine (with CI=true this fails instead): {error.problem}")


@pytest.fixture(scope="session")
def builder_image(docker_client):
    """The builder, created unless `./pycnb test` already made it in this run."""
    from pycnb_tools import builder
    from docker.errors import ImageNotFound

    try:
        docker_client.images.get(builder.BUILDER_IMAGE)
    except ImageNotFound:
        builder.create(docker_client)
    return builder.BUILDER_IMAGE


@pytest.fixture(scope="session")
def gis_builder_image(docker_client):
    """The GIS builder (GDAL, GEOS and PROJ in its stack images), created unless `./pycnb test` already made it."""
    from pycnb_tools import builder, stacks
    from docker.errors import ImageNotFound

    try:
        docker_client.images.get(builder.GIS_BUILDER_IMAGE)
    except ImageNotFound:
        builder.create(docker_client, builder.GIS_BUILDER_IMAGE, stacks.GIS)
    return builder.GIS_BUILDER_IMAGE


@pytest.fixture
def ca_binding(tmp_path):
    """A ca-certificates binding holding the host's trust store (a TLS-intercepting proxy's CA is there)."""
    from pycnb_tools import app

    return app.write_ca_binding(tmp_path / "bindings", [app.HOST_CA_BUNDLE]).parent


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server on 127.0.0.1 for the whole session."""
    from support import postgres as pg

    server = pg.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server_without_tls():
    """A PostgreSQL server on 127.0.0.1 with `ssl = off`, as datastores on a private network run."""
    from support import postgres as pg

    server = pg.start(tls=False)
    yield server
    server.stop()


@pytest.fixture
def postgres(postgres_server, request):
    """A new, empty database for this test, owned by the app's user."""
    import re

    return postgres_server.create_database(re.sub(r"\W", "_", request.node.name)[:50].lower())


@pytest.fixture(scope="session")
def registry():
    """A real OCI registry on 127.0.0.1 for the whole session."""
    from support import registry as oci

    server = oci.start()
    yield server
    server.stop()
