"""Check what crawled pages load and link to elsewhere: each URL once per scan, never crawled.

External link targets, images, stylesheets, scripts and iframes are asked for with HEAD (no body);
an answer that looks wrong (any error status, a broken connection) is asked again with GET before
it counts, because many servers answer HEAD badly (405, 404, 403) for pages that work. Images
without a Content-Length get a GET whose body is counted up to a cap, for their size.

Other people's servers get politeness: at most `external_per_host` requests at once to one host,
a 429 pauses that host for its Retry-After, and a host that fails for the network (no DNS, a TLS
failure, several timeouts in a row) fails its remaining URLs without more requests. The site's
own resources go through the crawl's client (its credentials, throttle and robots.txt); other
hosts through a client that carries no credential at all, so no secret leaves its origin (an
aiohttp session per host: see `crawl.askers` for why not httpx).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from seolog.config import MAX_RETRY_AFTER, CrawlSettings
from seolog.crawl.askers import NoAnswer, Reply, ask_aiohttp, ask_httpx
from seolog.crawl.fetch import Throttle, redirect_problem
from seolog.domain import (
    NETWORK_FAILURES,
    REFUSAL_STATUSES,
    FetchErrorKind,
    FetchResult,
    RedirectHop,
    ResourceCheck,
    ResourceKind,
)
from seolog.retryafter import retry_after_seconds
from seolog.urls import origin_of, resolve_url

if TYPE_CHECKING:
    import aiohttp  # imported with the first other host's session (crawl.askers says why)

# Requests at once across every host (each host still gets at most --external-per-host): other
# servers' latency is what a check waits on, and an aiohttp request costs ~0.2 ms of CPU, so 64
# waiting leave the event loop to the crawl. Measured with bench/external.py (30 hosts), the
# time against --no-external: hosts answering after 20 ms, 16 at once 2.1x, 32 1.5x; after
# 100 ms, 32 at once 3.7x, 64 2.7x.
CHECK_CONCURRENCY = 64
# Other hosts' clients kept open (each with its idle keep-alive connections): a host's next URL
# reuses a connection instead of a new TCP and TLS handshake; past this many, the least recently
# used idle one is closed, so a site linking to thousands of hosts never runs out of sockets.
OPEN_CLIENTS = 64
# Bytes of an image body read to learn its size when no Content-Length says it: past this it is
# "at least" this big, which is over any sensible image threshold.
IMAGE_SIZE_CAP = 8 * 1024 * 1024
# Consecutive network failures after which a host's remaining URLs fail without a request.
# A name that does not resolve or a certificate that fails is the host's, not the URL's: once.
HOST_FAILURES = {FetchErrorKind.DNS: 1, FetchErrorKind.TLS: 1}
HOST_FAILURES_DEFAULT = 3
RETRY_STATUSES = frozenset({429, 503})
SCHEMES = ("http://", "https://")
MAX_URL = 2048  # longer URLs are not stored (the store's column) nor asked for: none is real


def host_of(url: str) -> str:
    """The URL's host name as the skip list holds it: lower-case, IDNA (bücher.de is
    xn--bcher-kva.de)."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def skipped_host(host: str, skip: list[str]) -> bool:
    """Is `host` one of the skip list's hosts, or a subdomain of one? `*` stands for any host
    (the site's own resources are still checked), `*.cdn.example` for any of its subdomains."""
    for entry in skip:
        entry = entry.lower().strip().rstrip(".")
        if entry == "*":
            return True
        if entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif host == entry or host.endswith("." + entry):
            return True
    return False


@dataclass
class _Host:
    """One host's gate: its concurrency, its 429 pause, and its run of network failures."""

    slots: asyncio.Semaphore
    not_before: float = 0.0  # monotonic time before which nothing is sent (a 429's Retry-After)
    failures: int = 0
    down: FetchResult | None = None  # the failure that closed the host; later URLs share it
    client: aiohttp.ClientSession | None = None  # its own small pool (other hosts only)
    busy: int = 0  # checks of it running now
    key: str = ""  # its origin


