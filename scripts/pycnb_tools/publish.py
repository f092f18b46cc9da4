"""`./pycnb publish REGISTRY`: the stack images, the buildpackages and a builder composed from them,
pushed to a registry, where kpack, Tekton, GitLab or another pack find them.

The builder is made again from the published pieces (`docker://` buildpackages, the registry's build
and run images), as any platform composing its own builder would: its run image then names the
registry's, so `pack build --builder REGISTRY/pycnb/builder:trixie` and `pack rebase` find it there.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import io

import docker

from . import builder, buildpackages, pack, shell, stacks
from .errors import StepError
from .paths import BUILD_DIR

STEP = "publish"
STACK_TAGS = {"build": "pycnb/build:trixie", "run": "pycnb/run:trixie"}
# kpack (v0.17, pkg/cnb/remote_stack_reader.go) still reads the stack id, deprecated since Platform API
# 0.12, from both images and refuses a ClusterStack whose `id` differs: the published stack images carry
# it (examples/kpack/pycnb.yaml names it). pack and the lifecycle ignore it.
STACK_ID_LABEL = "io.buildpacks.stack.id"
STACK_ID = "io.buildpacks.stacks.pycnb.trixie"
BUILDER_TAG = "pycnb/builder:trixie"


@dataclass
class Published:
    """What is in the registry now, by role: `build`, `run`, `builder`, and each buildpack's folder name."""

    registry: str
    images: dict[str, str] = field(default_factory=dict)


def check_registry(registry: str) -> str:
    """`host[:port][/path]`, no scheme and no tag: the prefix every published name starts with."""
    text = registry.strip().rstrip("/")
    host, _, path = text.partition("/")
    if not host or "://" in text or "@" in text or any(character.isspace() for character in text) or ":" in path:
        raise StepError(STEP, f"{registry!r} is not a registry name",
                        "give a host, a host:port or a host and path: ./pycnb publish 127.0.0.1:5000 or registry.example.com/team")
    return text


def push(client: docker.DockerClient, local: str, remote: str, labels: dict[str, str] | None = None) -> str:
    """Tag `local` as `remote` (with `labels` added to its config: no new layer) and push it; a
    registry's refusal is a StepError naming both."""
    shell.say(f"Pushing {local} as {remote}")
    try:
        if labels:
            dockerfile = f"FROM {local}\n" + "".join(f'LABEL {name}="{value}"\n' for name, value in labels.items())
            client.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=remote, rm=True, pull=False)
        else:
            client.images.get(local).tag(remote)
        for line in client.images.push(remote, stream=True, decode=True):
            if "error" in line:
                raise StepError(STEP, f"pushing {remote} failed: {line.get('error')}",
                                "check that the registry is reachable and accepts pushes (docker login for a registry that needs it)")
    except docker.errors.DockerException as error:
        raise StepError(STEP, f"pushing {remote} failed: {error}",
                        "check that the Docker engine is running and the registry is reachable") from None
    finally:
        # The registry's names are ours only while pushing: they would pile up in the daemon.
        try:
            client.images.remove(remote)
        except docker.errors.DockerException:
            pass
    return remote


def composed_builder_config(images: dict[str, str], packages: dict[str, str], lifecycle: Path, destination: Path) -> Path:
    """builder.toml with the registry's build and run images, the published buildpackages (`docker://`
    URIs, see buildpackages.pack_locator) for the staged folders it names, and the lifecycle by absolute
    path; everything else (order, targets) as is."""
    text = builder.CONFIG.read_text()
    for kind, name in STACK_TAGS.items():
        text = text.replace(f'image = "{name}"', f'image = "{images[kind]}"')
    for folder, image in packages.items():
        text = text.replace(f'uri = "build/buildpacks/{folder}"', f'uri = "{buildpackages.pack_locator(image)}"')
    text = text.replace('uri = "build/lifecycle.tgz"', f'uri = "{lifecycle}"')
    parsed = tomllib.loads(text)
    uris = [entry["uri"] for entry in parsed["buildpacks"]]
    if parsed["build"]["image"] != images["build"] or [run["image"] for run in parsed["run"]["images"]] != [images["run"]] \
            or sorted(uris) != sorted(buildpackages.pack_locator(image) for image in packages.values()) \
            or parsed["lifecycle"]["uri"] != str(lifecycle):
        raise StepError(STEP, "builder.toml no longer names its images, buildpacks and lifecycle as publish expects",
                        'keep the stack images, `uri = "build/buildpacks/<name>"` and `uri = "build/lifecycle.tgz"` in builder.toml')
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text)
    return destination


def publish(client: docker.DockerClient, registry: str, *, prepare: bool = True) -> Published:
    """The local builder and buildpackages made (with `prepare`; else they must exist), then everything
    pushed to `registry`."""
    registry = check_registry(registry)
    if prepare:
        builder.create(client)
        packages = buildpackages.create_all()
    else:
        packages = [buildpackages.describe(folder) for folder in buildpackages.staged_folders()]
    published = Published(registry)
    for kind, local in (("build", stacks.TRIXIE.build_image), ("run", stacks.TRIXIE.run_image)):
        published.images[kind] = push(client, local, f"{registry}/{STACK_TAGS[kind]}", {STACK_ID_LABEL: STACK_ID})
    for package in packages:
        published.images[package.name] = push(client, package.image, package.remote(registry))
    lifecycle = BUILD_DIR / "lifecycle.tgz"
    config = composed_builder_config(published.images, {p.name: published.images[p.name] for p in packages}, lifecycle.resolve(),
                                     BUILD_DIR / "publish" / "builder.toml")
    remote_builder = f"{registry}/{BUILDER_TAG}"
    shell.say(f"Creating {remote_builder} from the published buildpackages and stack images")
    pack.run(["builder", "create", remote_builder, "--config", str(config), "--publish"],
             fix="read pack's message above; the registry must be reachable from here")
    published.images["builder"] = remote_builder
    return published
