"""A real HTTP server on 127.0.0.1 that misbehaves on purpose: it hangs, cuts responses short,
serves other bytes than asked, fails with 5xx, or wants Basic auth. Builds reach it with
network="host"."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from dataclasses import dataclass, field
from typing import Iterator

# What a path does: "ok" serves the bytes, "hang" never answers, "truncate" sends half of the
# bytes under the full Content-Length then closes, "error" answers 503.
MODES = ("ok", "hang", "truncate", "error")


@dataclass
class Route:
    body: bytes
    mode: str = "ok"
    content_type: str = "application/octet-stream"
    # Answer 503 this many times before behaving as `mode`.
    fail_first: int = 0


@dataclass
class FaultServer:
    url: str
    routes: dict[str, Route]
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Authorization)
    password: str | None = None

    def add(self, path: str, body: bytes | str, mode: str = "ok", **kwargs) -> str:
        assert mode in MODES
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, mode, **kwargs)
        return self.url + path

    def hits(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)


@contextlib.contextmanager
def serve(password: str | None = None) -> Iterator[FaultServer]:
    """A server for the test's duration; with `password`, every request must carry Basic auth for it."""
    release = threading.Event()
    server_state = FaultServer("", {}, password=password)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path.split("?", 1)[0]
            authorization = self.headers.get("Authorization")
            server_state.requests.append((path, authorization))
            if password is not None:
                import base64

                if authorization is None or password not in base64.b64decode(authorization.split()[-1]).decode():
                    return self._answer(401, b"unauthorized", "text/plain", {"WWW-Authenticate": 'Basic realm="test"'})
            route = server_state.routes.get(path)
            if route is None:
                return self._answer(404, b"not found", "text/plain")
            if route.fail_first > 0:
                route.fail_first -= 1
                return self._answer(503, b"try later", "text/plain")
            if route.mode == "hang":
                release.wait()
                return None
            if route.mode == "error":
                return self._answer(503, b"unavailable", "text/plain")
            if route.mode == "truncate":
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body[: len(route.body) // 2])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return None
            return self._answer(200, route.body, route.content_type)

        def _answer(self, code: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def refused_url(path: str = "/") -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
