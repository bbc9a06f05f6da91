"""One request of the resource checker, and what its answer says: over httpx for the site's own
resources (the crawl's client: its credentials, throttle and address map), over aiohttp for other
hosts' links and resources.

Why two HTTP clients: the checks of other hosts are bound by the client's CPU, not by the
network. Measured on the 2-core benchmark machine, a HEAD over a kept-alive connection cost
~2.7 ms of CPU in httpx/httpcore/anyio and ~0.2 ms in aiohttp (whose parser is C); 5,000 external
links made a 1,000-page scan 2.5 times slower with httpx, with the crawl's event loop busy
checking instead of crawling (bench/external.py). The crawl keeps httpx: its pages need the
features seolog built on it (timings per phase, the URL map of a folder scan). Either way the
checker sees a `Reply` or a `NoAnswer`, so the rest of the check is written once.

aiohttp is imported when the first other host is asked, not with this module: its import costs
every scan ~0.1 s of CPU (two TLS contexts are built on import), and a scan that links to no
other host (or checks none: --no-external) never needs it.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from seolog.config import CrawlSettings
from seolog.crawl.fetch import classify_error, error_chain
from seolog.crawl.tls import tls_reason
from seolog.domain import FetchErrorKind
from seolog.wording import say

if TYPE_CHECKING:
    import aiohttp
    from yarl import URL

MAX_SIZE = 2**53  # sizes stored are at most this (a declared Content-Length can be anything)
# Response header lines up to this long: some sites send a Content-Security-Policy of 10+ KB,
# past aiohttp's default of 8,190 bytes; that is a working page, not a broken link (httpx takes
# about 100 KiB).
MAX_HEADER_LINE = 128 * 1024


@dataclass(frozen=True)
class Reply:
    """An answer: its status and headers (case-insensitive), and the body's size in bytes when
    it was asked to be counted (`count`) and no Content-Length said it."""

    status: int
    headers: Mapping[str, str]
    size: int | None


class NoAnswer(Exception):
    """No answer: why, in a user's words, and whether the connection merely dropped (worth one
    more try: a kept-alive connection the server had closed)."""

    def __init__(self, kind: FetchErrorKind, reason: str, dropped: bool = False) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.dropped = dropped


def declared_size(method: str, headers: Mapping[str, str]) -> int | None:
    """The size Content-Length states, when it is the file's: a compressed GET body's length
    is not. Clamped: a server may claim any number (and a linked ISO is over 2 GiB)."""
    declared = headers.get("content-length")
    if method == "HEAD" or not headers.get("content-encoding"):
        return min(int(declared), MAX_SIZE) if declared and declared.isdigit() else None
    return None


def _said(error: BaseException) -> str:
    """The client's own words for an error no kind has better words for."""
    return str(error) or type(error).__name__


def _reason(
    kind: FetchErrorKind,
    error: BaseException,
    url: str,
    timeout: float,
    words: Callable[[BaseException], str] = _said,
) -> str:
    """Why there was no answer, in a user's words (httpx says "All connection attempts failed"
    for a refused port, aiohttp "Cannot connect to host"); `words`: the client's own words for
    the rest."""
    if kind is FetchErrorKind.TLS:
        return tls_reason(error)
    if kind is FetchErrorKind.DNS:
        host = (urlsplit(url).hostname or "").lower()
        return say("the host name {host} does not resolve", host=host)
    if kind is FetchErrorKind.CONNECT:
        return say("{host} refused the connection or cannot be reached", host=urlsplit(url).netloc)
    if kind is FetchErrorKind.TIMEOUT:
        return say("no answer within {seconds}s (--timeout)", seconds=f"{timeout:g}")
    return words(error)


async def _counted(chunks: AsyncIterator[bytes], cap: int, broken: type[Exception]) -> int:
    """Bytes of a body, reading at most `cap` (then it is at least that big); a body that
    breaks off (`broken`, the client's error) is as big as what arrived."""
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size >= cap:
                break
    except broken:
        pass
    return size


# --- the site's own: httpx --------------------------------------------------------------------


async def ask_httpx(
    client: httpx.AsyncClient, method: str, url: str, count: int | None, timeout: float
) -> Reply:
    """One request with the crawl's client; `count`: read up to that many body bytes of a
    success without a stated size, to know it."""
    try:
        response = await client.send(client.build_request(method, url), stream=True)
    except (httpx.HTTPError, httpx.InvalidURL) as e:  # InvalidURL: http://256.1.1.1/
        kind = classify_error(e)
        dropped = isinstance(e, httpx.RemoteProtocolError | httpx.ReadError)
        raise NoAnswer(kind, _reason(kind, e, url, timeout), dropped) from e
    try:
        size = declared_size(method, response.headers)
        if count is not None and size is None and response.status_code < 300:
            size = await _counted(response.aiter_raw(), count, httpx.HTTPError)
        elif method == "HEAD":
            # An unread response's connection is dropped, even HEAD's empty one: read it, and
            # the next URL reuses the connection.
            with contextlib.suppress(httpx.HTTPError):
                await response.aread()
        return Reply(response.status_code, response.headers, size)
    finally:
        await response.aclose()


