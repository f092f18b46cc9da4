"""The runtime benchmark: our CPython runtime against Debian's own python3.13, both in one
container of the build image (no network), timed on the CPU-bound workloads of
benchmarks/runtime/workloads/. The interpreters alternate workload by workload; each figure is
the best CPU time over all repetitions (CPU time, not wall time: on a shared machine other
processes take the CPU away from a run, which wall time would count)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import statistics
import tarfile
from pathlib import Path

import docker
from docker.errors import ContainerError, DockerException

from .. import shell
from ..errors import StepError
from ..paths import ROOT, cache_dir
from ..stacks import TRIXIE

STEP = "bench"
FOLDER = ROOT / "benchmarks" / "runtime"
WORKLOADS = ("fib", "dicts", "strings", "json_roundtrip", "regex", "nbody", "binary_trees", "django_template", "django_request")
OURS, DEBIAN = "ours", "debian"
INTERPRETERS = (OURS, DEBIAN)
TITLES = {OURS: "ours", DEBIAN: "Debian"}
# Where each interpreter sits in the container; a venv of each carries the reference app's Django.
BASE_PYTHON = {OURS: "/opt/pycnb-python/bin/python3", DEBIAN: "/usr/bin/python3.13"}
VENV_PYTHON = {key: f"/venvs/{key}/bin/python" for key in INTERPRETERS}
# Timed runs of run() per process; the process's best counts.
LOOPS = 3
FULL_REPETITIONS, QUICK_REPETITIONS = 7, 2
# "Ours no slower than Debian's, within noise."
TARGET_RATIO = 1.02
# Same hash seed for both: dict and set layouts, hence timings, do not vary between processes.
RUN_ENVIRONMENT = {"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
DJANGO_PIN = re.compile(r"^django==(\S+)", re.IGNORECASE | re.MULTILINE)


def default_repetitions(quick: bool) -> int:
    return QUICK_REPETITIONS if quick else FULL_REPETITIONS


def django_pin(requirements: str) -> str:
    """The `Django==X` requirement of the reference app's requirements.txt."""
    match = DJANGO_PIN.search(requirements)
    if not match:
        raise StepError(STEP, "the reference app's requirements.txt does not pin Django (Django==X.Y.Z)",
                        "pin Django in benchmarks/reference-app/requirements.txt")
    return f"Django=={match.group(1)}"


# Set-up: the archive unpacked and a venv per interpreter, cached

def _setup_script(django: str) -> str:
    install = ("/opt/pycnb-python/bin/python3 -m pip --disable-pip-version-check --quiet --python /venvs/{key}/bin/python install"
               " --no-index --find-links /index/files " + django)
    return "\n".join([
        "set -e",
        *(f"{BASE_PYTHON[key]} -m venv --without-pip /venvs/{key}" for key in INTERPRETERS),
        *(install.format(key=key) for key in INTERPRETERS),
    ])


def _unpack(archive: Path, destination: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(destination, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))


def prepare(client: docker.DockerClient, archive: Path, archive_sha256: str, index: Path) -> Path:
    """A cache folder holding `python/` (our runtime, unpacked) and `venvs/<interpreter>` (each
    with the reference app's Django), made once per archive, build image and Django pin."""
    django = django_pin((ROOT / "benchmarks" / "reference-app" / "requirements.txt").read_text())
    recipe = f"{archive_sha256} {client.images.get(TRIXIE.build_image).id} {django} {_setup_script(django)}"
    key = hashlib.sha256(recipe.encode()).hexdigest()[:16]
    parent = cache_dir() / "runtime-bench"
    root = parent / key
    if (root / "ready").exists():
        return root
    for old in parent.glob("*") if parent.exists() else []:
        shutil.rmtree(old, ignore_errors=True)
    partial = parent / f"{key}.partial"
    partial.mkdir(parents=True)
    shell.say(f"Unpacking {archive.name} and installing {django} into a venv of each interpreter")
    _unpack(archive, partial)
    (partial / "venvs").mkdir()
    try:
        client.containers.run(
            TRIXIE.build_image, ["sh", "-c", _setup_script(django)], user="0", remove=True, network_mode="none",
            volumes={str(partial / "python"): {"bind": "/opt/pycnb-python", "mode": "ro"},
                     str(partial / "venvs"): {"bind": "/venvs", "mode": "rw"}, str(index): {"bind": "/index", "mode": "ro"}},
        )
    except ContainerError as error:
        output = error.stderr.decode(errors="replace")[-3000:] if error.stderr else ""
        raise StepError(STEP, f"making the runtime benchmark's venvs failed:\n{output}", "read pip's output above") from None
    (partial / "ready").touch()
    partial.rename(root)
    return root


