"""An HTTPS variant of the fixture server: a certificate for 127.0.0.1 signed by a CA made in
the test (trustme), as a staging site behind a private CA has."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import trustme

from tests.server import FixtureServer


def _quiet_handshakes(original: Any) -> Any:
    """A client that refuses our certificate ends the handshake: not a test failure."""

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ssl.SSLError | ConnectionError):
            original(request, client_address)

    return handle_error


@contextmanager
def https_server(folder: Path) -> Iterator[tuple[FixtureServer, Path]]:
    """A started FixtureServer speaking HTTPS on 127.0.0.1, and the private CA's PEM file
    (written into `folder`), which a client must trust to verify the server."""
    ca = trustme.CA(organization_name="Staging Private CA")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    ca_file = folder / "staging-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = FixtureServer()
    # The handshake happens in the request's own thread, not in accept(): a client that hangs
    # up mid-handshake cannot stall the server.
    server.httpd.socket = context.wrap_socket(
        server.httpd.socket, server_side=True, do_handshake_on_connect=False
    )
    server.httpd.handle_error = _quiet_handshakes(server.httpd.handle_error)
    server.origin = f"https://127.0.0.1:{server.port}"
    server.start()
    try:
        yield server, ca_file
    finally:
        server.stop()
