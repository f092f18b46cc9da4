"""collectstatic at build time: when it runs, when it is skipped and why, and its diagnosis."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from cnb import commands
from cnb.log import MASK, Logger, is_secret_name

from . import messages
from .settings import LOOKUPS, Settings

# Heroku's switch, then ours (Buildpack convention: BP_<BUILDPACK>_<SETTING>).
DISABLE_ENV_VAR = "DISABLE_COLLECTSTATIC"
SWITCH_ENV_VAR = "BP_DJANGO_COLLECTSTATIC"
DEBUG_ENV_VAR = "DEBUG_COLLECTSTATIC"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def turned_off(env: dict[str, str]) -> str | None:
    """Why the user turned collectstatic off, or None."""
    if env.get(DISABLE_ENV_VAR, "").strip().lower() in _TRUE:
        return f"turned off by {DISABLE_ENV_VAR}={env[DISABLE_ENV_VAR]}"
    if env.get(SWITCH_ENV_VAR, "").strip().lower() in _FALSE:
        return f"turned off by {SWITCH_ENV_VAR}={env[SWITCH_ENV_VAR]}"
    return None


def skip_reason(settings: Settings) -> str | None:
    """Why the app's settings make collectstatic pointless, or None."""
    if not settings.staticfiles_installed:
        return "django.contrib.staticfiles is not in INSTALLED_APPS"
    if not settings.static_root:
        return messages.static_root_unset()
    return None


# `python manage.py ARGS` as Python runs a script (manage.py's folder first on sys.path, run as __main__),
# recording what it reached (settings.LOOKUPS) into the file named first.
_RUNNER = LOOKUPS + """
import runpy
record = sys.argv[1]
atexit.register(lambda: open(record, "w").write(json.dumps(_pycnb_lookups())))
sys.argv = sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(log: Logger, python: Path, manage: Path, env: dict[str, str], settings_module: str) -> dict[str, list[str]] | None:
    """`python manage.py collectstatic --noinput` from the folder of `manage` (the real file, links resolved).
    Returns what it reached (settings.LOOKUPS), or None when it did not say."""
    if env.get(DEBUG_ENV_VAR, "").strip().lower() in _TRUE:
        log.step(f"{DEBUG_ENV_VAR} is set: the environment collectstatic runs with (secrets masked):")
        for name in sorted(env):
            log.detail(f"  {name}={MASK if is_secret_name(name) else env[name]}")
    with tempfile.TemporaryDirectory(prefix="pycnb-collectstatic-") as tmp:
        runner, record = Path(tmp) / "manage_recording_imports.py", Path(tmp) / "lookups.json"
        runner.write_text(_RUNNER, encoding="utf-8")
        with log.timed("Collecting static files"):
            code, output = commands.run(log, [str(python), str(runner), str(record), manage.name, "collectstatic", "--noinput"],
                                        env=env, cwd=manage.parent)
        if code != 0:
            raise messages.diagnose("collectstatic", "\n".join(output), settings_module)
        try:
            lookups = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
    return lookups if isinstance(lookups, dict) else None
