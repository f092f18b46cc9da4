"""Reading a URL or a local file for a build: bounded in time, retried, credentials never shown.

Shared by every buildpack that downloads (the Python runtime, Debian packages); each names its own
timeout and retries settings.

A server that refuses, hangs, cuts a response short or answers 5xx is retried with a growing
pause; a 4xx other than 408 and 429 is final. Every socket operation times out, so a hung server
costs at most `timeout x attempts` plus the pauses. `user:password@` in a URL is sent as HTTP
Basic auth (urllib would otherwise take it for part of the host name) and is masked in every
message.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import IO, Callable, TypeVar

from .errors import BuildpackError
from .log import mask_url_credentials

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_RETRIES = 2
RETRY_PAUSE_SECONDS = 1.0
# 408 Request Timeout and 429 Too Many Requests are worth another try; other 4xx are not.
RETRIED_CLIENT_ERRORS = frozenset({408, 429})

T = TypeVar("T")


class Retryable(Exception):
    """A failure another attempt may not have: the reason is the user's sentence."""


@dataclass(frozen=True)
class Settings:
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    retries: int = DEFAULT_RETRIES
    pause: float = RETRY_PAUSE_SECONDS

    @property
    def attempts(self) -> int:
        return self.retries + 1


def invalid_setting(name: str, value: str, expected: str) -> BuildpackError:
    return BuildpackError(f"Invalid {name}", f"{name} is set to {value!r}.", [f"Set {name} to {expected}, or unset it for the default."])


def settings(env: dict[str, str], timeout_env_var: str, retries_env_var: str,
             invalid: Callable[[str, str, str], BuildpackError] = invalid_setting) -> Settings:
    """The timeout and retries the build environment asks for (checked before any download)."""
    timeout, retries = env.get(timeout_env_var, "").strip(), env.get(retries_env_var, "").strip()
    try:
        seconds = float(timeout) if timeout else DEFAULT_TIMEOUT_SECONDS
        if not 0 < seconds <= 3600:
            raise ValueError
    except ValueError:
        raise invalid(timeout_env_var, timeout, "a number of seconds between 0 and 3600, e.g. 30") from None
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses. int() also refuses more
    # than 4300 digits, so leading zeros are dropped and three digits are enough to exceed 10.
    if retries and not (retries.isascii() and retries.isdigit() and int(retries.lstrip("0")[:3] or "0") <= 10):
        raise invalid(retries_env_var, retries, "a whole number from 0 to 10, e.g. 2")
    return Settings(seconds, int(retries.lstrip("0") or "0") if retries else DEFAULT_RETRIES)


def is_url(location: str) -> bool:
    try:
        scheme = urllib.parse.urlsplit(location).scheme
    except ValueError:  # a malformed host (`http://[`): a URL still, which open_location refuses with a reason
        scheme = location.partition(":")[0].strip().lower()
    return scheme in {"http", "https", "file"}


def without_credentials(url: str) -> tuple[str, str | None]:
    """`url` without `user:password@`, and the Basic auth header value they make (or None)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    user = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


def open_location(location: str, settings: Settings, cafile: str | None = None) -> IO[bytes]:
    """A readable response for a URL (each socket operation timing out) or a local file."""
    if not is_url(location):
        return open(location, "rb")
    url, authorization = without_credentials(location)
    request = urllib.request.Request(url, headers={"Authorization": authorization} if authorization else {})
    context = ssl.create_default_context(cafile=cafile) if cafile and url.startswith("https:") else None
    return urllib.request.urlopen(request, timeout=settings.timeout, context=context)  # noqa: S310 - an operator-chosen URL


def describe(error: BaseException, settings: Settings) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError) or isinstance(error, TimeoutError):
        return f"no answer within {settings.timeout:g} seconds"
    if isinstance(error, http.client.IncompleteRead):
        return f"the server closed the connection after {len(error.partial)} bytes, before the end of the response"
    if isinstance(error, http.client.HTTPException) and not str(error):
        return f"the server closed the connection without a valid answer ({type(error).__name__})"
    return mask_url_credentials(str(reason))


def with_retries(action: Callable[[], T], location: str, settings: Settings, failed: Callable[[str, int], Exception]) -> T:
    """Run `action` up to `settings.attempts` times; `failed(reason, attempts)` is the error raised at the end."""
    attempts = settings.attempts if is_url(location) else 1
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except FileNotFoundError:
            raise failed("no such file", attempt) from None
        except urllib.error.HTTPError as error:
            error.close()  # it holds the response's connection
            if 400 <= error.code < 500 and error.code not in RETRIED_CLIENT_ERRORS:
                raise failed(describe(error, settings), attempt) from None
            reason = describe(error, settings)
        except ValueError as error:  # a malformed URL (a port that is not a number, ...): no attempt helps
            raise failed(mask_url_credentials(str(error)), attempt) from None
        except Retryable as error:
            reason = str(error)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            if not is_url(location) and isinstance(error, OSError):  # a folder, a file the build user cannot read, ...
                raise failed((error.strerror or str(error)).lower(), attempt) from None
            reason = describe(error, settings)
        if attempt == attempts:
            raise failed(reason, attempts) from None
        time.sleep(settings.pause * attempt)
    raise AssertionError("unreachable")
