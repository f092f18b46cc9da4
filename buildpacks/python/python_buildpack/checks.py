"""Checks of the build environment, run before anything is downloaded."""

from __future__ import annotations

from . import messages

# Env vars that would send pip's installs somewhere other than our virtual environment, or
# make the interpreter load another standard library. Heroku's Python CNB fails on the same
# set (checks.rs); each is a user's platform env var leaking into the build.
FORBIDDEN_ENV_VARS = (
    "PIP_TARGET",
    "PIP_PREFIX",
    "PIP_ROOT",
    "PIP_USER",
    "PIP_REQUIRE_VIRTUALENV",
    "PYTHONHOME",
    "PYTHONPATH",
    "VIRTUAL_ENV",
)


def check_environment(env: dict[str, str]) -> None:
    present = [name for name in FORBIDDEN_ENV_VARS if env.get(name)]
    if present:
        raise messages.forbidden_env_vars(present)
