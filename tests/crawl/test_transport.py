"""The crawl's own connection pool (seolog.crawl.transport): what a server and a user see of it.

A raw HTTP/1.1 server on 127.0.0.1 counts connections and misbehaves on cue; the fetches go
through the crawl's real client (`make_client`) and `Fetcher`.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

from seolog.config import CrawlSettings
from seolog.crawl.fetch import Fetcher, make_client
from seolog.domain import FetchErrorKind

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it

HANG_GUARD = 60.0  # seconds: only a pool that lost its connections gets near this


@dataclass
class RawServer:
    """Answers GET /size/N with N bytes, /slow after `slow` is set, anything else with a small
    page; keeps connections alive unless `close_after_response` says to drop each one."""

    port: int = 0
    connections: int = 0
    close_after_response: bool = False
    slow: asyncio.Event = field(default_factory=asyncio.Event)
    requests: list[str] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                self.requests.append(path)
                if path.startswith("/slow"):
                    await self.slow.wait()
                if path.startswith("/size/"):
                    size = int(path.rsplit("/", 1)[1].split("?")[0])
                    body = bytes(range(256)) * (size // 256)
                    kind = b"application/octet-stream"
                else:
                    body = b"<html><head><title>Page</title></head><body>ok</body></html>"
                    kind = b"text/html"
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
                    + str(len(body)).encode() + b"\r\n\r\n" + body
                )  # fmt: skip
                await writer.drain()
                if self.close_after_response:
                    await asyncio.sleep(0.05)  # after the client has the whole response
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    scheme: str = "http"

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"


@asynccontextmanager
async def raw_server(tls: ssl.SSLContext | None = None) -> AsyncIterator[RawServer]:
    state = RawServer()
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0, ssl=tls)
    state.port = server.sockets[0].getsockname()[1]
    state.scheme = "https" if tls is not None else "http"
    async with server:
        yield state
        state.slow.set()


@asynccontextmanager
async def fetching(
    settings: CrawlSettings, tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[RawServer, Fetcher]]:
    """A raw server, and a Fetcher on the crawl's own client (`make_client`) with `settings`."""
    async with raw_server(tls) as server, make_client(settings) as client:
        yield server, Fetcher(client, settings)


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), HANG_GUARD))


def test_pages_share_a_few_kept_alive_connections():
    async def go() -> None:
        async with fetching(CrawlSettings(concurrency=4)) as (server, fetcher):
            urls = [server.url(f"/p{i}") for i in range(40)]
            results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
        assert [r.status_code for r in results] == [200] * 40
        assert all(r.body and b"ok" in r.body for r in results)
        assert 1 <= server.connections <= 4  # never more than --concurrency at once

    run(go)


def test_a_connection_the_server_closed_while_idle_is_not_reused():
    """A server that drops idle connections (a short keep-alive timeout, a restart) must not
    turn the next page into an error: the pool sees the closed socket and connects anew."""

    async def go() -> None:
        async with raw_server() as server:
            server.close_after_response = True
            settings = CrawlSettings(concurrency=1, retries=0)  # no retry hides a failure
            async with make_client(settings) as client:
                fetcher = Fetcher(client, settings)
                for i in range(3):
                    result = await fetcher.fetch(server.url(f"/p{i}"))
                    assert result.error_kind is None, result.error
                    assert result.status_code == 200
                    await asyncio.sleep(0.3)  # the server has closed it by now
            assert server.connections == 3
            assert fetcher.retries == 0

    run(go)


def test_a_body_over_the_cap_frees_its_connection_for_the_next_page():
    async def go() -> None:
        async with fetching(CrawlSettings(concurrency=1, max_body_bytes=10_000)) as (
            server,
            fetcher,
        ):
            big = await fetcher.fetch(server.url("/size/2000000"), want_body=lambda _t: True)
            assert big.error_kind is FetchErrorKind.TOO_LARGE
            after = [await fetcher.fetch(server.url(f"/p{i}")) for i in range(3)]
        assert [r.status_code for r in after] == [200, 200, 200]
        # The unread body's connection was dropped, not handed to the next page.
        assert server.connections == 2

    run(go)


def test_a_body_larger_than_the_read_buffer_arrives_whole():
    async def go() -> None:
        async with fetching(CrawlSettings(concurrency=2)) as (server, fetcher):
            size = 3 * 1024 * 1024  # past the transport's high-water mark many times
            results = await asyncio.gather(
                *(
                    fetcher.fetch(server.url(f"/size/{size}"), want_body=lambda _t: True)
                    for _ in range(3)
                )
            )
        expected = bytes(range(256)) * (size // 256)
        assert all(r.body == expected for r in results)

    run(go)


def test_big_bodies_over_tls_arrive_whole(tmp_path: Path):
    """Reading pauses while a connection holds more than the crawl has read, and resumes: over
    TLS too, where the socket sits under asyncio's TLS layer."""
    ca = trustme.CA()
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(served)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))

    async def go() -> None:
        async with raw_server(tls=served) as server:
            size = 3 * 1024 * 1024
            settings = CrawlSettings(concurrency=2, timeout=10, ca_bundle=str(bundle))
            async with make_client(settings) as client:
                # A reader slower than the socket (a busy crawl): the body piles up first.
                async with client.stream("GET", server.url(f"/size/{size}")) as response:
                    await asyncio.sleep(0.3)
                    body = b"".join([part async for part in response.aiter_raw()])
                again = await Fetcher(client, settings).fetch(
                    server.url(f"/size/{size}?again"), want_body=lambda _t: True
                )
            expected = bytes(range(256)) * (size // 256)
            assert body == expected
            assert again.error is None and again.body == expected

    run(go)


def test_cancelled_fetches_give_their_connections_back():
    """Ctrl-C or --max-time cancels fetches in flight: the pool must not stay full of them."""

    async def go() -> None:
        async with fetching(CrawlSettings(concurrency=2)) as (server, fetcher):
            stuck = [asyncio.create_task(fetcher.fetch(server.url(f"/slow{i}"))) for i in (1, 2)]
            while len(server.requests) < 2:
                await asyncio.sleep(0.01)
            for task in stuck:
                task.cancel()
            await asyncio.gather(*stuck, return_exceptions=True)
            after = await fetcher.fetch(server.url("/after"))
        assert after.status_code == 200

    run(go)


def test_nothing_listening_says_connection_refused():
    async def go() -> None:
        async with raw_server() as server:
            port = server.port
        settings = CrawlSettings(concurrency=1, retries=0)
        async with make_client(settings) as client:
            result = await Fetcher(client, settings).fetch(f"http://127.0.0.1:{port}/")
        assert result.error_kind is FetchErrorKind.CONNECT
        assert "Connection refused" in (result.error or "")

    run(go)
