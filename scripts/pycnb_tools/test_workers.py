"""How many pytest processes `./pycnb test` runs side by side, and how it splits the suite among them.

A pack build spends most of its time waiting: on the disk (creating and deleting the layer volumes'
files), on PyPI and on the Docker engine, not on the 2 cores. So the suite runs in several processes
(pytest-xdist). Each test file stays in one process (`--dist loadfile`): an e2e module builds its
images once in a module fixture and every test of the module reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import StepError

WORKERS_ENV_VAR = "PYCNB_TEST_WORKERS"
DEFAULT_WORKERS = 3
# Arguments with which the caller already chose how pytest-xdist runs (or that it does not): theirs win.
_CHOSEN_BY_CALLER = ("-n", "--numprocesses", "--dist", "no:xdist")


def workers(env: Mapping[str, str]) -> int:
    """PYCNB_TEST_WORKERS, or the default; 1 runs the suite in this one process."""
    value = env.get(WORKERS_ENV_VAR, "").strip()
    if not value:
        return DEFAULT_WORKERS
    if not value.isdigit() or int(value) < 1:
        raise StepError("test", f"{WORKERS_ENV_VAR}={value!r} is not a number of processes",
                        f"set {WORKERS_ENV_VAR} to a whole number of at least 1 (1 runs the suite in one process), or unset it")
    return int(value)


def pytest_options(pytest_args: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The pytest-xdist options to add in front of `pytest_args`, none when the caller chose."""
    if any(arg.startswith(option) for arg in pytest_args for option in _CHOSEN_BY_CALLER):
        return []
    count = workers(env)
    return ["-n", str(count), "--dist", "loadfile"] if count > 1 else []