# The timed runs

def parse_harness_output(output: str, workload: str, interpreter: str) -> dict:
    """The harness's JSON line (the last line it printed): CPU and wall seconds per loop, checksum, version."""
    lines = [line for line in output.splitlines() if line.strip()]
    try:
        data = json.loads(lines[-1])
        seconds = [float(value) for value in data["seconds"]]
        if not seconds or min(seconds) <= 0:
            raise ValueError("no positive time")
        wall_seconds = [float(value) for value in data.get("wall_seconds", [])]
        return {"seconds": seconds, "wall_seconds": wall_seconds, "checksum": str(data["checksum"]), "python": str(data["python"]),
                "flags": dict(data.get("flags", {}))}
    except (IndexError, ValueError, KeyError, TypeError, AttributeError):
        raise StepError(STEP, f"the {workload} workload on {TITLES[interpreter]} Python did not report its times:\n{output[-3000:]}",
                        f"run it by hand: python benchmarks/runtime/harness.py benchmarks/runtime/workloads/{workload}.py 1") from None


def interleaved(repetitions: int, workloads: tuple[str, ...] = WORKLOADS) -> list[tuple[int, str, str]]:
    """(repetition, workload, interpreter) in running order: workload by workload, the
    interpreters one after the other, the first of each pair alternating between repetitions
    (A B, then B A) so that neither always runs on a warmer or cooler machine."""
    order = []
    for repetition in range(1, repetitions + 1):
        pair = INTERPRETERS if repetition % 2 else INTERPRETERS[::-1]
        order += [(repetition, workload, interpreter) for workload in workloads for interpreter in pair]
    return order


def measure(client: docker.DockerClient, root: Path, repetitions: int, loops: int = LOOPS) -> tuple[dict, dict]:
    """Samples per workload and interpreter, and what each interpreter is (version, build flags)."""
    samples: dict[str, dict[str, list[dict]]] = {workload: {key: [] for key in INTERPRETERS} for workload in WORKLOADS}
    interpreters: dict[str, dict] = {}
    try:
        container = client.containers.run(
            TRIXIE.build_image, ["sleep", "infinity"], detach=True, network_mode="none", environment=RUN_ENVIRONMENT,
            volumes={str(root / "python"): {"bind": "/opt/pycnb-python", "mode": "ro"},
                     str(root / "venvs"): {"bind": "/venvs", "mode": "ro"}, str(FOLDER): {"bind": "/bench", "mode": "ro"}},
        )
    except DockerException as error:
        raise StepError(STEP, f"starting the runtime benchmark's container failed: {error}",
                        "build the stack images first: ./pycnb stacks") from None
    try:
        current = 0
        for repetition, workload, interpreter in interleaved(repetitions):
            if repetition != current:
                current = repetition
                shell.say(f"Runtime benchmark, repetition {repetition} of {repetitions}")
            argv = [VENV_PYTHON[interpreter], "/bench/harness.py", f"/bench/workloads/{workload}.py", str(loops)]
            exit_code, output = container.exec_run(argv)
            output = output.decode(errors="replace")
            if exit_code != 0:
                raise StepError(STEP,
                                f"the {workload} workload failed on {TITLES[interpreter]} Python (exit {exit_code}):\n{output[-3000:]}",
                                f"run it by hand: python benchmarks/runtime/harness.py benchmarks/runtime/workloads/{workload}.py 1")
            sample = parse_harness_output(output, workload, interpreter)
            interpreters[interpreter] = {"python": sample.pop("python"), "executable": BASE_PYTHON[interpreter],
                                         "flags": sample.pop("flags")}
            samples[workload][interpreter].append(sample)
    finally:
        container.remove(force=True)
    return samples, interpreters


# Figures