@dataclass
class CheckCounts:
    queued: int = 0  # distinct URLs accepted for checking
    checked: int = 0
    requests: int = 0
    retries: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason → distinct URLs not checked
    hosts_answered: int = 0  # external hosts that answered anything
    hosts_unreachable: int = 0  # external hosts that never answered: DNS, connection, TLS, timeout
    refused: int = 0  # URLs whose host refused automated checks (429, 999): not judged

    @property
    def offline(self) -> bool:
        """The network looks cut off here, not the links: no external host answered and at
        least 3 could not be reached (a machine offline, or one whose firewall drops outgoing
        connections), or, of 10 or more hosts tried, over two thirds could not (a proxy letting
        a few hosts through). A real site's dead hosts are a few among many that answer; a
        small site's three dead hosts among four are still reported."""
        unreachable, answered = self.hosts_unreachable, self.hosts_answered
        if answered == 0:
            return unreachable >= 3
        return unreachable + answered >= 10 and unreachable > 2 * answered


class ResourceChecker:
    """Checks each offered URL once, concurrently, and hands every result to `emit`."""

    def __init__(
        self,
        settings: CrawlSettings,
        is_internal: Callable[[str], bool],
        crawl_client: httpx.AsyncClient,
        external_client: Callable[[], aiohttp.ClientSession],
        emit: Callable[[ResourceCheck], Awaitable[None]],
        allowed: Callable[[str], Awaitable[bool]] | None = None,
        to_wire: Callable[[str], str] = lambda u: u,
        to_public: Callable[[str], str] = lambda u: u,
        throttle: Throttle | None = None,
        credentials: Callable[[str], dict[str, str]] = lambda _u: {},
        done: set[str] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        # The user's credentials for a URL of another host: none, unless --auth-origin lists
        # it (the site's own URLs get theirs from the crawl client, by the same decision).
        self.credentials = credentials
        self.is_internal = is_internal
        self.crawl_client = crawl_client
        self.external_client = external_client
        self.emit = emit
        self.allowed = allowed
        self.to_wire = to_wire
        self.to_public = to_public
        self.throttle = throttle or Throttle()
        self.sleep = sleep
        self.counts = CheckCounts()
        self._seen: set[str] = set(done or ())  # checked in an earlier run of this scan
        # --max-external is per scan: a resumed run checks what the earlier runs left of it.
        self._budget = max(0, settings.max_external - len(self._seen))
        self._hosts: dict[str, _Host] = {}
        self._answered: set[str] = set()
        self._unreachable: set[str] = set()
        self._slots = asyncio.Semaphore(CHECK_CONCURRENCY)
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()  # set whenever no check is running
        self._idle.set()
        self._clients: OrderedDict[str, _Host] = OrderedDict()  # open, least recently used first
        self._failure: BaseException | None = None

    # --- what gets checked ------------------------------------------------------------------

    def offer(self, url: str, kind: ResourceKind) -> None:
        """Check `url` once, unless it is skipped, seen, or over the cap."""
        if url in self._seen or not url.startswith(SCHEMES):
            return
        self._seen.add(url)
        if len(url) > MAX_URL:
            self._skip("URL over 2,048 characters")
            return
        if self._skipped(url):
            self._skip("skip list")
            return
        if self.counts.queued >= self._budget:
            self._skip("over --max-external")
            return
        self.counts.queued += 1
        task = asyncio.get_running_loop().create_task(self._run(url, kind))
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)

    def _skipped(self, url: str) -> bool:
        """On the skip list: never asked, not even at the end of a redirect."""
        skip = self.settings.external_skip
        return bool(skip) and not self.is_internal(url) and skipped_host(host_of(url), skip)

    def _skip(self, reason: str) -> None:
        self.counts.skipped[reason] = self.counts.skipped.get(reason, 0) + 1

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()
        if not task.cancelled() and task.exception() is not None and self._failure is None:
            self._failure = task.exception()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    @property
    def offline(self) -> bool:
        return self.counts.offline

    async def drain(
        self,
        tick: Callable[[], None] | None = None,
        every: float = 0.1,
        deadline: float | None = None,
    ) -> None:
        """Wait for every check offered so far (and those offered meanwhile), calling `tick`
        every `every` seconds (the progress display); at the monotonic `deadline` (--max-time),
        stop waiting and leave the rest running (`pending` says how many; `cancel` ends them)."""
        while self._tasks:
            if deadline is not None and time.monotonic() >= deadline:
                return
            # An event, not asyncio.wait(tasks): that adds and removes a callback on every
            # pending task each tick (a million calls for 5,000 links, measured).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), every)
            if tick is not None:
                tick()
        if self._failure is not None:
            raise self._failure

    async def cancel(self) -> None:
        """Stop the checks still running and close every other host's client."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        gates, self._clients = list(self._clients.values()), OrderedDict()
        await asyncio.gather(*(_close(gate) for gate in gates))

    # --- one URL ----------------------------------------------------------------------------

    async def _run(self, url: str, kind: ResourceKind) -> None:
        internal = self.is_internal(url)
        if internal and self.allowed is not None and not await self.allowed(url):
            result = FetchResult(
                url=url,
                final_url=url,
                error_kind=FetchErrorKind.BLOCKED_ROBOTS,
                error="disallowed by robots.txt",
            )
            await self._emit(ResourceCheck(url, not internal, "", result))
            return
        host = self._host(url)
        async with host.slots, self._slots:
            if host.down is not None:
                result = _shared_failure(url, host.down)
                method = ""
            else:
                host.busy += 1
                try:
                    method, result = await self._check(url, kind, host)
                except Exception as e:  # a bug or an odd server: one URL's error, not the scan's
                    method = ""
                    result = FetchResult(
                        url=url,
                        final_url=url,
                        error_kind=FetchErrorKind.PROTOCOL,
                        error=f"{type(e).__name__}: {e}",
                    )
                finally:
                    host.busy -= 1
        await self._emit(ResourceCheck(url, not internal, method, result))

    async def _emit(self, check: ResourceCheck) -> None:
        self.counts.checked += 1
        if check.result.error_kind is None and check.result.status_code in REFUSAL_STATUSES:
            self.counts.refused += 1
        await self.emit(check)

    def _host(self, url: str) -> _Host:
        """The gate of the URL's origin: scheme included, since a certificate that fails on
        https://example.com says nothing of http://example.com."""
        key = origin_of(url)
        gate = self._hosts.get(key)
        if gate is None:
            gate = self._hosts[key] = _Host(
                asyncio.Semaphore(self.settings.external_per_host), key=key
            )
        return gate

    async def _check(self, url: str, kind: ResourceKind, host: _Host) -> tuple[str, FetchResult]:
        """HEAD, and GET when HEAD's answer is not a success (or an image's size is unknown)."""
        result = await self._follow("HEAD", url, kind, host)
        method = "HEAD"
        failed = result.error_kind is not None or (result.status_code or 0) >= 400
        doubtful = (
            failed and result.error_kind not in NETWORK_FAILURES and result.status_code != 429
        )
        unsized = kind is ResourceKind.IMAGE and result.size is None and result.status_code == 200
        if doubtful or unsized:
            method, result = "GET", await self._follow("GET", url, kind, host)
        self._learn(url, host, result)
        return method, result

    def _learn(self, url: str, host: _Host, result: FetchResult) -> None:
        """What the answer says of the host: it answers, or it failed for the network again."""
        kind = result.error_kind
        external = not self.is_internal(url)
        if kind in NETWORK_FAILURES:
            host.failures += 1
            # The crawled site's own origin is never closed: its pages answered, so a few slow
            # images are each worth their own answer.
            if external and host.failures >= HOST_FAILURES.get(kind, HOST_FAILURES_DEFAULT):
                host.down = result
            if external:
                self._unreachable.add(urlsplit(url).netloc)
        else:
            host.failures = 0
            if external:
                self._answered.add(urlsplit(url).netloc)
                if result.status_code == 429:
                    # Still refusing after its retries and Retry-After pauses: the host's other
                    # URLs get the same answer without asking (hours of 429s otherwise).
                    host.down = result
        self.counts.hosts_answered = len(self._answered)
        self.counts.hosts_unreachable = len(self._unreachable - self._answered)

    async def _follow(self, method: str, url: str, kind: ResourceKind, host: _Host) -> FetchResult:
        """One request and its redirects, recorded hop by hop; never raises."""
        hops: list[RedirectHop] = []
        visited = {url}
        current = url
        started = time.perf_counter()
        # An image's size, when no Content-Length says it: its body counted, up to the cap.
        count = IMAGE_SIZE_CAP if method == "GET" and kind is ResourceKind.IMAGE else None
        while True:
            try:
                reply = await self._send(method, current, host, count)
            except NoAnswer as e:
                return FetchResult(
                    url=url,
                    final_url=current,
                    hops=tuple(hops),
                    error_kind=e.kind,
                    error=e.reason,
                    response_ms=(time.perf_counter() - started) * 1000,
                )
            status = reply.status
            location = reply.headers.get("location")
            if 300 <= status < 400 and location:
                target = resolve_url(current, self.to_public(location))
                hops.append(RedirectHop(current, status, target or location))
                problem = redirect_problem(target, location, visited, len(hops))
                if problem is not None:
                    return FetchResult(
                        url=url,
                        final_url=target or current,
                        status_code=status,
                        hops=tuple(hops),
                        error_kind=problem[0],
                        error=problem[1],
                    )
                assert target is not None
                if self._skipped(target):  # --external-skip holds for redirects too
                    return FetchResult(
                        url=url,
                        final_url=target,
                        status_code=status,
                        hops=tuple(hops),
                        response_ms=(time.perf_counter() - started) * 1000,
                    )
                visited.add(target)
                current = target
                continue
            return FetchResult(
                url=url,
                final_url=current,
                status_code=status,
                content_type=reply.headers.get("content-type", ""),
                size=reply.size,
                hops=tuple(hops),
                response_ms=(time.perf_counter() - started) * 1000,
            )

    async def _client_of(self, url: str, host: _Host) -> aiohttp.ClientSession:
        """Another host's own session, a pool its size, the last OPEN_CLIENTS kept: a host's
        next URL reuses its connection, and a site linking thousands of hosts never holds
        thousands of idle sockets (one shared pool keeps every host's idle ones)."""
        if host.client is None:  # the gate of the URL first asked: its redirects use it too
            if len(self._clients) >= OPEN_CLIENTS:
                await self._close_idle()
            if host.client is None:  # not made by another check of the host meanwhile
                host.client = self.external_client()
                self._clients[host.key] = host
        self._clients.move_to_end(host.key)
        return host.client

    async def _close_idle(self) -> None:
        """Close the least recently used client of a host with no check running."""
        for key, gate in self._clients.items():
            if gate.busy == 0:
                del self._clients[key]
                await _close(gate)
                return

    async def _send(self, method: str, url: str, host: _Host, count: int | None) -> Reply:
        """One request with retries on 429/503 (Retry-After pauses the whole host) and on a
        dropped connection; timeouts and DNS failures are not retried (the host gate counts
        them). The site's own URLs use the crawl's client and throttle; others their host's
        session. Raises NoAnswer."""
        internal = self.is_internal(url)
        timeout = self.settings.timeout
        attempt = 0
        while True:
            wait = host.not_before - time.monotonic()
            if wait > 0:
                await self.sleep(wait)
            if internal:
                await self.throttle.wait()
            self.counts.requests += 1
            try:
                if internal:
                    wire = self.to_wire(url)
                    reply = await ask_httpx(self.crawl_client, method, wire, count, timeout)
                else:
                    session = await self._client_of(url, host)
                    extra = self.credentials(url)
                    reply = await ask_aiohttp(session, method, url, count, timeout, extra)
            except NoAnswer as e:
                if not e.dropped or attempt >= self.settings.retries:
                    raise
                delay = self.settings.retry_backoff * 2**attempt
            else:
                if reply.status not in RETRY_STATUSES or attempt >= self.settings.retries:
                    return reply
                said = retry_after_seconds(reply.headers.get("retry-after"))
                if said is not None and said > MAX_RETRY_AFTER:
                    return reply
                delay = max(said or 0.0, self.settings.retry_backoff * 2**attempt)
                host.not_before = max(host.not_before, time.monotonic() + delay)
            attempt += 1
            self.counts.retries += 1
            await self.sleep(delay)