# --- other hosts: aiohttp ---------------------------------------------------------------------


def make_session(
    settings: CrawlSettings, verify: ssl.SSLContext | bool, pool: int
) -> aiohttp.ClientSession:
    """A session for one other host: our User-Agent and timeouts, at most `pool` connections
    kept alive, and no credential of any kind (no --header, --cookie or --auth: those were given
    for the site being crawled; no cookie jar either, so nothing one host sets reaches another).
    Names resolve through the system's resolver (getaddrinfo), as the crawl's do."""
    import aiohttp

    connector = aiohttp.TCPConnector(
        limit=pool,
        ssl=verify,  # a context, or False (--insecure), or True: the default verification
        resolver=aiohttp.ThreadedResolver(),
    )
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
        timeout=aiohttp.ClientTimeout(
            total=None, sock_connect=min(settings.timeout, 10.0), sock_read=settings.timeout
        ),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,  # sizes are the bytes sent; the body is never read as text
        trust_env=False,
        requote_redirect_url=False,
        max_line_size=MAX_HEADER_LINE,
        max_field_size=MAX_HEADER_LINE,
    )


def _url(url: str) -> URL:
    """The URL as it is written, unless it is not ASCII. Every URL the checker asks for went
    through `urls.normalize_url` (links and redirect targets alike), so it is encoded already;
    re-quoting it would send another URL than the one checked (as httpx sends it)."""
    from yarl import URL

    return URL(url, encoded=url.isascii())


def _aiohttp_said(error: BaseException) -> str:
    """aiohttp's errors in the words httpx has for the same, or a user's."""
    import aiohttp

    if isinstance(error, aiohttp.ServerDisconnectedError):  # httpx's words for the same
        return say("Server disconnected without sending a response.")
    if isinstance(error, aiohttp.ClientResponseError):  # aiohttp's parser: a status of its own
        first = str(error.message).splitlines()[0] if error.message else ""
        if first:
            return say("the answer is not valid HTTP ({why})", why=first)
        return say("the answer is not valid HTTP")
    return _said(error)


async def ask_aiohttp(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    count: int | None,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One request to another host; as `ask_httpx`. `headers`: the user's credentials, only
    for an origin --auth-origin lists (`CredentialGate.headers_for` decides)."""
    import aiohttp  # imported already: `session` is one of its sessions

    try:
        request = session.request(method, _url(url), allow_redirects=False, headers=headers)
        async with request as response:
            size = declared_size(method, response.headers)
            if count is not None and size is None and response.status < 300:
                chunks = response.content.iter_chunked(64 * 1024)
                size = await _counted(chunks, count, aiohttp.ClientError)
            return Reply(response.status, response.headers, size)
    except (aiohttp.ClientError, TimeoutError, ValueError) as e:
        kind = classify_aiohttp(e)
        dropped = isinstance(e, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError) and (
            kind is FetchErrorKind.PROTOCOL
        )
        raise NoAnswer(kind, _reason(kind, e, url, timeout, _aiohttp_said), dropped) from e


def classify_aiohttp(exc: BaseException) -> FetchErrorKind:
    """aiohttp's errors as the crawl's kinds (`fetch.classify_error` for httpx's)."""
    import aiohttp

    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return FetchErrorKind.TIMEOUT
    chain = error_chain(exc)
    # Before ValueError: a certificate failure is one too (ssl.SSLCertVerificationError).
    if isinstance(exc, aiohttp.ClientConnectorError):
        if any(isinstance(e, socket.gaierror) for e in chain):
            return FetchErrorKind.DNS
        if isinstance(exc, aiohttp.ClientSSLError) or any(
            isinstance(e, ssl.SSLError) for e in chain
        ):
            return FetchErrorKind.TLS
        return FetchErrorKind.CONNECT
    if isinstance(exc, aiohttp.ClientSSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        return FetchErrorKind.TLS
    if isinstance(exc, aiohttp.InvalidURL | ValueError):  # yarl: a port over 65535, 256.1.1.1
        return FetchErrorKind.INVALID_URL
    return FetchErrorKind.PROTOCOL
