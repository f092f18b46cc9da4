"""Secrets given to a build reach neither the image nor the log."""

import io
import tarfile

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, run_pack

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

SECRETS = {
    "env": "env-secret-key-5b1e",
    "index": "index-password-77c2",
    "requirements": "requirements-password-4d0a",
    "binding": "binding-token-93fe",
}


def test_build_secrets_appear_nowhere_in_the_image_sbom_or_log(docker_client, builder_image, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    requirements = app / "requirements.txt"
    # An unreachable extra index: pip warns and goes on with PyPI, having seen the credential.
    requirements.write_text(f"--extra-index-url http://deploy:{SECRETS['requirements']}@127.0.0.1:9/simple\n" + requirements.read_text())
    binding = tmp_path / "bindings" / "payments"
    binding.mkdir(parents=True)
    (binding / "type").write_text("stripe")
    (binding / "api-key").write_text(SECRETS["binding"])
    env = {
        "SECRET_KEY": SECRETS["env"],
        "PIP_EXTRA_INDEX_URL": f"http://alice:{SECRETS['index']}@127.0.0.1:9/simple",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
    }
    image = "pycnb-test/secrets"
    result = pack_build(image, app, env=env, extra=["--volume", f"{binding}:/platform/bindings/payments:ro"])
    assert result.returncode == 0, result.log

    found = {name: [] for name in SECRETS}

    def scan(where: str, data: bytes) -> None:
        for name, value in SECRETS.items():
            if value.encode() in data:
                found[name].append(where)

    scan("build log", result.log.encode())
    saved = tmp_path / "image.tar"
    with open(saved, "wb") as file:
        for chunk in docker_client.images.get(image).save():
            file.write(chunk)
    with tarfile.open(saved) as outer:
        for member in outer.getmembers():
            if not member.isfile():
                continue
            blob = outer.extractfile(member).read()
            try:
                with tarfile.open(fileobj=io.BytesIO(blob)) as layer:
                    for entry in layer.getmembers():
                        if entry.isfile():
                            scan(f"{member.name}:{entry.name}", layer.extractfile(entry).read())
            except tarfile.ReadError:
                scan(f"image file {member.name}", blob)  # the config with its labels, or a manifest
    sbom = tmp_path / "sbom"
    assert run_pack("sbom", "download", image, "--output-dir", str(sbom)).returncode == 0
    for document in sbom.rglob("*.json"):
        scan(f"SBOM {document.name}", document.read_bytes())

    # The requirements file is the user's own app file, so its line is in /workspace by the user's choice.
    found["requirements"] = [where for where in found["requirements"] if not where.endswith("workspace/requirements.txt")]
    assert found == {name: [] for name in SECRETS}
