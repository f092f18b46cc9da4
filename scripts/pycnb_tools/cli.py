"""The `./pycnb` command line: one entry point, a subcommand per step, each idempotent and cached."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click

from . import app, builder, buildpackages, disk_space, docker_engine, pack, packaging, publish, runtimes, stacks, test_workers, toolchain
from .errors import StepError
from .paths import BENCHMARK_RESULTS, EXAMPLES_DIR, ROOT
from .shell import say, warn

EXAMPLE_APP = EXAMPLES_DIR / "django-app"
EXAMPLE_IMAGE = "pycnb-example/django-app"


@click.group()
def cli() -> None:
    """Build pycnb's builder from source and use it, with nothing pulled from a registry."""


@cli.command("docker")
def docker_cmd() -> None:
    """Use a reachable Docker daemon, or install and start one."""
    client = docker_engine.ensure()
    say(f"Docker engine {client.version()['Version']} is ready")


@cli.command("toolchain")
def toolchain_cmd() -> None:
    """Build pack and the lifecycle from the Go module proxy (cached)."""
    say(f"pack: {toolchain.pack()}")
    say(f"lifecycle: {toolchain.lifecycle_tarball()}")
    pack.set_up_for_users()


@cli.command("stacks")
def stacks_cmd() -> None:
    """Build the base, build and run images."""
    stacks.build_images(docker_engine.ensure())


@cli.command("runtimes")
def runtimes_cmd() -> None:
    """Compile the configured CPython runtimes (PYCNB_RUNTIME_VERSIONS, else
    stacks/trixie/python-versions.txt) in the build image and write the runtime index."""
    runtimes.configured_sources()
    versions = runtimes.configured_versions()
    client = docker_engine.ensure()
    stacks.build_images(client)
    say(f"Runtime index: {runtimes.build_all(client, versions)}")


@cli.command("package")
def package_cmd() -> None:
    """Stage the buildpacks under build/buildpacks, self-contained, and make each a buildpackage
    (an image and a .cnb file in build/buildpackages) with pack."""
    staged = packaging.stage_all(runtimes.runtimes_dir())
    client = docker_engine.ensure()
    stacks.build_images(client)
    packaging.compile_bytecode(client, stacks.TRIXIE.build_image, staged)
    toolchain.pack()
    for package in buildpackages.create_all(staged):
        say(f"{package.id} {package.version}: {package.image} and {package.file.relative_to(ROOT)}")


@cli.command("publish")
@click.argument("registry")
def publish_cmd(registry: str) -> None:
    """Push the stack images, the buildpackages and a builder made from them to REGISTRY
    (host[:port][/path]); builds whatever is missing first."""
    published = publish.publish(docker_engine.ensure(), registry)
    for role, image in published.images.items():
        say(f"{role}: {image}")


@cli.command("builder")
@click.option("--gis", is_flag=True, help=f"The GIS builder ({builder.GIS_BUILDER_IMAGE}): GDAL, GEOS and PROJ in its stack images, "
                                          "for GeoDjango apps (docs/apt.md).")
def builder_cmd(gis: bool) -> None:
    """Create the builder image (runs every step above first)."""
    client = docker_engine.ensure()
    tag = builder.create(client, builder.GIS_BUILDER_IMAGE, stacks.GIS) if gis else builder.create(client)
    say(f"Builder {tag} is ready")
    pack.set_up_for_users(tag)
    say(f"then: pack build myapp --builder {tag} --path ./myapp")


def _ca_bundles(ca_certificates: tuple[Path, ...], host_ca: bool) -> list[Path]:
    bundles = list(ca_certificates)
    if host_ca and app.HOST_CA_BUNDLE.is_file():
        bundles.insert(0, app.HOST_CA_BUNDLE)
    return bundles


@cli.command("build")
@click.argument("app_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--tag", required=True, help="The image to build.")
@click.option("--env", "env_vars", multiple=True, metavar="NAME=VALUE", help="A build-time env var; repeatable.")
@click.option("--ca-certificates", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="A PEM bundle to trust during the build, passed as a ca-certificates binding; repeatable.")
@click.option("--host-ca/--no-host-ca", default=True, show_default=True,
              help="Also pass the host's trust store (a proxy's CA lives there).")
