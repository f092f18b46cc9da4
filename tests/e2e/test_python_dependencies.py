"""Dependencies through the real pack: C extensions against libpq, exact sync on change, SBOM, requirements.in."""

import json
import re

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, run_pack, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

# One name per session: the module's builds follow one another from a cold start, whatever earlier runs
# left (an update in place keeps a satisfied older version of a dependency, which changes what later steps see).
IMAGE = unique_image("dependencies")
BASE_REQUIREMENTS = "Django==5.2.8\ngunicorn==23.0.0\n# Built from source against the build image's libpq-dev.\npsycopg2==2.9.13\n"


def run_python(docker_client, image: str, code: str) -> str:
    return docker_client.containers.run(image, ["python", "-c", code], entrypoint="launcher", remove=True).decode().strip()


@pytest.fixture(scope="module")
def first_build(docker_client, builder_image, tmp_path_factory):
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("deps") / "app", **{"requirements.txt": BASE_REQUIREMENTS + "six==1.17.0\n"})
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    yield app, result
    remove_image_and_cache(docker_client, IMAGE)


def test_psycopg2_compiles_from_source_and_imports_at_run_time(docker_client, first_build):
    version = run_python(docker_client, IMAGE,
                         "import psycopg2; print(psycopg2.__libpq_version__ >= 150000, psycopg2.__version__.split()[0])")
    assert version == "True 2.9.13"
    # Built here, not a binary wheel: the extension links the run image's libpq (psycopg2-binary bundles its own).
    linked = docker_client.containers.run(
        IMAGE, ["bash", "-c", "ldd $(python -c 'import psycopg2._psycopg as m; print(m.__file__)')"], entrypoint="launcher", remove=True,
    ).decode()
    assert re.search(r"libpq\.so\.5 => (/usr)?/lib/x86_64-linux-gnu/libpq\.so\.5", linked), linked


def test_sbom_download_lists_django_with_its_version(first_build, tmp_path):
    assert run_pack("sbom", "download", IMAGE, "--output-dir", str(tmp_path)).returncode == 0
    documents = {path.relative_to(tmp_path).as_posix(): json.loads(path.read_text()) for path in tmp_path.rglob("*.cdx.json")}
    venv_sbom = documents["layers/sbom/launch/pycnb_python/venv/sbom.cdx.json"]
    assert venv_sbom["bomFormat"] == "CycloneDX"
    components = {component["name"]: component for component in venv_sbom["components"]}
    assert components["Django"]["version"] == "5.2.8"
    assert components["Django"]["purl"] == "pkg:pypi/django@5.2.8"
    runtime_sbom = documents["layers/sbom/launch/pycnb_python/python/sbom.cdx.json"]
    assert [c["name"] for c in runtime_sbom["components"]] == ["cpython"]


def test_removing_a_package_removes_it_from_the_image(docker_client, first_build):
    app, _ = first_build
    assert run_python(docker_client, IMAGE, "import six; print(six.__version__)") == "1.17.0"
    (app / "requirements.txt").write_text(BASE_REQUIREMENTS)
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    assert "Environment cache  update in place: the dependency files changed" in result.log, result.log[-8000:]
    assert "- Updating cached virtual environment since:\n  - the dependency files changed" in result.log
    assert "Successfully uninstalled six-1.17.0" in result.log
    installed = run_python(docker_client, IMAGE,
                           "import importlib.metadata as m; print(sorted(d.metadata['Name'].lower() for d in m.distributions()))")
    assert "'six'" not in installed and "'psycopg2'" in installed


def layer_digests(docker_client, image: str) -> dict[str, str]:
    label = json.loads(docker_client.images.get(image).labels["io.buildpacks.lifecycle.metadata"])
    return {name: layer["sha"] for buildpack in label["buildpacks"] if buildpack["key"] == "pycnb/python"
            for name, layer in buildpack.get("layers", {}).items()}


ADDED = "django-extensions==4.1\n# A console script, on PATH at launch.\npyjokes==0.8.3\n"


def test_added_packages_go_into_a_small_layer_of_their_own_and_the_environment_layer_is_kept(docker_client, first_build):
    app, _ = first_build
    (app / "requirements.txt").write_text(BASE_REQUIREMENTS)
    assert pack_build(IMAGE, app).returncode == 0  # the base: no-op when the removal test ran first
    before = layer_digests(docker_client, IMAGE)
    (app / "requirements.txt").write_text(BASE_REQUIREMENTS + ADDED)
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    assert "added: django-extensions==4.1, pyjokes==0.8.3: installed on top (venv-delta)" in result.log, result.log[-8000:]
    assert "installing only what they add, into a layer of its own (venv-delta), on the unchanged environment" in result.log
    assert "Unpacking the environment's metadata to install against" in result.log
    assert "Requirement already satisfied: Django==5.2.8" in result.log
    after = layer_digests(docker_client, IMAGE)
    assert after["venv"] == before["venv"], "the environment layer must be the previous image's"
    assert "venv-delta" in after and "venv-delta" not in before
    found = run_python(docker_client, IMAGE, "import django_extensions, pyjokes, importlib.metadata as m; "
                       "print(django_extensions.__file__.split('/')[3], m.version('pyjokes'), m.version('Django'))")
    assert found == "venv-delta 0.8.3 5.2.8"
    joke = docker_client.containers.run(IMAGE, ["pyjoke"], entrypoint="launcher", remove=True).decode()
    assert joke.strip()
    # The same requirements again: both layers are the previous image's.
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    assert "the added packages: reuse: the previous image's layer (nothing restored)" in result.log
    assert layer_digests(docker_client, IMAGE) == after


def test_going_back_to_the_environments_requirements_drops_the_delta(docker_client, first_build):
    app, _ = first_build
    (app / "requirements.txt").write_text(BASE_REQUIREMENTS)
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    assert "Environment cache  reuse: the previous image's layer (nothing restored)" in result.log, result.log[-8000:]
    assert "venv-delta" not in layer_digests(docker_client, IMAGE)
    assert run_python(docker_client, IMAGE, "import importlib.util as u; print(u.find_spec('django_extensions'))") == "None"


def test_a_delta_that_would_change_a_package_the_environment_has_is_folded_into_it(docker_client, first_build):
    app, _ = first_build
    # Django 5.2 allows asgiref 3.8.1, older than the one the environment has.
    (app / "requirements.txt").write_text(BASE_REQUIREMENTS + "asgiref==3.8.1\n")
    result = pack_build(IMAGE, app)
    assert result.returncode == 0, result.log
    assert "Updating the whole environment instead, since the new requirements change asgiref" in result.log, result.log[-8000:]
    assert "venv-delta" not in layer_digests(docker_client, IMAGE)
    assert run_python(docker_client, IMAGE, "import importlib.metadata as m; print(m.version('asgiref'))") == "3.8.1"


def test_requirements_in_is_pinned_at_build_time(docker_client, builder_image, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    (app / "requirements.txt").unlink()
    (app / "requirements.in").write_text("Django>=5.2,<5.3\ngunicorn\n")
    # --clear-cache: pinning happens only when the environment cannot be reused.
    result = pack_build("pycnb-test/requirements-in", app, extra=["--clear-cache"])
    assert result.returncode == 0, result.log
    assert "Resolving requirements.in with pip-compile" in result.log
    assert "    django==5.2." in result.log
    assert run_python(docker_client, "pycnb-test/requirements-in", "import django; print(django.VERSION[:2])") == "(5, 2)"
