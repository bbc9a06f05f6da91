"""The download boundary: one httpx client factory, and fetch_one, which never raises for a bad URL.

Redirects are followed by hand so every hop is recorded; bodies are streamed and capped both
before and after decompression; httpx exceptions become FetchErrorKind values here and nowhere else.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from seolog.config import MAX_RETRY_AFTER, CrawlSettings
from seolog.crawl.credentials import CredentialGate, OriginAuth
from seolog.crawl.tls import tls_reason, verify_for
from seolog.crawl.transport import CrawlTransport
from seolog.domain import FetchErrorKind, FetchResult, RedirectHop, is_html_type
from seolog.retryafter import retry_after_seconds
from seolog.urls import resolve_url
from seolog.wording import say

MAX_REDIRECTS = 10  # browsers stop around 20; more than 10 hops is already a defect worth reporting
RETRY_STATUSES = frozenset({429, 503})
# Response headers kept with a page: the ones SEO checks read.
RECORDED_HEADERS = (
    "x-robots-tag",
    "link",
    "strict-transport-security",
    "content-language",
    "cache-control",
    "last-modified",
    "content-encoding",
    "vary",
)


class Throttle:
    """Spaces request starts across all workers: --rate and robots.txt Crawl-delay."""

    def __init__(self, interval: float = 0.0) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if self.interval <= 0:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass
class UrlMap:
    """Maps public URLs to the address actually fetched (a local folder served on 127.0.0.1)."""

    public_origin: str = ""
    wire_origin: str = ""

    def to_wire(self, url: str) -> str:
        if self.public_origin and url.startswith(self.public_origin):
            return self.wire_origin + url[len(self.public_origin) :]
        return url

    def to_public(self, url: str) -> str:
        if self.wire_origin and url.startswith(self.wire_origin):
            return self.public_origin + url[len(self.wire_origin) :]
        return url


def make_client(settings: CrawlSettings, gate: CredentialGate | None = None) -> httpx.AsyncClient:
    """The one place an HTTP client is built: timeouts, pool size, our User-Agent. The user's
    credentials (--auth, --header, --cookie) are not the client's: `gate` adds them request by
    request, to the origins they were given for only; without a gate the client is anonymous."""
    headers = {
        "User-Agent": settings.user_agent,
        # We decompress ourselves so the decompressed size can be capped (compression bombs).
        "Accept-Encoding": "gzip, deflate",
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    }
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    return httpx.AsyncClient(
        headers=headers,
        auth=OriginAuth(gate) if gate is not None and gate.active else None,
        timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment pointing our crawl somewhere unexpected
        # httpx's transport on a leaner pool, straight on asyncio (half the CPU a request);
        # public CAs + --ca-bundle / SSL_CERT_FILE; --insecure
        transport=CrawlTransport(verify=verify_for(settings), limits=limits),
    )


def error_chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, innermost last (httpx wraps httpcore wraps OSError)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def redirect_problem(
    target: str | None, location: str, visited: set[str], hops: int
) -> tuple[FetchErrorKind, str] | None:
    """Why a redirect cannot be followed (a Location that is no URL, a loop, too many hops), or
    None: the crawl's fetches and the resource checks judge redirects alike."""
    if target is None:
        return FetchErrorKind.INVALID_URL, say(
            "invalid redirect Location {location}", location=repr(location)
        )
    if target in visited:
        return FetchErrorKind.REDIRECT_LOOP, say("redirect loop back to {url}", url=target)
    if hops > MAX_REDIRECTS:
        return FetchErrorKind.TOO_MANY_REDIRECTS, say(
            "more than {count} redirects", count=MAX_REDIRECTS
        )
    return None


def classify_error(exc: Exception) -> FetchErrorKind:
    if isinstance(exc, httpx.TimeoutException):
        return FetchErrorKind.TIMEOUT
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FetchErrorKind.INVALID_URL
    if isinstance(exc, httpx.ConnectError):
        cause = exc.__context__ or exc.__cause__
        if any(isinstance(e, socket.gaierror) for e in error_chain(exc)):
            return FetchErrorKind.DNS  # the resolver said so, in whatever words the libc uses
        text = str(exc).lower()
        if isinstance(cause, ssl.SSLError) or "ssl" in text or "certificate" in text:
            return FetchErrorKind.TLS
        if (
            "name or service" in text
            or "getaddrinfo" in text
            or "nodename" in text
            or "name resolution" in text
        ):
            return FetchErrorKind.DNS
        return FetchErrorKind.CONNECT
    return FetchErrorKind.PROTOCOL


