"""A private package index on 127.0.0.1 that wants a password: PyPI's simple index behind basic auth.

It answers PEP 503 pages from pypi.org with the file links rewritten to itself, and the files from
files.pythonhosted.org, only to requests carrying one of its credentials; it counts the requests
each user made, so a test can tell which credential pip really used.
"""

from __future__ import annotations

import base64
import shutil
import threading
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PYPI_SIMPLE = "https://pypi.org/simple/"
PYPI_FILES = "https://files.pythonhosted.org/"


@dataclass
class PrivateIndex:
    credentials: dict[str, str]
    server: ThreadingHTTPServer | None = None
    used_by: Counter = field(default_factory=Counter)
    refused: int = 0

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, user: str) -> str:
        """The index URL with `user`'s credential in it, as a user writes it in PIP_INDEX_URL or `-i`."""
        return f"http://{user}:{self.credentials[user]}@127.0.0.1:{self.port}/simple"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(credentials: dict[str, str]) -> PrivateIndex:
    index = PrivateIndex(credentials)
    accepted = {base64.b64encode(f"{user}:{password}".encode()).decode(): user for user, password in credentials.items()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            user = accepted.get(self.headers.get("Authorization", "").removeprefix("Basic ").strip())
            if user is None:
                index.refused += 1
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="private index"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            index.used_by[user] += 1
            try:
                self._proxy()
            except urllib.error.HTTPError as error:
                self.send_error(error.code)

        def _proxy(self) -> None:
            if self.path.startswith("/simple/"):
                upstream = PYPI_SIMPLE + self.path.removeprefix("/simple/")
                with urllib.request.urlopen(urllib.request.Request(upstream, headers={"Accept": "text/html"}), timeout=60) as response:
                    page = response.read().decode().replace(PYPI_FILES, f"http://127.0.0.1:{index.port}/files/").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
            elif self.path.startswith("/files/"):
                with urllib.request.urlopen(PYPI_FILES + self.path.removeprefix("/files/"), timeout=60) as response:
                    self.send_response(200)
                    self.send_header("Content-Type", response.headers.get("Content-Type", "application/octet-stream"))
                    self.send_header("Content-Length", response.headers["Content-Length"])
                    self.end_headers()
                    shutil.copyfileobj(response, self.wfile)
            else:
                self.send_error(404)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: the test reads the counts
            pass

    index.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=index.server.serve_forever, daemon=True).start()
    return index
