"""One benchmark run: set-up (untimed), the runtime benchmark (our CPython against Debian's), then
each repetition runs every approach through the scenarios in order, cold first; approaches
alternate within a repetition so that drift on the machine spreads over all three."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import docker

from .. import shell, stacks, toolchain
from ..paths import ROOT
from . import base_images, docker_cli, measure, package_index, poetry_project, report, runtime, scenarios
from .approaches import Dockerfile, Floor, Pycnb, PycnbGeoDjango, PycnbGeoDjangoOnGisBuilder, PycnbWithPoetry, PycnbWithUv

# The uv the Python buildpack installs for `BP_PYTHON_INSTALLER=uv`: the local index must serve it too.
UV_PINS = ROOT / "buildpacks" / "python" / "python_buildpack" / "tools" / "uv.txt"


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPUs, {memory:.0f} GiB, {platform.system()} {platform.release()}"


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False).stdout.strip() or "unknown"


def _versions(client: docker.DockerClient, python: str, docker_binary: str, env: dict[str, str]) -> dict[str, str]:
    buildx = subprocess.run([docker_binary, "buildx", "version"], env={**os.environ, **env}, capture_output=True, text=True).stdout.split()
    return {
        "pycnb": _commit(), "pack": toolchain.PACK_VERSION, "lifecycle": toolchain.LIFECYCLE_VERSION,
        "Docker Engine": client.version()["Version"], "buildx": buildx[1] if len(buildx) > 1 else "unknown", "CPython": python,
    }


def _stack_sizes(client: docker.DockerClient) -> dict[str, int]:
    """The bytes of the run and build images every app image and every build starts from."""
    return {"run image": client.images.get(stacks.TRIXIE.run_image).attrs["Size"],
            "build image": client.images.get(stacks.TRIXIE.build_image).attrs["Size"]}


def _reference_index(client: docker.DockerClient, tmp: Path) -> Path:
    """The package index of the reference app and of the dependency a scenario adds."""
    added = tmp / "added.txt"
    added.write_text(scenarios.ADDED_DEPENDENCY + "\n")
    return package_index.fill(client, base_images.BUILD_IMAGE,
                              [scenarios.REFERENCE_APP / "requirements.txt", added, UV_PINS, poetry_project.POETRY_PINS])


def _runtime(client: docker.DockerClient, index: Path, repetitions: int) -> dict:
    archive, entry = base_images.runtime_archive(client)
    return runtime.run(client, archive, entry["sha256"], index, repetitions)


def _stem(now: datetime, quick: bool, suffix: str = "") -> str:
    return now.strftime("%Y-%m-%dT%H%MZ") + suffix + ("-quick" if quick else "")


def run(client: docker.DockerClient, *, repetitions: int, quick: bool, output: Path,
        runtime_repetitions: int | None = None) -> tuple[Path, Path]:
    """Needs the builder to exist already (`./pycnb bench` creates it first)."""
    cli = docker_cli.ensure()
    python = base_images.ensure(client)
    with tempfile.TemporaryDirectory(prefix="pycnb-bench-") as tmp:
        index = _reference_index(client, Path(tmp))
        runtime_summary = _runtime(client, index, runtime_repetitions or runtime.default_repetitions(quick))
        chosen = scenarios.QUICK if quick else scenarios.ALL
        samples: dict[str, dict[str, list[dict]]] = {scenario: {} for scenario in chosen}
        with package_index.serve(index) as url:
            approaches = [Pycnb(client, url), PycnbWithUv(client, url), Dockerfile(client, url, cli), Floor(client, url)]
            if not quick:
                approaches[2:2] = [PycnbWithPoetry(client, url, index), PycnbGeoDjango(client, url),
                                   PycnbGeoDjangoOnGisBuilder(client, url)]
            for repetition in range(1, repetitions + 1):
                for approach in approaches:
                    _run_scenarios(client, approach, chosen, repetition, Path(tmp) / approach.key, samples)
    summary = report.summarize(samples)
    now = datetime.now(timezone.utc)
    result = {
        "meta": {"date": now.strftime("%Y-%m-%d %H:%M UTC"), "mode": "quick" if quick else "full", "repetitions": repetitions,
                 "machine": _machine(), "versions": {**_versions(client, python, *cli),
                                                     "Debian's python3.13": runtime_summary["interpreters"][runtime.DEBIAN]["python"]}},
        "scenarios": summary,
        "runtime": runtime_summary,
        "stacks": _stack_sizes(client),
    }
    result["targets"] = report.targets(summary, runtime_summary, result["stacks"])
    return report.write(result, output, _stem(now, quick))


def run_runtime_only(client: docker.DockerClient, *, repetitions: int, quick: bool, output: Path) -> tuple[Path, Path]:
    """The runtime benchmark alone: needs the build image, not the builder."""
    python = base_images.ensure(client)
    with tempfile.TemporaryDirectory(prefix="pycnb-bench-") as tmp:
        runtime_summary = _runtime(client, _reference_index(client, Path(tmp)), repetitions)
    now = datetime.now(timezone.utc)
    versions = {"pycnb": _commit(), "Docker Engine": client.version()["Version"], "CPython": python,
                "Debian's python3.13": runtime_summary["interpreters"][runtime.DEBIAN]["python"]}
    result = {
        "meta": {"date": now.strftime("%Y-%m-%d %H:%M UTC"), "mode": "runtime only" + (", quick" if quick else ""),
                 "repetitions": repetitions, "machine": _machine(), "versions": versions},
        "runtime": runtime_summary,
    }
    result["targets"] = [runtime.target(runtime_summary)]
    return report.write(result, output, _stem(now, quick, "-runtime"))


def _run_scenarios(client, approach, chosen, repetition, app_dir: Path, samples) -> None:
    scenarios.copy_reference_app(app_dir)
    if hasattr(approach, "prepare"):
        approach.prepare(app_dir)
    approach.start_cold(repetition)
    previous_layers = None
    try:
        for scenario in [name for name in chosen if name in getattr(approach, "scenarios", chosen)]:
            getattr(approach, "apply", scenarios.apply)(scenario, app_dir, repetition)
            shell.say(f"Repetition {repetition}, {approach.title}: {scenario}")
            build = approach.build(app_dir)
            sample: dict = {"wall_seconds": round(build.seconds, 3), "peak_memory_bytes": build.peak_memory}
            if approach.image:
                layers = measure.layer_sizes(client, approach.image)
                sample["image_bytes"] = client.images.get(approach.image).attrs["Size"]
                sample["changed_layer_bytes"] = measure.changed_bytes(layers, previous_layers)
                previous_layers = layers
                sample["first_200_seconds"] = round(measure.first_200(client, approach.image, measure.free_port(),
                                                                      scenarios.expected_greeting(scenario, repetition)), 3)
            if build.phases:
                sample["phases"] = build.phases
            shell.say("  " + ", ".join(f"{name} {value}" for name, value in sample.items() if name != "phases"))
            samples[scenario].setdefault(approach.key, []).append(sample)
    finally:
        approach.finish()
