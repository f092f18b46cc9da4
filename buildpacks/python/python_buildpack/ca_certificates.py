"""Extra CA certificates from `ca-certificates` bindings, for pip behind a TLS-intercepting proxy.

The bundle is written outside the layers (it is for this build only) and starts with the
build image's own trust store, so public certificates still verify. Only the certificate blocks
of each file go into it: a proxy's CA file often holds its private key too (mitmproxy's
`mitmproxy-ca.pem` does), and that key must reach neither pip nor, with embedding, the image. With `BP_EMBED_CERTS=true`
(Paketo's name) it is also put in a launch layer, and the app's TLS clients trust it at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

from cnb.bindings import bindings_of_type
from cnb.layers import Layers

from . import messages

BINDING_TYPE = "ca-certificates"
EMBED_ENV_VAR = "BP_EMBED_CERTS"
LAYER_NAME = "ca-certificates"
BUNDLE_NAME = "ca-certificates.crt"
# OpenSSL (and so Python's ssl module) reads SSL_CERT_FILE; requests uses certifi unless
# REQUESTS_CA_BUNDLE is set.
LAUNCH_ENV_VARS = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
PEM_BEGIN = "-----BEGIN CERTIFICATE-----"
CERTIFICATE_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", re.DOTALL)
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def extra_certificates(platform_dir: Path, env: dict[str, str]) -> list[Path]:
    """Every PEM file of every `ca-certificates` binding; a file that is not PEM is an error."""
    found = []
    for binding in bindings_of_type(platform_dir, env, BINDING_TYPE):
        for name, path in binding.entries().items():
            text = path.read_text(encoding="utf-8", errors="replace")
            if PEM_BEGIN not in text:
                raise messages.invalid_ca_certificate(binding.name, name)
            found.append(path)
    return found


def with_private_keys(certificates: list[Path]) -> list[Path]:
    """The files that also hold a private key (left out of the bundle; the user is told)."""
    return [path for path in certificates if PRIVATE_KEY.search(path.read_text(encoding="utf-8", errors="replace"))]


def write_bundle(certificates: list[Path], destination: Path) -> Path:
    """The system's trust store plus every certificate block of `certificates`, and nothing else of them."""
    parts = [SYSTEM_BUNDLE.read_text(encoding="utf-8")] if SYSTEM_BUNDLE.is_file() else []
    for path in certificates:
        parts += CERTIFICATE_BLOCK.findall(path.read_text(encoding="utf-8", errors="replace"))
    destination.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return destination


def embed(layers: Layers, bundle: Path) -> Path:
    """Put `bundle` in a launch layer and point the app's TLS clients at it."""
    layer = layers.get(LAYER_NAME)
    layer.reset()
    target = layer.path / BUNDLE_NAME
    target.write_bytes(bundle.read_bytes())
    for name in LAUNCH_ENV_VARS:
        layer.set_env(name, str(target), scope="launch")
    layer.commit(launch=True)
    return target