def summarize(samples: dict[str, dict[str, list[dict]]], interpreters: dict[str, dict], repetitions: int, loops: int = LOOPS) -> dict:
    """Per workload: each interpreter's best CPU time, the ratio ours/Debian, and the noise (how
    far the median process's best is above the best); then the geometric mean of the ratios."""
    workloads = {}
    for workload, by_interpreter in samples.items():
        checksums = {run["checksum"] for runs in by_interpreter.values() for run in runs}
        if len(checksums) > 1:
            raise StepError(STEP, f"the {workload} workload returned different results: {sorted(checksums)}",
                            "the interpreters did not do the same work: fix the workload")
        best, noise = {}, {}
        for interpreter, runs in by_interpreter.items():
            process_bests = [min(run["seconds"]) for run in runs]
            best[interpreter] = min(process_bests)
            noise[interpreter] = round(statistics.median(process_bests) / best[interpreter] - 1, 4)
        workloads[workload] = {
            "best_seconds": {key: round(value, 6) for key, value in best.items()},
            "ratio": round(best[OURS] / best[DEBIAN], 3),
            "noise": noise,
            "runs": {key: [{name: [round(s, 6) for s in run.get(name, [])] for name in ("seconds", "wall_seconds")} for run in runs]
                     for key, runs in by_interpreter.items()},
        }
    ratios = [entry["best_seconds"][OURS] / entry["best_seconds"][DEBIAN] for entry in workloads.values()]
    geometric_mean = round(math.exp(statistics.fmean(math.log(ratio) for ratio in ratios)), 3) if ratios else None
    return {"repetitions": repetitions, "loops": loops, "interpreters": interpreters, "workloads": workloads,
            "geometric_mean_ratio": geometric_mean}


def target(summary: dict | None) -> dict:
    value = summary.get("geometric_mean_ratio") if summary else None
    return {"goal": "CPython runtime: ours/Debian's python3.13, geometric mean over the workloads", "value": value,
            "target": f"<= {TARGET_RATIO}", "digits": 3, "met": None if value is None else value <= TARGET_RATIO}


def _describe(info: dict) -> str:
    flags = info.get("flags", {})
    configured = ", ".join(name for name, on in (("PGO", flags.get("pgo")), ("LTO", flags.get("lto"))) if on) or "no PGO, no LTO"
    libpython = {True: "shared libpython", False: "libpython linked in"}.get(flags.get("shared_libpython"), "libpython unknown")
    return f"CPython {info.get('python', '?')} (`{info.get('executable', '?')}`; {libpython}; sysconfig: {configured})"


def markdown(summary: dict) -> list[str]:
    interpreters = summary["interpreters"]
    lines = [
        f"## CPython runtime: ours vs Debian's python3.13 (best CPU time of {summary['repetitions']} x {summary['loops']} runs, ms)", "",
        (f"Ours: {_describe(interpreters.get(OURS, {}))}. Debian: {_describe(interpreters.get(DEBIAN, {}))}. "
         "Both in one container of the build image, no network, PYTHONHASHSEED=0, alternating workload by workload. "
         "sysconfig tells how the interpreter's build was configured; Debian's describes its shared libpython build, "
         "not necessarily the statically linked `/usr/bin/python3.13`."), "",
        "| workload | ours | Debian | ours/Debian | noise |", "|---|---:|---:|---:|---:|",
    ]
    for workload, entry in summary["workloads"].items():
        best = entry["best_seconds"]
        noise = max(entry["noise"].values())
        lines.append(f"| {workload} | {best[OURS] * 1000:.1f} | {best[DEBIAN] * 1000:.1f} | {entry['ratio']:.3f} | {noise * 100:.1f}% |")
    geometric_mean = summary["geometric_mean_ratio"]
    lines += [f"| **geometric mean** | | | **{'–' if geometric_mean is None else f'{geometric_mean:.3f}'}** | |", "",
              ("Noise: how far the median repetition's best is above the best, for the noisier interpreter; "
               "a ratio within it of 1.0 is a tie."), ""]
    return lines


def run(client: docker.DockerClient, archive: Path, archive_sha256: str, index: Path, repetitions: int) -> dict:
    """Set-up (cached, untimed), then the interleaved runs; the summary."""
    root = prepare(client, archive, archive_sha256, index)
    samples, interpreters = measure(client, root, repetitions)
    return summarize(samples, interpreters, repetitions)
