"""Secrets given to a build reach neither the image nor the log.

The secrets are really used: the app's packages come from a private index on 127.0.0.1 that
answers only with its password, given once in a `-i` line of requirements.txt and once in
PIP_INDEX_URL; a proxy's CA file that also holds its private key is a ca-certificates binding,
embedded with BP_EMBED_CERTS=true.
"""

import subprocess
import uuid

import pytest

from support import index as private_index
from support.apps import EXAMPLE_APP, copy_app
from support.images import image_contents, pack_build, run_image, run_pack

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

# Secrets every build is given; `<route> password` is the private index's, added per build.
COMMON = {
    "SECRET_KEY": f"env-secret-key-{uuid.uuid4().hex[:8]}",
    "PIP_EXTRA_INDEX_URL password": f"extra-index-password-{uuid.uuid4().hex[:8]}",
    "requirements --extra-index-url password": f"requirements-extra-password-{uuid.uuid4().hex[:8]}",
    "stripe binding token": f"binding-token-{uuid.uuid4().hex[:8]}",
}
# The user's own app file may hold what the user put in it.
USERS_OWN_FILE = "workspace/requirements.txt"
REQUIREMENTS_SECRETS = {"requirements --extra-index-url password", "requirements -i password"}


def proxy_ca(folder) -> tuple[str, list[str]]:
    """A new CA as a TLS-intercepting proxy keeps it (mitmproxy-ca.pem: the private key, then the
    certificate): the file's text, and the key's base64 lines that are secret. (The last line of an EC
    key is its public point, which the certificate carries too: public, so not scanned for.)"""
    key, certificate = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
         "-subj", "/CN=pycnb test proxy CA", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )
    key_text, certificate_text = key.read_text(), certificate.read_text()
    secret = [line for line in key_text.splitlines() if not line.startswith("-----") and line not in certificate_text]
    assert secret
    return key_text + certificate_text, secret


def write_binding(folder, binding_type: str, entries: dict[str, str]):
    folder.mkdir(parents=True)
    (folder / "type").write_text(binding_type)
    for name, text in entries.items():
        (folder / name).write_text(text)
    # The build runs as the build image's user, which must be able to read the binding.
    for path in (folder.parent, folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


@pytest.mark.parametrize("route", ["requirements -i", "PIP_INDEX_URL"])
def test_build_secrets_appear_nowhere_in_the_image_sbom_or_log(docker_client, builder_image, new_image, tmp_path, route):
    secrets = {name: [value] for name, value in COMMON.items()}
    password = f"private-index-password-{uuid.uuid4().hex[:8]}"
    secrets[f"{route} password"] = [password]
    index = private_index.start({"deploy": password})
    try:
        # collectstatic runs (STATIC_ROOT) and, with DEBUG_COLLECTSTATIC, prints the environment it runs with.
        app = copy_app(EXAMPLE_APP, tmp_path / "app")
        settings = app / "myproject" / "settings.py"
        settings.write_text(settings.read_text() + 'STATIC_ROOT = BASE_DIR / "staticfiles"\n')
        requirements = app / "requirements.txt"
        # An unreachable extra index: pip warns and goes on, having seen the credential.
        lines = [f"--extra-index-url http://deploy:{COMMON['requirements --extra-index-url password']}@127.0.0.1:9/simple"]
        env = {
            "SECRET_KEY": COMMON["SECRET_KEY"],
            "PIP_EXTRA_INDEX_URL": f"http://alice:{COMMON['PIP_EXTRA_INDEX_URL password']}@127.0.0.1:9/simple",
            "PIP_RETRIES": "0",
            "PIP_TIMEOUT": "2",
            "BP_EMBED_CERTS": "true",
            "DEBUG_COLLECTSTATIC": "1",
        }
        if route == "requirements -i":
            lines.append(f"-i {index.url('deploy')}")
        else:
            env["PIP_INDEX_URL"] = index.url("deploy")
        requirements.write_text("\n".join(lines) + "\n" + requirements.read_text())

        ca_file, secrets["proxy CA private key"] = proxy_ca(tmp_path)
        bindings = tmp_path / "bindings"
        payments = write_binding(bindings / "payments", "stripe", {"api-key": COMMON["stripe binding token"]})
        proxy = write_binding(bindings / "proxy-ca", "ca-certificates", {"mitmproxy-ca.pem": ca_file})
        image = new_image("secrets")
        result = pack_build(image, app, env=env, extra=[
            "--volume", f"{payments}:/platform/bindings/payments:ro", "--volume", f"{proxy}:/platform/bindings/proxy-ca:ro",
        ])
        assert result.returncode == 0, result.log
    finally:
        index.stop()
    # The secrets were used: every package came from the private index, which answered only with the password.
    assert index.used_by["deploy"] >= 2
    assert f"Looking in indexes: http://deploy:****@127.0.0.1:{index.port}/simple" in result.log
    assert "A ca-certificates binding holds a private key" in result.log
    assert "DEBUG_COLLECTSTATIC is set" in result.log and "Collecting static files" in result.log

    found: dict[str, list[str]] = {name: [] for name in secrets}

    def scan(where: str, data: bytes) -> None:
        for name, values in secrets.items():
            if any(value.encode() in data for value in values):
                found[name].append(where)

    scan("build log", result.log.encode())
    for where, _, read in image_contents(docker_client, image, tmp_path / "image.tar"):
        scan(where, read())
    sbom = tmp_path / "sbom"
    assert run_pack("sbom", "download", image, "--output-dir", str(sbom)).returncode == 0
    for document in sbom.rglob("*.json"):
        scan(f"SBOM {document.name}", document.read_bytes())

    for name in REQUIREMENTS_SECRETS & set(found):
        found[name] = [where for where in found[name] if not where.endswith(USERS_OWN_FILE)]
    assert found == {name: [] for name in secrets}

    # The certificate itself was embedded, and the app runs.
    with run_image(docker_client, image) as running:
        assert running.get("/")[0] == 200
        bundle = running.container.exec_run(["cat", "/layers/pycnb_python/ca-certificates/ca-certificates.crt"]).output.decode()
    assert ca_file[ca_file.index("-----BEGIN CERTIFICATE-----"):].strip() in bundle
