"""Every broken app of the corpus, run through the staged buildpack's bin/detect and bin/build as the
lifecycle runs them: the expected phase, exit code and key sentence, never a traceback, never a line
of a file outside the app, never a layer left half-written.

The cases run a few at a time (each phase is a container that mostly waits), once per session, in
the `outcomes` fixture; each test then checks its own case.
"""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.lifecycle import PhaseResult, run_phase

from .cases import CANARY_ENV, CASES, PASSWD_MARKERS, Case

pytestmark = pytest.mark.docker

# What the lifecycle gives the Django buildpack from the Python buildpack's build layers.
AFTER_PYTHON = {
    "VIRTUAL_ENV": "/layers/pycnb_python/venv",
    "PATH": "/layers/pycnb_python/venv/bin:/layers/pycnb_python/python/bin:/usr/local/bin:/usr/bin:/bin",
    "PYTHONUNBUFFERED": "1",
}
# An outer limit for one phase, huge inputs included: they take seconds, this only stops a hang.
PHASE_TIMEOUT_SECONDS = 120
# Containers running at once: most of a phase is container start-up, so a few overlap well on 2 cores.
WORKERS = 4


@dataclass
class Outcome:
    result: PhaseResult
    layers: set[str]  # the layer .toml files in the buildpack's layers folder after the failing phase
    seconds: float


def _ca_binding(work: Path) -> Path:
    from pycnb_tools import app as tooling

    return tooling.write_ca_binding(work / "bindings", [tooling.HOST_CA_BUNDLE]).parent


class Runner:
    """Runs cases; the Django cases share the example app's Python layers, the PyPI cases one
    layers folder (the runtime is unpacked once), so each of those groups runs in order."""

    def __init__(self, work: Path) -> None:
        self.work = work

    def group(self, cases: list[Case]) -> dict[str, Outcome | BaseException]:
        client = docker.from_env(version="auto", timeout=PHASE_TIMEOUT_SECONDS * 2)  # one per thread, as the engine helper makes it
        outcomes: dict[str, Outcome | BaseException] = {}
        shared = None
        for case in cases:
            try:
                if shared is None and case.phase == "build" and (case.buildpack == "django" or case.network):
                    shared = self._shared_layers(client, case)
                outcomes[case.name] = self.run(client, case, shared)
            except Exception as error:  # noqa: BLE001 - reported by the case's own test
                outcomes[case.name] = error
        client.close()
        return outcomes

    def _shared_layers(self, client, case: Case) -> Path:
        work = self.work / f"shared-{case.buildpack}-{case.network}"
        if case.buildpack == "django":
            app = copy_app(EXAMPLE_APP, work / "app")
            result = run_phase(client, "python", "build", app, work / "work", bindings=_ca_binding(work), network="host")
            assert result.exit_code == 0, f"building the Python layers the Django cases need failed:\n{result.output}"
        return work / "work"

    def run(self, client, case: Case, shared: Path | None) -> Outcome:
        work = self.work / case.name
        app = case.make_app(work / "app")
        env = {**CANARY_ENV, **case.env}
        started = time.monotonic()
        result = run_phase(client, case.buildpack, "detect", app, work / "detect", env=env, timeout=PHASE_TIMEOUT_SECONDS)
        layers_root = work / "detect"
        if case.phase == "build":
            if result.exit_code != 0:
                raise AssertionError(f"detect should pass so that build can explain the problem:\n{result.output}")
            if case.buildpack == "django":
                layers_root = shared
                shutil.rmtree(shared / "layers" / "pycnb_django", ignore_errors=True)
                result = run_phase(client, "django", "build", app, shared, env={**AFTER_PYTHON, **env}, timeout=PHASE_TIMEOUT_SECONDS)
            elif case.network:
                layers_root = shared
                result = run_phase(client, case.buildpack, "build", app, shared, env=env, bindings=_ca_binding(work), network="host",
                                   timeout=PHASE_TIMEOUT_SECONDS)
            else:
                layers_root = work / "build"
                result = run_phase(client, case.buildpack, "build", app, layers_root, env=env, timeout=PHASE_TIMEOUT_SECONDS)
        seconds = time.monotonic() - started
        # Read now: the next case of a group changes the shared layers.
        layers = layers_root / "layers" / f"pycnb_{case.buildpack}"
        return Outcome(result, {path.name for path in layers.glob("*.toml")} if layers.is_dir() else set(), seconds)


@pytest.fixture(scope="module")
def outcomes(request, docker_client, builder_image, tmp_path_factory):
    """The outcome of every case selected in this session, by name."""
    selected = [item.callspec.params["case"] for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec") and "case" in item.callspec.params]
    runner = Runner(tmp_path_factory.mktemp("corpus"))
    django_cases = [case for case in selected if case.buildpack == "django" and case.phase == "build"]
    network_cases = [case for case in selected if case.network]
    groups = [group for group in (django_cases, network_cases) if group]
    groups += [[case] for case in selected if case not in django_cases and case not in network_cases]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = {}
        for outcome in pool.map(runner.group, groups):
            results.update(outcome)
    return results


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(outcomes, request, case: Case):
    outcome = outcomes[case.name]
    if isinstance(outcome, BaseException):
        raise outcome
    request.node.user_properties.append(("seconds", round(outcome.seconds, 1)))
    output = outcome.result.output
    assert outcome.result.exit_code == case.exit_code, output
    assert case.message in output, output
    # A command's own output (pip's, Django's), indented under its step, may hold its traceback;
    # one from our code would start a line, or name a file of the buildpack.
    assert not any(line.startswith("Traceback") for line in output.splitlines()), output
    assert 'File "/cnb/' not in output and "Internal error" not in output, output
    for secret in (*PASSWD_MARKERS, *CANARY_ENV.values(), *case.never):
        assert secret not in output, output
    if case.exit_code == 100:
        assert len(output.strip().splitlines()) <= 1, output
    elif case.exit_code == 0:
        assert "! ERROR: " not in output, output
    else:
        assert "! ERROR: " in output and "! To fix this:" in output, output
    assert outcome.layers <= case.layers, f"layers written before the failure: {sorted(outcome.layers - case.layers)}"
