"""Real HTTP servers on 127.0.0.1 playing other hosts for the resource and external-link checks.

Each `HostServer` is one host (its own port): it answers GET and HEAD per route, records every
request with its method and headers, and counts the most requests it was answering at once, so a
test can see politeness and credentials from the server's side. `refused_port()` is a port where
nothing listens (the connection is refused).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.server import Request, Response, html

__all__ = ["PNG", "HostServer", "Request", "Response", "html", "refused_port"]

# A 1x1 transparent PNG: a real, small image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

Route = Response | Callable[[Request], Response]


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up early
            super().handle_error(request, client_address)


class HostServer:
    """One host. `hold` keeps every request open that long before answering, so requests
    that overlap show in `max_in_flight`."""

    def __init__(self, hold: float = 0.0) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.hold = hold
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        host = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_HEAD(self) -> None:
                self._answer("HEAD")

            def do_GET(self) -> None:
                self._answer("GET")

            def _answer(self, method: str) -> None:
                req = Request(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, 0.0, method
                )
                with host._lock:
                    req.at = time.monotonic()
                    host.requests.append(req)
                    host.in_flight += 1
                    host.max_in_flight = max(host.max_in_flight, host.in_flight)
                try:
                    resp = host._respond(req)
                    if host.hold or resp.delay:
                        time.sleep(host.hold + resp.delay)
                    body = resp.body.encode() if isinstance(resp.body, str) else resp.body
                    self.send_response(resp.status)
                    if resp.content_type:
                        self.send_header("Content-Type", resp.content_type)
                    for k, v in resp.headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in resp.headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if method != "HEAD":
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with host._lock:
                        host.in_flight -= 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = _Quiet(("127.0.0.1", 0), _H)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _respond(self, req: Request) -> Response:
        route = self.routes.get(req.path)
        if route is None:
            return Response(404, html("Not found"))
        if not callable(route):
            return route
        try:
            return route(req)
        except Exception as e:  # a broken fixture answers 500 instead of dropping the connection
            return Response(500, f"fixture error: {e!r}", content_type="text/plain")

    def page(self, path: str, title: str = "Page", body: str = "", **kw: Any) -> None:
        self.routes[path] = Response(body=html(title, body, **kw))

    def seen(self, method: str | None = None) -> list[str]:
        """Paths requested (with `method`, or any), in order."""
        with self._lock:
            return [r.path for r in self.requests if method is None or r.method == method]

    def start(self) -> HostServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def hosts(n: int, hold: float = 0.0) -> Iterator[list[HostServer]]:
    servers = [HostServer(hold).start() for _ in range(n)]
    try:
        yield servers
    finally:
        for s in servers:
            s.stop()


@contextmanager
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 that is bound (no one else takes it) but not listening: every
    connection to it is refused."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]
    finally:
        s.close()
