"""The builder on every kind of CNB platform: a registry, the lifecycle without pack, rebase,
project.toml, and SBOMs a scanner can read."""

import contextlib
import json
from pathlib import Path

import docker.errors
import pytest

from pycnb_tools import app as tooling
from pycnb_tools.builder import CONFIG
from pycnb_tools.paths import BUILD_DIR
from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, run_image, run_pack
from support.lifecycle import BUILD_UID, own_by_build_user

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


@pytest.fixture(scope="module")
def published(docker_client, registry, builder_image, tmp_path_factory):
    """The stack images and the builder in the registry, as a hosted platform finds them."""
    images = {}
    for kind in ("build", "run"):
        remote = f"{registry.host}/pycnb/{kind}:trixie"
        docker_client.images.get(f"pycnb/{kind}:trixie").tag(remote)
        for line in docker_client.images.push(remote, stream=True, decode=True):
            assert "error" not in line, line
        images[kind] = remote
    # The same builder.toml, with the registry's images and absolute paths to what it packages.
    config = tmp_path_factory.mktemp("builder") / "builder.toml"
    text = CONFIG.read_text().replace('"pycnb/build:trixie"', f'"{images["build"]}"').replace('"pycnb/run:trixie"', f'"{images["run"]}"')
    config.write_text(text.replace('uri = "build/', f'uri = "{BUILD_DIR}/'))
    images["builder"] = f"{registry.host}/pycnb/builder:trixie"
    result = run_pack("builder", "create", images["builder"], "--config", str(config), "--publish")
    assert result.returncode == 0, result.stdout + result.stderr
    yield images
    # The registry lives for this session only: its names would pile up in the daemon, one port per run.
    for image in docker_client.images.list():
        for tag in image.tags:
            if tag.startswith(f"{registry.host}/"):
                docker_client.images.remove(tag)


def serves(docker_client, image: str) -> bool:
    with run_image(docker_client, image) as running:
        return running.get("/")[0] == 200


def test_pack_build_publishes_to_the_registry(docker_client, registry, published, tmp_path):
    image = f"{registry.host}/apps/published:latest"
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    # The builder is only in the registry now: pack may pull it.
    result = pack_build(image, app, extra=["--builder", published["builder"], "--publish", "--insecure-registry", registry.host,
                                           "--pull-policy", "if-not-present"])
    assert result.returncode == 0, result.log
    docker_client.images.pull(image)
    assert serves(docker_client, image)


def creator(docker_client, builder: str, app: Path, cache: Path, binding: Path, registry: str, *args: str) -> str:
    """The lifecycle's creator run inside the builder, as Tekton's buildpacks task runs it.

    Exporting to a daemon it also gets a launch cache, as pack gives it: without one the exporter
    reads base layers back from the daemon through the lifecycle's single privileged connection,
    which fails ("singleton connection already in use").
    """
    launch_cache = ["-launch-cache", "/cache/launch"] if "-daemon" in args else []
    return docker_client.containers.run(
        builder, ["/cnb/lifecycle/creator", "-app", "/workspace", "-cache-dir", "/cache", *launch_cache, *args],
        user="root", network_mode="host", remove=True, stdout=True, stderr=True,
        environment={"CNB_PLATFORM_API": "0.15", "CNB_INSECURE_REGISTRIES": registry},
        volumes={
            "/var/run/docker.sock": {"bind": "/var/run/docker.sock", "mode": "rw"},
            str(app): {"bind": "/workspace", "mode": "rw"},
            str(cache): {"bind": "/cache", "mode": "rw"},
            str(binding): {"bind": "/platform/bindings/ca-certificates", "mode": "ro"},
        },
    ).decode()


def test_creator_without_pack_exports_to_registry_and_daemon(docker_client, registry, published, builder_image, tmp_path):
    app = own_by_build_user(copy_app(EXAMPLE_APP, tmp_path / "app"))
    (tmp_path / "cache" / "launch").mkdir(parents=True)
    cache = own_by_build_user(tmp_path / "cache")
    binding = tooling.write_ca_binding(tmp_path / "bindings", [tooling.HOST_CA_BUNDLE])
    remote = f"{registry.host}/apps/tekton:latest"
    log = creator(docker_client, builder_image, app, cache, binding, registry.host, "-run-image", published["run"], remote)
    assert "Successfully" in log or "*** Images" in log, log
    docker_client.images.pull(remote)
    assert serves(docker_client, remote)
    # No image of that name from an earlier run: it would be the previous image, and its layers,
    # unlike the cache's, come from another build.
    with contextlib.suppress(docker.errors.ImageNotFound):
        docker_client.images.remove("pycnb-test/tekton", force=True)
    log = creator(docker_client, builder_image, app, cache, binding, registry.host, "-daemon", "-run-image", "pycnb/run:trixie",
                  "pycnb-test/tekton")
    assert "Using cached virtual environment" in log
    assert serves(docker_client, "pycnb-test/tekton")


