"""Runs a buildpack's detect or build and turns its outcome into the CNB exit code.

The one place that catches errors: a `BuildpackError` is printed as the user's message,
`DetectFail` exits 100 with at most one line, and anything unexpected is reported as an internal
error without a traceback (set `BP_LOG_LEVEL=debug` to see it).
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from typing import Callable

from .context import BuildContext, DetectContext, build_context, detect_context
from .errors import DETECT_FAIL, DETECT_PASS, ERROR, BuildpackError, DetectFail
from .log import Logger

# ENOSPC: no space left; EDQUOT: a quota reached. Both mean the same to the user.
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})

DetectFn = Callable[[DetectContext, Logger], None]
BuildFn = Callable[[BuildContext, Logger], None]


# Added to whatever umask the platform runs us with: nothing we write (layers, the runtime pip
# and tar unpack, static files) may be writable by other users, such as the run image's user.
# A platform that starts the lifecycle with umask 000 would otherwise get world-writable layers.
UMASK_NO_WRITE_FOR_OTHERS = 0o002


def run(phase: str, buildpack_id: str, detect: DetectFn, build: BuildFn) -> int:
    os.umask(os.umask(0) | UMASK_NO_WRITE_FOR_OTHERS)
    log = Logger()
    try:
        if phase == "detect":
            detect(detect_context(), log)
            return DETECT_PASS
        if phase == "build":
            build(build_context(), log)
            return 0
        log.error(BuildpackError(f"Unknown phase {phase!r}: expected detect or build"))
        return ERROR
    except DetectFail as fail:
        if fail.reason:
            log.detail(fail.reason)
        return DETECT_FAIL
    except BuildpackError as error:
        log.error(error)
        return error.exit_code
    except KeyboardInterrupt:
        log.error(BuildpackError(f"{buildpack_id}: interrupted"))
        return 130
    except OSError as error:
        if error.errno not in DISK_FULL:
            return _internal_error(log, buildpack_id, phase, error)
        log.error(BuildpackError("The build ran out of disk space", str(error),
                                 ["Free disk space on the build machine (e.g. `docker system prune`), then build again."]))
        return ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence for the user
        return _internal_error(log, buildpack_id, phase, error)


def _internal_error(log: Logger, buildpack_id: str, phase: str, error: BaseException) -> int:
    log.error(
        BuildpackError(
            f"Internal error in {buildpack_id} during {phase}: {type(error).__name__}",
            details=str(error),
            fix=[
                "Retry the build with BP_LOG_LEVEL=debug to see where it failed.",
                "Report it with the build log at https://github.com/pycnb/pycnb/issues.",
            ],
        )
    )
    if os.environ.get("BP_LOG_LEVEL", "").lower() == "debug":
        traceback.print_exc(file=sys.stdout)
    return ERROR