@click.option("--network", default="host", show_default=True, help="The network of the build containers ('' for Docker's default).")
def build_cmd(app_dir: Path, tag: str, env_vars: tuple[str, ...], ca_certificates: tuple[Path, ...], host_ca: bool, network: str) -> None:
    """Build APP_DIR into an image with the builder (pack build, offline-safe flags)."""
    docker_engine.ensure()
    env = dict(item.split("=", 1) for item in env_vars)
    app.build(tag, app_dir, ca_bundles=_ca_bundles(ca_certificates, host_ca), env=env, network=network or None)


def wait_for_http(url: str, timeout: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own container
                return response.status, response.read().decode(errors="replace")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@cli.command("demo")
@click.option("--port", default=8080, show_default=True)
def demo_cmd(port: int) -> None:
    """Create the builder, build the example Django app, run it and show it answering HTTP."""
    client = docker_engine.ensure()
    builder.create(client)
    pack.set_up_for_users(builder.BUILDER_IMAGE)
    app.build(EXAMPLE_IMAGE, EXAMPLE_APP, ca_bundles=_ca_bundles((), True))
    say(f"Running {EXAMPLE_IMAGE} with PORT={port}")
    container = client.containers.run(EXAMPLE_IMAGE, detach=True, network_mode="host", environment={"PORT": str(port)})
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/")
        say(f"GET http://127.0.0.1:{port}/ answered {status}: {body[:200]!r}")
    except OSError as error:
        raise StepError("demo", f"the app did not answer on port {port}: {error}\n{container.logs().decode()[-2000:]}",
                        "read the app's log above") from None
    finally:
        container.remove(force=True)
    say(f"Build your own app with pack: {pack.path_line()}")
    say(f"then: pack build myapp --builder {builder.BUILDER_IMAGE} --path ./myapp")


@cli.command("bench")
@click.option("--quick", is_flag=True, help="One repetition of two scenarios: a smoke test of the runner, not figures to quote.")
@click.option("--repetitions", type=click.IntRange(1), default=None,
              help="Runs of every scenario (default: 3, quick: 1), the median is reported; with --runtime-only, "
                   "runs of every workload per interpreter (default: 7, quick: 2), the best is reported.")
@click.option("--runtime-only", is_flag=True,
              help="Only the CPython runtime benchmark: our runtime against Debian's python3.13 (needs no builder).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=BENCHMARK_RESULTS, show_default=True,
              help="Where the JSON and markdown results go.")
def bench_cmd(quick: bool, repetitions: int | None, runtime_only: bool, output: Path) -> None:
    """Benchmark pycnb against the Dockerfile a user would write and the bare install, and our CPython against Debian's
    (see benchmarks/README.md)."""
    from .bench import runner, runtime

    client = docker_engine.ensure()
    if runtime_only:
        stacks.build_images(client)
        json_path, markdown_path = runner.run_runtime_only(client, repetitions=repetitions or runtime.default_repetitions(quick),
                                                           quick=quick, output=output)
        say(f"Results: {markdown_path} and {json_path}")
        return
    builder.create(client)
    if not quick:
        builder.create(client, builder.GIS_BUILDER_IMAGE, stacks.GIS)  # approach H
    json_path, markdown_path = runner.run(client, repetitions=repetitions or (1 if quick else 3), quick=quick, output=output)
    say(f"Results: {markdown_path} and {json_path}")


@cli.command("test", context_settings={"ignore_unknown_options": True})
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test_cmd(pytest_args: tuple[str, ...]) -> None:
    """Create the builders, then run the whole test suite (unit, contract, end-to-end)."""
    client = docker_engine.ensure()
    builder.create(client)
    builder.create(client, builder.GIS_BUILDER_IMAGE, stacks.GIS)
    for line in disk_space.shortages(disk_space.suite_folders(client.info()["DockerRootDir"])):
        warn(line)
    command = [sys.executable, "-m", "pytest", *test_workers.pytest_options(pytest_args, os.environ), *pytest_args]
    sys.exit(subprocess.call(command, cwd=ROOT, env={**os.environ}))


# What users type (the `pycnb` script runs `python -m pycnb_tools`, which click would show instead).
PROG_NAME = "./pycnb"


def main() -> None:
    try:
        cli(standalone_mode=False, prog_name=PROG_NAME)
    except StepError as error:
        click.echo(click.style(error.render(), fg="red"), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