def body_reason(exc: httpx.HTTPError, timeout: float) -> str:
    """Why a body broke off after its headers came: httpx's read timeout and a dropped
    connection have no words of their own (the reason read "cannot fetch URL: ")."""
    if isinstance(exc, httpx.TimeoutException):
        return say(
            "the server stopped sending the body (read timeout after {seconds} s)",
            seconds=f"{timeout:g}",
        )
    said = str(exc)
    if said:
        return said
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return say("the connection closed before the whole body arrived")
    return type(exc).__name__


class FirstByte:
    """Time to first byte as the server gave it: from the moment the request headers are written
    to the moment the response headers are in (httpcore's trace events), so neither a wait for a
    free connection nor a connection set-up counts. Falls back to the whole send when the
    transport reports no events."""

    __slots__ = ("_first", "_sent")

    def __init__(self) -> None:
        self._sent: float | None = None
        self._first: float | None = None

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        if event.endswith("send_request_headers.started"):
            self._sent = time.perf_counter()
        elif event.endswith("receive_response_headers.complete"):
            self._first = time.perf_counter()

    def ms(self, started: float) -> float:
        if self._sent is not None and self._first is not None:
            return (self._first - self._sent) * 1000
        return (time.perf_counter() - started) * 1000


# The whole body must arrive within this many --timeout periods.
BODY_TIME_FACTOR = 3


class BodyTooLarge(Exception):
    pass


def _decompressor(encoding: str) -> zlib._Decompress | None:
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib or gzip header, auto-detected
    return None


