"""A real OCI registry on 127.0.0.1 for the tests: Debian's docker-registry, storage in a temp folder."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pycnb_tools.debian_apt import host_install

from .images import free_port

BINARY = Path("/usr/bin/docker-registry")


@dataclass
class Registry:
    host: str
    process: subprocess.Popen
    root: Path
    log: IO[bytes]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def start(port: int | None = None) -> Registry:
    """A registry on 127.0.0.1, on a free port or on `port`. On port 80 its images are named `127.0.0.1/...`,
    with no port, which Docker and pack still reach over plain HTTP, as a loopback registry."""
    if not BINARY.exists():
        host_install(["docker-registry"], "registry", "install Debian's docker-registry package")
    root = Path(tempfile.mkdtemp(prefix="pycnb-registry-"))
    port = port or free_port()
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {root / 'data'}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n"
    )
    log = open(root / "registry.log", "wb")  # noqa: SIM115 - closed by Registry.stop
    process = subprocess.Popen([str(BINARY), "serve", str(config)], stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2)
            return Registry("127.0.0.1" if port == 80 else f"127.0.0.1:{port}", process, root, log)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                log.close()
                raise RuntimeError(f"the registry did not start: {(root / 'registry.log').read_text()[-2000:]}") from None
            time.sleep(0.3)