async def _close(gate: _Host) -> None:
    client, gate.client = gate.client, None
    if client is not None:
        with contextlib.suppress(Exception):
            await client.close()


def _shared_failure(url: str, failure: FetchResult) -> FetchResult:
    """A URL on a host that already failed for the network: the host's failure, not requested."""
    if failure.error_kind is None:  # a host refusing checks (429): the same refusal
        return FetchResult(url=url, final_url=url, status_code=failure.status_code)
    return FetchResult(
        url=url,
        final_url=url,
        error_kind=failure.error_kind,
        error=f"not requested: {urlsplit(url).netloc} already failed ({failure.error})",
    )


def make_external_client(
    settings: CrawlSettings,
    verify: ssl.SSLContext | bool | None = None,
    pool: int = 8,
) -> httpx.AsyncClient:
    """An httpx client for the site's twins (the origin-variant probe): our User-Agent and
    timeouts, and no credential of any kind (no --header, --cookie or --auth: those were given
    for the site being crawled). `verify`: the scan's TLS trust, built once (`verify_for`).
    Other hosts' links and resources use aiohttp sessions (`askers.make_session`)."""
    if verify is None:
        from seolog.crawl.tls import verify_for

        verify = verify_for(settings)
    return httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
        timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
        limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
        follow_redirects=False,
        trust_env=False,
        verify=verify,
    )
