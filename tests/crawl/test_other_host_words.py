"""Another host that hangs up or answers with something other than HTTP: the broken link's
reason is in the words httpx has for the same (aiohttp, which asks other hosts, has its own).
The hosts are raw sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from seolog.config import CrawlSettings
from seolog.crawl.askers import NoAnswer, ask_aiohttp, make_session
from seolog.domain import FetchErrorKind

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it


@contextmanager
def _raw_host(answer: bytes) -> Iterator[str]:
    """A host on 127.0.0.1 that reads a request, sends `answer` (maybe nothing) and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                if answer:
                    conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/linked"
    finally:
        listener.close()
        thread.join(5)


def _ask(url: str) -> NoAnswer:
    async def main() -> NoAnswer:
        settings = CrawlSettings(timeout=5.0)
        async with make_session(settings, False, 2) as session:
            with pytest.raises(NoAnswer) as failed:
                await ask_aiohttp(session, "HEAD", url, None, 5.0)
        return failed.value

    return asyncio.run(main())


def test_a_host_hanging_up_without_an_answer_is_said_as_httpx_says_it():
    with _raw_host(b"") as url:
        failed = _ask(url)
    assert failed.kind is FetchErrorKind.PROTOCOL
    assert str(failed.reason) == "Server disconnected without sending a response."


def test_an_answer_that_is_not_http_says_so():
    with _raw_host(b"SSH-2.0-OpenSSH_9.6\r\n\r\n") as url:
        failed = _ask(url)
    assert failed.kind is FetchErrorKind.PROTOCOL
    assert str(failed.reason).startswith("the answer is not valid HTTP")