def test_rebase_swaps_only_the_base_layers(docker_client, example_image, tmp_path):
    """A security update of the run image, published under the same name, reaches the app by rebase."""
    image, _ = example_image
    app_image = "pycnb-test/rebase"
    docker_client.images.get(image).tag(app_image)
    original = docker_client.images.get("pycnb/run:trixie")
    run_layers = len(original.attrs["RootFS"]["Layers"])
    (tmp_path / "Dockerfile").write_text(
        "FROM pycnb/run:trixie\nUSER root\nRUN echo patched > /etc/pycnb-patched\nUSER 1000:1000\nLABEL io.pycnb.patch=1\n"
    )
    before = docker_client.images.get(app_image).attrs["RootFS"]["Layers"]
    try:
        docker_client.images.build(path=str(tmp_path), tag="pycnb/run:trixie", network_mode="host")
        result = run_pack("rebase", app_image, "--pull-policy", "never")
    finally:
        original.tag("pycnb/run:trixie")
    assert result.returncode == 0, result.stdout + result.stderr
    after = docker_client.images.get(app_image).attrs["RootFS"]["Layers"]
    assert after[:run_layers] == before[:run_layers] and len(after) == len(before) + 1
    assert after[run_layers + 1:] == before[run_layers:]
    with run_image(docker_client, app_image) as running:
        assert running.get("/")[0] == 200
        assert running.container.exec_run(["cat", "/etc/pycnb-patched"]).output == b"patched\n"


def test_project_toml_gives_build_env_and_excludes_files(docker_client, builder_image, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app", **{"notes.md": "internal notes\n"})
    settings = app / "myproject" / "settings.py"
    text = settings.read_text()
    settings.write_text(text.replace("from pathlib import Path", "import os\nfrom pathlib import Path").replace(
        text[text.index("SECRET_KEY = "):text.index("\n", text.index("SECRET_KEY = "))], "SECRET_KEY = os.environ['SECRET_KEY']"))
    (app / "project.toml").write_text(
        '[_]\nschema-version = "0.2"\n\n[io.buildpacks]\nexclude = ["notes.md"]\n\n'
        '[[io.buildpacks.build.env]]\nname = "SECRET_KEY"\nvalue = "build-only-key-7e2a"\n'
    )
    result = pack_build("pycnb-test/project-toml", app)
    assert result.returncode == 0, result.log
    listing = docker_client.containers.run(
        "pycnb-test/project-toml", ["bash", "-c", "ls /workspace; echo SECRET_KEY=${SECRET_KEY:-unset}"], entrypoint="launcher",
        remove=True,
    ).decode()
    assert "notes.md" not in listing and "manage.py" in listing
    assert "SECRET_KEY=unset" in listing
    with run_image(docker_client, "pycnb-test/project-toml", env={"SECRET_KEY": "run-time-key"}) as running:
        assert running.get("/")[0] == 200


def test_sbom_documents_validate_against_the_cyclonedx_schema(example_image, tmp_path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    image, _ = example_image
    result = run_pack("sbom", "download", image, "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    documents = sorted(tmp_path.rglob("*.cdx.json"))
    ours = [d for d in documents if "pycnb_python" in str(d)]
    assert len(ours) == 2
    validator = JsonStrictValidator(SchemaVersion.V1_5)
    for document in ours:
        assert validator.validate_str(document.read_text()) is None, document
    venv = json.loads(next(d for d in ours if "/venv/" in str(d)).read_text())
    assert {c["name"]: c["version"] for c in venv["components"]}["Django"] == "5.2.8"


def test_phases_as_separate_containers_like_kpack(docker_client, registry, published, builder_image, tmp_path):
    image = f"{registry.host}/apps/kpack:latest"
    app = own_by_build_user(copy_app(EXAMPLE_APP, tmp_path / "app"))
    for folder in ("cache", "platform"):
        (tmp_path / folder).mkdir()
    tooling.write_ca_binding(tmp_path / "platform" / "bindings", [tooling.HOST_CA_BUNDLE])
    cache = own_by_build_user(tmp_path / "cache")

    def build(layers: Path) -> str:
        layers.mkdir()
        own_by_build_user(layers)
        volumes = {
            str(app): {"bind": "/workspace", "mode": "rw"}, str(layers): {"bind": "/layers", "mode": "rw"},
            str(cache): {"bind": "/cache", "mode": "rw"}, str(tmp_path / "platform"): {"bind": "/platform", "mode": "ro"},
        }
        phases = [
            ("analyzer", "-layers", "/layers", "-run-image", published["run"], image),
            ("detector", "-app", "/workspace", "-layers", "/layers", "-platform", "/platform"),
            ("restorer", "-cache-dir", "/cache", "-layers", "/layers"),
            ("builder", "-app", "/workspace", "-layers", "/layers", "-platform", "/platform"),
            ("exporter", "-app", "/workspace", "-layers", "/layers", "-cache-dir", "/cache", image),
        ]
        log = ""
        for name, *args in phases:
            container = docker_client.containers.run(
                builder_image, [f"/cnb/lifecycle/{name}", *args], user=f"{BUILD_UID}:{BUILD_UID}", network_mode="host", detach=True,
                environment={"CNB_PLATFORM_API": "0.15", "CNB_INSECURE_REGISTRIES": registry.host}, volumes=volumes,
            )
            code = container.wait(timeout=600)["StatusCode"]
            log += container.logs().decode()
            container.remove()
            assert code == 0, f"{name} failed:\n{log}"
        return log

    first = build(tmp_path / "layers-1")
    assert "Installing dependencies from requirements.txt" in first
    docker_client.images.pull(image)
    assert serves(docker_client, image)
    second = build(tmp_path / "layers-2")
    # The environment is reused from the previous image (metadata only); its build copy from the cache.
    assert "Restoring metadata for \"pycnb/python:venv\" from app image" in second
    assert "Restoring data for \"pycnb/python:venv-copy\" from cache" in second
    assert "Using cached virtual environment: the previous image's layer, unchanged" in second
    assert "Reusing layer 'pycnb/python:venv'" in second
