"""The Python buildpack's downloads (the runtime index and runtimes): lib/cnb's download helpers,
with the BP_PYTHON_DOWNLOAD_* settings."""

from __future__ import annotations

from cnb.download import (  # noqa: F401 - the Python buildpack's modules use them through this module
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_SECONDS,
    RETRIED_CLIENT_ERRORS,
    RETRY_PAUSE_SECONDS,
    Retryable,
    Settings,
    describe,
    is_url,
    open_location,
    with_retries,
    without_credentials,
)
from cnb import download

from . import messages

TIMEOUT_ENV_VAR = "BP_PYTHON_DOWNLOAD_TIMEOUT"
RETRIES_ENV_VAR = "BP_PYTHON_DOWNLOAD_RETRIES"


def settings(env: dict[str, str]) -> Settings:
    """The timeout and retries the build environment asks for (checked before any download)."""
    return download.settings(env, TIMEOUT_ENV_VAR, RETRIES_ENV_VAR, messages.invalid_download_setting)
