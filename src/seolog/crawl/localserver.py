"""Serve a folder of built HTML on an ephemeral 127.0.0.1 port so it is crawled like a real site."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Handler(SimpleHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as a real static host would.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each response waits ~40 ms for
    # the client's delayed ACK, capping a folder scan at ~25 pages/s per connection.
    disable_nagle_algorithm = True
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
    }

    def list_directory(self, path: Any) -> None:
        # A static host answers 404 for a folder without index.html; a listing would invent links.
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The crawler closing a keep-alive connection can reset it under a waiting handler;
        # that is normal end-of-conversation, not a traceback on the user's terminal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Yield the origin (http://127.0.0.1:PORT) serving `folder` until the block exits."""
    handler = partial(_Handler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    # A short poll: shutdown() waits for one, and a scan should end when its crawl does.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="seolog-folder-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
