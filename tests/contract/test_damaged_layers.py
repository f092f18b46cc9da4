"""Cached layers damaged between builds (a file lost or cut short, the metadata garbled or gone,
as a killed build or a broken cache leaves them) are discarded with the reason, never trusted,
and the build that finds them succeeds."""

import pytest

from support.fault_server import serve
from support.lifecycle import run_phase
from support.package_index import add_project

pytestmark = pytest.mark.docker

PROJECT = "pycnb-fault-probe"


def site_packages(layers):
    return next((layers / "pycnb_python" / "venv").glob("lib/python3.*/site-packages"))


def copy(layers, name):
    return layers / "pycnb_python" / f"{name}-copy"


# The runtime and the environment are launch layers whose build copy (one archive) is the cache's truth.
DAMAGE = {
    # name: (what to do to the layers, the line the next build must log)
    "runtime-copy-truncated": (
        lambda layers: (copy(layers, "python") / "content.tar").write_bytes((copy(layers, "python") / "content.tar").read_bytes()[:4096]),
        "- Discarding cached Python 3.13.15 since:\n  - its archive is not the one recorded (cut short or damaged in the cache)",
    ),
    "venv-copy-deleted": (
        lambda layers: (copy(layers, "venv") / "content.tar").unlink(),
        "- Discarding cached virtual environment since:\n  - its archive is missing",
    ),
    "venv-metadata-truncated": (
        lambda layers: (layers / "pycnb_python" / "venv-copy.toml").write_text(
            (layers / "pycnb_python" / "venv-copy.toml").read_text()[:40]),
        "- Discarding cached virtual environment since:\n  - its metadata is unreadable (venv-copy.toml: TOMLDecodeError)",
    ),
    "venv-metadata-garbled": (
        lambda layers: (layers / "pycnb_python" / "venv-copy.toml").write_bytes(b"\xff\xfe\x00garbage"),
        "- Discarding cached virtual environment since:\n  - its metadata is unreadable (venv-copy.toml: UnicodeDecodeError)",
    ),
    "venv-metadata-gone": (
        lambda layers: (layers / "pycnb_python" / "venv-copy.toml").unlink(),
        "- Discarding cached virtual environment since:\n  - an earlier build stopped before finishing it (no venv-copy.toml)",
    ),
}

# A platform that keeps the layers folder between builds: a damaged folder is unpacked again from its copy.
DAMAGED_FOLDER = {
    "runtime-file-deleted": lambda layers: next((layers / "pycnb_python" / "python" / "lib").glob("python3.*/os.py")).unlink(),
    "runtime-binary-truncated": lambda layers: (layers / "pycnb_python" / "python" / "bin" / "python3.13").write_bytes(b"\x7fELF"),
    "venv-file-deleted": lambda layers: (site_packages(layers) / "pycnb_fault_probe" / "__init__.py").unlink(),
}


@pytest.fixture(scope="module")
def index_server():
    with serve() as server:
        add_project(server, PROJECT, "1.0")
        yield server


def built(docker_client, index_server, tmp_path):
    """An app built once in a work folder that keeps its layers; a function that builds it again."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text(f"{PROJECT}==1.0\n")
    env = {"PIP_INDEX_URL": index_server.url + "/simple", "PIP_TIMEOUT": "2", "PIP_RETRIES": "0"}

    def build():
        result = run_phase(docker_client, "python", "build", app, tmp_path / "work", env=env, network="host")
        assert result.exit_code == 0, result.output
        return result

    return build(), build


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_layer_is_rebuilt_with_the_reason(docker_client, builder_image, index_server, tmp_path, damage):
    first, build = built(docker_client, index_server, tmp_path)
    harm, expected = DAMAGE[damage]
    harm(first.layers)
    second = build()
    assert expected in second.output
    assert "Traceback" not in second.output

    third = build()
    assert "- Using cached Python 3.13.15" in third.output
    assert "- Using cached virtual environment" in third.output


@pytest.mark.parametrize("damage", list(DAMAGED_FOLDER))
def test_a_damaged_kept_folder_is_unpacked_again_from_its_copy(docker_client, builder_image, index_server, tmp_path, damage):
    first, build = built(docker_client, index_server, tmp_path)
    DAMAGED_FOLDER[damage](first.layers)
    second = build()
    assert "from the build cache, since its folder was kept from the previous build" in second.output
    layers = second.layers / "pycnb_python"
    assert next((layers / "python" / "lib").glob("python3.*/os.py")).is_file()
    assert (layers / "python" / "bin" / "python3.13").stat().st_size > 4096
    assert (site_packages(second.layers) / "pycnb_fault_probe" / "__init__.py").is_file()
