"""Building an app with the builder: `pack build` with the flags an air-gapped machine needs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from . import pack
from .builder import BUILDER_IMAGE

# The host's trust store: on a machine behind a TLS-intercepting proxy it holds the proxy's
# CA, which pip inside the build container needs too.
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
CA_BINDING_NAME = "ca-certificates"


def write_ca_binding(folder: Path, bundles: list[Path]) -> Path:
    """A service binding of type `ca-certificates` holding `bundles`, to mount into the build."""
    binding = folder / CA_BINDING_NAME
    binding.mkdir(parents=True, exist_ok=True)
    (binding / "type").write_text("ca-certificates\n")
    for number, bundle in enumerate(bundles):
        (binding / f"ca-{number}.pem").write_bytes(bundle.read_bytes())
    # The build runs as the build image's non-root user: it must be able to read the binding.
    for path in (folder, binding, *binding.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return binding


def pack_build_args(image: str, app_dir: Path, *, builder: str = BUILDER_IMAGE, env: dict[str, str] | None = None,
                    network: str | None = "host", binding: Path | None = None, extra: list[str] | None = None) -> list[str]:
    args = ["build", image, "--builder", builder, "--path", str(app_dir), "--trust-builder", "--pull-policy", "never"]
    if network:
        args += ["--network", network]
    if binding is not None:
        args += ["--volume", f"{binding}:/platform/bindings/{binding.name}:ro"]
    for name, value in (env or {}).items():
        args += ["--env", f"{name}={value}"]
    return args + (extra or [])


def build(image: str, app_dir: Path, *, ca_bundles: list[Path], env: dict[str, str] | None = None, network: str | None = "host",
          extra: list[str] | None = None, capture: bool = False) -> str:
    with tempfile.TemporaryDirectory(prefix="pycnb-bindings-") as tmp:
        binding = write_ca_binding(Path(tmp), ca_bundles) if ca_bundles else None
        return pack.run(
            pack_build_args(image, app_dir, env=env, network=network, binding=binding, extra=extra),
            fix="read the build log above: each buildpack error says what to change", capture=capture,
        )
