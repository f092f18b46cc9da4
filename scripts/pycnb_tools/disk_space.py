"""Free disk space before the test suite. A full disk fails dozens of tests at once with `No space left on
device`, far from the cause (a CI run of 2026-12-07 lost 30 tests so, on a host whose disk other work had
filled), so `./pycnb test` says beforehand, and what to do, when space is short. It warns, never stops: a
run that needs less than the peak may still pass."""

from __future__ import annotations

import os
import shutil
import tempfile

# What the suite writes at its peak, on top of the caches: images, cache volumes, the apps it makes
# (a cold run on 2026-12-07 grew the disk's use by about 8 GB during the tests).
NEEDED_BYTES = 12 * 2**30


def shortages(folders: dict[str, str], needed: int = NEEDED_BYTES) -> list[str]:
    """A warning line for each filesystem (named by what it holds) with less than `needed` free."""
    lines, seen = [], set()
    for what, folder in folders.items():
        try:
            device = os.stat(folder).st_dev
            free = shutil.disk_usage(folder).free
        except OSError:  # a remote engine's data folder is not on this machine
            continue
        if device in seen:
            continue
        seen.add(device)
        if free < needed:
            lines.append(f"only {free / 2**30:.1f} GB free for {what} ({folder}); the test suite needs about "
                         f"{needed / 2**30:.0f} GB: expect 'No space left on device' failures. Free some space "
                         "(docker system prune, older images) or give the engine another disk.")
    return lines


def suite_folders(docker_root: str) -> dict[str, str]:
    return {"the Docker engine's images and volumes": docker_root, "temporary files": tempfile.gettempdir()}
