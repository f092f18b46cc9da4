"""Runs a buildpack's detect or build and turns its outcome into the CNB exit code.

The one place that catches errors: a `BuildpackError` is printed as the user's message,
`DetectFail` exits 100 without a word, and anything unexpected is reported as an internal
error without a traceback (set `BP_LOG_LEVEL=debug` to see it).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Callable

from .context import BuildContext, DetectContext, build_context, detect_context
from .errors import DETECT_FAIL, DETECT_PASS, ERROR, BuildpackError, DetectFail
from .log import Logger

DetectFn = Callable[[DetectContext, Logger], None]
BuildFn = Callable[[BuildContext, Logger], None]


def run(phase: str, buildpack_id: str, detect: DetectFn, build: BuildFn) -> int:
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
    except DetectFail:
        return DETECT_FAIL
    except BuildpackError as error:
        log.error(error)
        return error.exit_code
    except KeyboardInterrupt:
        log.error(BuildpackError(f"{buildpack_id}: interrupted"))
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence for the user
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
