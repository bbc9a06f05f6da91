"""A real HTTP server on 127.0.0.1 for fixture sites, recording every request (scrapy's mockserver)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Handler = Callable[["Request"], "Response"]


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    drip: float = 0.0  # seconds between body bytes: a server that never quite finishes


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float
    method: str = "GET"
    body: bytes = b""


def html(title: str = "Page", body: str = "", head: str = "", lang: str = "en") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}'
        f"</head><body>{body}</body></html>"
    )


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A crawler that stops reading (a capped body) resets the connection: not a test failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FixtureServer:
    """Routes map a path (with query) to a Response or a function of the Request."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[Request] = []
        self.folder: Path | None = None
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def do_POST(self) -> None:  # a webhook receiver
                length = int(self.headers.get("Content-Length") or 0)
                self.do_GET(method="POST", body=self.rfile.read(length))

            def do_GET(self, method: str = "GET", body: bytes = b"") -> None:
                req = Request(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    time.monotonic(),
                    method,
                    body,
                )
                with server._lock:
                    server.requests.append(req)
                resp = server._respond(req)
                if resp.delay:
                    time.sleep(resp.delay)
                body = resp.body.encode() if isinstance(resp.body, str) else resp.body
                try:
                    self.send_response(resp.status)
                    if resp.content_type:
                        self.send_header("Content-Type", resp.content_type)
                    for k, v in resp.headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in resp.headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if resp.drip:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(resp.drip)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )  # stop() waits up to one poll interval

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def _respond(self, req: Request) -> Response:
        route = self.routes.get(req.path)
        if route is None:
            return Response(404, html("Not found", "<h1>Not found</h1>"))
        if not callable(route):
            return route
        try:
            return route(req)
        except Exception as e:  # a broken fixture answers 500 instead of dropping the connection
            return Response(500, f"fixture error: {e!r}", content_type="text/plain")

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def page(self, path: str, title: str = "Page", body: str = "", **kw: Any) -> None:
        self.routes[path] = Response(body=html(title, body, **kw))

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