async def read_capped(response: httpx.Response, cap: int, truncate: bool = False) -> bytes:
    """Read and decompress a streamed body, raising BodyTooLarge past `cap` bytes either way;
    with `truncate`, return the first `cap` bytes instead (robots.txt: parse the first 500 KiB)."""
    declared = response.headers.get("content-length")
    if not truncate and declared and declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(int(declared))
    decomp = _decompressor(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        if decomp is not None:
            try:
                data = decomp.decompress(raw, cap - size + 1)
            except zlib.error:
                # A body that claims gzip but isn't: keep what it sent, like browsers do.
                decomp = None
                data = raw
            else:
                if decomp.unconsumed_tail and not truncate:
                    raise BodyTooLarge(size + len(data))
        else:
            data = raw
        size += len(data)
        if size > cap:
            if truncate:
                chunks.append(data[: len(data) - (size - cap)])
                break
            raise BodyTooLarge(size)
        chunks.append(data)
    return b"".join(chunks)


class Fetcher:
    """fetch_one with the crawl's client, throttle, retry policy and URL map bound in."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: CrawlSettings,
        throttle: Throttle | None = None,
        url_map: UrlMap | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.settings = settings
        self.throttle = throttle or Throttle()
        self.url_map = url_map or UrlMap()
        self.sleep = sleep
        self.requests = 0
        self.retries = 0
        self.bytes = 0

    async def _send(self, url: str) -> tuple[httpx.Response, float]:
        """One request with retries; returns an open streaming response and its time to first
        byte in ms, or raises httpx errors."""
        attempt = 0
        while True:
            await self.throttle.wait()
            self.requests += 1
            clock = FirstByte()
            try:
                request = self.client.build_request(
                    "GET", self.url_map.to_wire(url), extensions={"trace": clock.trace}
                )
                started = time.perf_counter()
                response = await self.client.send(request, stream=True)
            except (httpx.TransportError, httpx.InvalidURL) as e:
                if attempt >= self.settings.retries or isinstance(
                    e, httpx.UnsupportedProtocol | httpx.InvalidURL
                ):
                    raise
                delay = self.settings.retry_backoff * 2**attempt
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= self.settings.retries:
                    return response, clock.ms(started)
                delay = retry_after_seconds(response.headers.get("retry-after"))
                if delay is not None and delay > MAX_RETRY_AFTER:
                    return response, clock.ms(started)
                delay = max(delay or 0.0, self.settings.retry_backoff * 2**attempt)
                await response.aclose()
            attempt += 1
            self.retries += 1
            await self.sleep(delay)

    async def fetch(
        self,
        url: str,
        follow: Callable[[str], bool] = lambda _u: True,
        want_body: Callable[[str], bool] = is_html_type,
        cap: int | None = None,
        truncate: bool = False,
    ) -> FetchResult:
        """Fetch `url`, following redirects while `follow(target)` allows; never raises.

        The body is downloaded only when `want_body(content_type)` says so; past `cap` bytes it
        is an error, or with `truncate` cut short.
        """
        cap = cap if cap is not None else self.settings.max_body_bytes
        hops: list[RedirectHop] = []
        visited = {url}
        current = url
        started = time.perf_counter()
        while True:
            try:
                response, elapsed_ms = await self._send(current)
            except (httpx.HTTPError, httpx.InvalidURL) as e:
                kind = classify_error(e)
                said = str(e) or type(e).__name__
                return FetchResult(
                    url=url,
                    final_url=current,
                    hops=tuple(hops),
                    error_kind=kind,
                    error=tls_reason(e) if kind is FetchErrorKind.TLS else said,
                    response_ms=(time.perf_counter() - started) * 1000,
                )
            try:
                status = response.status_code
                location = response.headers.get("location")
                if 300 <= status < 400 and location:
                    await response.aclose()
                    target = resolve_url(current, self.url_map.to_public(location))
                    hops.append(RedirectHop(current, status, target or location))
                    error = redirect_problem(target, location, visited, len(hops))
                    if error is not None:
                        return FetchResult(
                            url=url,
                            final_url=target or current,
                            status_code=status,
                            hops=tuple(hops),
                            error_kind=error[0],
                            error=error[1],
                            response_ms=elapsed_ms,
                        )
                    if target is None or not follow(target):
                        return FetchResult(
                            url=url,
                            final_url=target or current,
                            status_code=status,
                            hops=tuple(hops),
                            response_ms=elapsed_ms,
                        )
                    visited.add(target)
                    current = target
                    continue
                return await self._finish(
                    url, current, response, hops, elapsed_ms, want_body, cap, truncate
                )
            finally:
                await response.aclose()

    async def _finish(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        hops: list[RedirectHop],
        elapsed_ms: float,
        want_body: Callable[[str], bool],
        cap: int,
        truncate: bool = False,
    ) -> FetchResult:
        content_type = response.headers.get("content-type", "")
        headers = {h: response.headers[h] for h in RECORDED_HEADERS if h in response.headers}
        declared = response.headers.get("content-length")
        size = int(declared) if declared and declared.isdigit() else None
        body: bytes | None = None
        download_ms: float | None = None  # set once a body has been read
        if want_body(content_type) or (not content_type and 200 <= response.status_code < 300):

            def failed(kind: FetchErrorKind, message: str, size: int | None = None) -> FetchResult:
                return FetchResult(
                    url=url,
                    final_url=final_url,
                    status_code=response.status_code,
                    headers=headers,
                    content_type=content_type,
                    size=size,
                    response_ms=elapsed_ms,
                    hops=tuple(hops),
                    error_kind=kind,
                    error=message,
                )

            budget = self.settings.timeout * BODY_TIME_FACTOR
            try:
                # A total cap, not only a read timeout: a server dripping a byte a second never
                # trips a read timeout and would hold a worker for hours.
                read_from = time.perf_counter()
                async with asyncio.timeout(budget):
                    body = await read_capped(response, cap, truncate)
                download_ms = (time.perf_counter() - read_from) * 1000
                size = len(body)
            except BodyTooLarge as e:
                return failed(
                    FetchErrorKind.TOO_LARGE,
                    f"body larger than the {cap:,}-byte cap (--max-body-size)",
                    int(str(e.args[0])),
                )
            except TimeoutError:
                return failed(
                    FetchErrorKind.TIMEOUT, f"the body took longer than {budget:g}s to arrive"
                )
            except httpx.HTTPError as e:
                return failed(classify_error(e), body_reason(e, self.settings.timeout))
            self.bytes += size
        return FetchResult(
            url=url,
            final_url=final_url,
            status_code=response.status_code,
            headers=headers,
            content_type=content_type,
            body=body,
            size=size,
            response_ms=elapsed_ms,
            hops=tuple(hops),
            download_ms=download_ms,
        )
