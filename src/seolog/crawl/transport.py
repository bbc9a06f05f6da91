"""The crawl's HTTP transport: httpx and httpcore's HTTP/1.1 connections, on a leaner pool and
straight on asyncio.

Why: on small pages the crawl process is the limit, and most of its time went to the transport
rather than to HTTP itself. Measured on the 2-core benchmark machine, fetching the PostgreSQL
manual's pages from nginx on 127.0.0.1 (8 at once), CPU a request:

- httpx's stock transport: 1.8-2.0 ms. Its pool re-plans every connection and every queued
  request on each request and each response closed (~180 `is_idle` calls and a `poll()` per idle
  connection per request), and anyio wraps every read of the socket.
- this transport: 0.9-1.15 ms, the same bytes on the wire.

What stays httpcore's: the HTTP/1.1 connection (`httpcore.AsyncHTTPConnection`, h11 underneath),
TLS set-up and verification (the same `ssl.SSLContext`), keep-alive expiry, and its exceptions,
which httpx maps to its own as always, so timeouts, redirects, size caps and error wording are
what they were. What is ours: which connection a request gets (`LeanPool`: an idle one of its
origin, else a new one, at most `max_connections` in use, waiting in turn), and the socket under
it (`AsyncioStream`: an asyncio transport and protocol; reading stays on and the protocol keeps
what arrives, so the event loop need not be asked to watch the socket again for every read).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
from collections.abc import AsyncIterator, Coroutine, Iterable
from typing import Any

import httpcore
import httpx

# The most a connection buffers before it stops reading from the socket: a body is read as it
# comes, so this only bounds a server that sends faster than the crawl reads.
HIGH_WATER = 256 * 1024
UNLIMITED = 1_000  # connections, for httpx.Limits(None): more than any crawl opens


class _Buffer(asyncio.Protocol):
    """What arrived on a connection and not yet read, and whether the other side is done."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.paused = False
        self.waiter: asyncio.Future[None] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def data_received(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        self.eof = True
        self._wake()
        return None  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()


class AsyncioStream(httpcore.AsyncNetworkStream):
    """httpcore's view of one connection, on an asyncio transport."""

    def __init__(self, transport: asyncio.Transport, protocol: _Buffer) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        buffered = self._protocol
        if not buffered.data and not buffered.eof:
            buffered.waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await buffered.waiter
            except TimeoutError as e:
                raise httpcore.ReadTimeout(str(e) or "timed out") from e
            finally:
                buffered.waiter = None
        if not buffered.data:
            if buffered.error is not None:
                raise httpcore.ReadError(str(buffered.error)) from buffered.error
            return b""  # the other side closed: h11 tells a whole body from a cut one
        if len(buffered.data) <= max_bytes:
            data = bytes(buffered.data)
            buffered.data.clear()
        else:
            data = bytes(buffered.data[:max_bytes])
            del buffered.data[:max_bytes]
        if buffered.paused and len(buffered.data) < HIGH_WATER // 4 and buffered.transport:
            buffered.paused = False
            buffered.transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        # A request is its headers (the crawl sends no bodies): the transport sends them at
        # once or keeps them until the socket takes them.
        self._transport.write(buffer)

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                secured = await loop.start_tls(
                    self._transport,
                    self._protocol,
                    ssl_context,
                    server_hostname=server_hostname,
                    ssl_handshake_timeout=timeout,
                )
        except TimeoutError as e:
            self._transport.close()
            raise httpcore.ConnectTimeout(str(e) or "TLS handshake timed out") from e
        except (OSError, ssl.SSLError) as e:
            self._transport.close()
            raise httpcore.ConnectError(str(e)) from e
        if secured is None:  # the connection was lost before the handshake began
            raise httpcore.ConnectError("the connection closed before the TLS handshake")
        assert isinstance(secured, asyncio.Transport)
        # `loop.start_tls` does not tell the protocol of its new transport: reading must be
        # paused and resumed on the TLS transport (which then throttles the socket itself),
        # or a big body would pause the raw socket for good and end in a read timeout.
        self._protocol.transport = secured
        return AsyncioStream(secured, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # an idle connection with something to read is done for
            return bool(self._protocol.data) or self._protocol.eof
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections as asyncio transports: the name looked up and each address tried in turn by
    asyncio, failures raised as httpcore's ConnectError/ConnectTimeout with the OSError (a
    `socket.gaierror` for a name that does not resolve) as their cause."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        opening = asyncio.get_running_loop().create_connection(
            _Buffer,
            host,
            port,
            local_addr=(local_address, 0) if local_address else None,
            # IPv6 and IPv4 addresses tried side by side, a quarter second apart, as anyio did
            # for httpcore: a host whose IPv6 route drops packets answers over IPv4 instead of
            # using up the connect timeout.
            happy_eyeballs_delay=0.25,
            interleave=1,
        )
        return await _connected(opening, timeout, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        opening = asyncio.get_running_loop().create_unix_connection(_Buffer, path)
        return await _connected(opening, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connected(
    opening: Coroutine[Any, Any, tuple[asyncio.BaseTransport, _Buffer]],
    timeout: float | None,
    options: Iterable[Any] | None,
) -> AsyncioStream:
    """The connection `opening` makes, or httpcore's ConnectTimeout / ConnectError."""
    try:
        async with asyncio.timeout(timeout):
            transport, protocol = await opening
    except TimeoutError as e:
        raise httpcore.ConnectTimeout(str(e) or "timed out") from e
    except OSError as e:
        raise httpcore.ConnectError(_connect_reason(e)) from e
    _set_options(transport, options)
    assert isinstance(transport, asyncio.Transport)
    return AsyncioStream(transport, protocol)


def _connect_reason(exc: OSError) -> str:
    """The OS's words for a failed connection ("[Errno 111] Connection refused"): asyncio says
    "Connect call failed ('127.0.0.1', 80)", which does not say why."""
    if isinstance(exc, socket.gaierror) or not exc.errno:
        return str(exc)
    return f"[Errno {exc.errno}] {os.strerror(exc.errno)}"


def _set_options(transport: asyncio.BaseTransport, options: Iterable[Any] | None) -> None:
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        for option in options or ():
            sock.setsockopt(*option)


class _Released:
    """A response body that gives its connection back to the pool once closed."""

    def __init__(
        self, stream: Any, pool: LeanPool, connection: httpcore.AsyncHTTPConnection
    ) -> None:
        self._stream = stream
        self._pool = pool
        self._connection = connection
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if hasattr(self._stream, "aclose"):
                await self._stream.aclose()
        finally:
            await self._pool.release(self._connection)


class LeanPool:
    """Connections by origin: a request takes an idle one of its origin (the one used last,
    its socket the likeliest still open) or a new one, with at most `max_connections` in use;
    further requests wait in turn, at most the request's pool timeout."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext | None,
        max_connections: int,
        max_keepalive_connections: int,
        keepalive_expiry: float | None,
        backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._ssl_context = ssl_context
        self._slots = asyncio.Semaphore(max_connections)
        self._max_open = max_connections
        self._max_idle = max_keepalive_connections
        self._expiry = keepalive_expiry
        self._backend = backend or AsyncioBackend()
        self._idle: dict[tuple[bytes, bytes, int | None], list[httpcore.AsyncHTTPConnection]] = {}
        # Every connection not yet closed, with the origin it serves (its idle list's key).
        self._open: dict[httpcore.AsyncHTTPConnection, tuple[bytes, bytes, int | None]] = {}

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url
        if url.scheme not in (b"http", b"https"):
            raise httpcore.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{url.scheme.decode()}://'."
            )
        timeouts = request.extensions.get("timeout", {})
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError as e:
            raise httpcore.PoolTimeout("no connection was free in time") from e
        key = (url.scheme, url.host, url.port)
        connection: httpcore.AsyncHTTPConnection | None = None
        try:
            while True:
                connection = await self._take(key, request)
                try:
                    response = await connection.handle_async_request(request)
                except httpcore.ConnectionNotAvailable:
                    # It stopped being usable between the check and the send (only an idle
                    # one can): dropped, and the next idle one or a new one is tried.
                    await self._close(connection)
                    connection = None
                    continue
                break
        except BaseException:
            if connection is not None:
                await self._close(connection)
            self._slots.release()
            raise
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_Released(response.stream, self, connection),
            extensions=response.extensions,
        )

    async def _take(
        self, key: tuple[bytes, bytes, int | None], request: httpcore.Request
    ) -> httpcore.AsyncHTTPConnection:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if connection.is_available() and not connection.has_expired():
                return connection
            await self._close(connection)
        await self._make_room()
        connection = httpcore.AsyncHTTPConnection(
            origin=request.url.origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._expiry,
            network_backend=self._backend,
        )
        self._open[connection] = key
        return connection

    async def _make_room(self) -> None:
        """Close another origin's idle connection, the oldest, when a new one would make
        more than `max_connections` sockets open (in use and idle together)."""
        if len(self._open) < self._max_open:
            return
        for idle in self._idle.values():
            if idle:
                await self._close(idle.pop(0))
                return

    def _idle_count(self) -> int:
        return sum(map(len, self._idle.values()))

    async def _close(self, connection: httpcore.AsyncHTTPConnection) -> None:
        """Forget a connection and close its socket (it may be broken already)."""
        self._open.pop(connection, None)
        with contextlib.suppress(Exception):
            await connection.aclose()

    async def release(self, connection: httpcore.AsyncHTTPConnection) -> None:
        """A response was closed: its connection is idle again (kept, if there is room), or
        was closed by its response (an unread body, an error, `Connection: close`)."""
        self._slots.release()
        key = self._open.get(connection)
        if key is not None and connection.is_idle() and self._idle_count() < self._max_idle:
            self._idle.setdefault(key, []).append(connection)
        else:
            await self._close(connection)

    async def aclose(self) -> None:
        connections, self._open = list(self._open), {}
        self._idle = {}
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.aclose()

    async def __aenter__(self) -> LeanPool:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


class CrawlTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (request and response mapping, its exceptions) on a `LeanPool`.

    httpx builds the SSL context from `verify` as always; the pool it would use is replaced by
    ours. Should a future httpx keep its pool elsewhere, the stock one stays: slower, not wrong.
    """

    def __init__(self, *, verify: ssl.SSLContext | bool, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        stock = getattr(self, "_pool", None)
        if isinstance(stock, httpcore.AsyncConnectionPool) and hasattr(stock, "_ssl_context"):
            self._pool = LeanPool(  # type: ignore[assignment]
                ssl_context=stock._ssl_context,
                max_connections=limits.max_connections or UNLIMITED,
                max_keepalive_connections=(
                    limits.max_keepalive_connections
                    if limits.max_keepalive_connections is not None
                    else limits.max_connections or UNLIMITED
                ),
                keepalive_expiry=limits.keepalive_expiry,
            )
