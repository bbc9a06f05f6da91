"""Load a fetched page in headless Chromium and read its DOM once the scripts have run.

Every request the browser makes for the page goes through `route` (popups it opens are refused):
- the page itself is answered with the bytes the crawl already fetched (one request per page,
  and the raw and rendered views are of the same response);
- requests to the site (`is_own`) go through the crawl's own HTTP client (`load_own`): robots.txt
  is obeyed for each of them, the user's headers, cookies and auth are added only where the crawl
  adds them (never to another origin), and a folder scan's URLs reach its local server;
- requests to other hosts are blocked unless third-party loading is allowed, and then go out
  from the browser, without the user's credentials;
- images, media and fonts are not loaded: they do not change the DOM, and cost the most.

Chromium refuses a page's requests to the local network unless the user allows them (Local
Network Access), and takes a page answered by `route` to be on the public internet. A site on
this machine or a private network (a development or staging server) is allowed them, with
third-party loading on, as its developer's browser does: an app and its API on two ports of
localhost then render as they do for them. A public site still is not: its scripts do not reach
the network seolog runs in.

A page is read when its `load` event has fired and no request has been in flight for QUIET_S
seconds, nor begun during a round trip to the page after them (the app's data fetches
answered), or when its time is up: then what has rendered so far is read, with a note. Each page
gets a fresh browser context: no state leaks between pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from seolog.browser.browser import playwright

# No request in flight for this long, then a round trip to the page with none begun: the page
# has settled. The browser's events reach seolog late on a busy machine (up to a second, with
# both cores taken): without the round trip, a request the app began once its first one was
# answered was not seen yet, and one page in 15-30 was read without its heading and links
# (none in 240 with it, under the same load).
QUIET_S = 0.25
# Seconds to read the DOM once the page is loaded (or its time is up). Serializing takes well
# under a second, but needs the page's main thread: a script that never yields (`while (true)`)
# would hold the read, and the scan, for ever.
READ_S = 5.0
SKIPPED_TYPES = frozenset({"image", "media", "font"})
# Response headers the browser must not see from a body httpx already decoded and measured.
_DROP_RESPONSE = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# Request headers the crawl client sets itself.
_DROP_REQUEST = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "user-agent", "keep-alive"}
)
LAUNCH_ARGS = ("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio")
LOCAL_NETWORK = ["local-network-access"]  # Playwright's name of Chromium's permission


@dataclass(frozen=True)
class RenderSettings:
    browser: str  # the Chromium executable
    timeout: float = 20.0  # seconds a page may take to load and settle
    concurrency: int = 2  # pages rendered at once (one browser context each)
    third_party: bool = False  # let the browser load other hosts' scripts and data
    user_agent: str | None = None
    viewport: tuple[int, int] = (1366, 900)


@dataclass(frozen=True)
class Loaded:
    """The site's answer to a request the browser made, as the crawl client received it."""

    status: int
    headers: dict[str, str]
    body: bytes


# (method, URL, request headers, body) -> the answer, or None when robots.txt forbids the URL.
LoadOwn = Callable[[str, str, dict[str, str], bytes | None], Awaitable[Loaded | None]]


@dataclass(frozen=True)
class Rendered:
    html: str | None  # the DOM, serialized; None when the page could not be rendered
    final_url: str | None = None  # where the page ended (a script may navigate away)
    error: str | None = None  # why not rendered, or a note on a partial render (timed out)
    blocked: int = 0  # requests refused: disallowed by robots.txt, or to another host
    failed: int = 0  # requests that failed (the site answered an error, or the network)
    # The page's script loaded another document in its place (location.href = …): the DOM is
    # that document's, at final_url. (A router's history.pushState loads none.)
    navigated: bool = False


class _Traffic:
    """Requests of one page in flight, and when the last one ended."""

    def __init__(self) -> None:
        self.active = 0
        self.quiet_since = time.monotonic()
        self.blocked = 0
        self.failed = 0
        self.document_served = False
        self.navigated = False  # another document was asked for in the page's main frame

    def started(self, _request: Any = None) -> None:
        self.active += 1

    def ended(self, _request: Any = None) -> None:
        self.active = max(0, self.active - 1)
        if self.active == 0:
            self.quiet_since = time.monotonic()

    def broke(self, request: Any = None) -> None:
        self.failed += 1
        self.ended(request)


class Renderer:
    """One browser for the whole scan; `render` may be awaited by many crawl workers at once."""

    def __init__(
        self, settings: RenderSettings, load_own: LoadOwn, is_own: Callable[[str], bool]
    ) -> None:
        self.settings = settings
        self.load_own = load_own
        self.is_own = is_own
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._manager: Any = None
        self._playwright: Any = None
        self._browser: Any = None
        self._local: dict[str, bool] = {}  # host -> on this machine or a private network

    async def __aenter__(self) -> Renderer:
        from seolog.errors import ToolMissing

        self._manager = playwright()()
        self._playwright = await self._manager.__aenter__()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.settings.browser,
                args=list(LAUNCH_ARGS),
                handle_sigint=False,  # Ctrl-C is the crawl's to handle: it closes the browser
                handle_sigterm=False,
                handle_sighup=False,
            )
        except Exception as e:
            await self._manager.__aexit__(None, None, None)
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ToolMissing(
                f"the browser {self.settings.browser} did not start: {first[:200]}",
                hint="check that it is a working Chromium (run it with --version), or name "
                "another with --browser PATH",
            ) from None
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._browser is not None:
                await self._browser.close()
        finally:
            if self._manager is not None:
                await self._manager.__aexit__(None, None, None)

    @property
    def version(self) -> str | None:
        return self._browser.version if self._browser is not None else None

    async def render(self, url: str, status: int, content_type: str, body: bytes) -> Rendered:
        """Render a page the crawl fetched (`body`, answered with `status`)."""
        from playwright.async_api import Error as BrowserError

        async with self._slots:
            traffic = _Traffic()
            context = None
            try:
                # In the try: a browser that crashed or was killed fails the page's render
                # (and each one after), not the scan.
                context = await self._browser.new_context(
                    user_agent=self.settings.user_agent,
                    viewport={
                        "width": self.settings.viewport[0],
                        "height": self.settings.viewport[1],
                    },
                    service_workers="block",  # they would answer requests route never sees
                )
                if self.settings.third_party and await self._on_local_network(url):
                    with contextlib.suppress(BrowserError):  # a Chromium from before the rule
                        await context.grant_permissions(LOCAL_NETWORK, origin=_origin(url))
                page = await context.new_page()
                page.on("request", traffic.started)
                page.on("requestfinished", traffic.ended)
                page.on("requestfailed", traffic.broke)
                document = Loaded(status, {"content-type": content_type or "text/html"}, body)
                # On the context, not the page: a popup the page opens (window.open) is another
                # page of it, whose requests a page route never sees.
                await context.route(
                    "**/*", lambda route: self._route(route, page, url, document, traffic)
                )
                return await self._load(page, url, traffic)
            except BrowserError as e:
                # (TargetClosedError is not public; nothing here closes a page while it renders.)
                gone = type(e).__name__ == "TargetClosedError" or not self._browser.is_connected()
                why = "the browser quit during the scan (crashed or killed)" if gone else None
                return Rendered(None, error=why or _one_line(e), blocked=traffic.blocked)
            finally:
                if context is not None:
                    with contextlib.suppress(BrowserError):  # the browser is gone
                        await context.close()

    async def _on_local_network(self, url: str) -> bool:
        """Whether the site's host is this machine or on a private network (see the module
        docstring); looked up once a host."""
        host = urlsplit(url).hostname or ""
        if host not in self._local:
            self._local[host] = await _is_local(host)
        return self._local[host]

    async def _load(self, page: Any, url: str, traffic: _Traffic) -> Rendered:
        from playwright.async_api import TimeoutError as BrowserTimeout

        timeout = self.settings.timeout
        deadline = time.monotonic() + timeout
        note = None
        try:
            await page.goto(url, wait_until="load", timeout=timeout * 1000)
            if not await _settled(page, traffic, deadline):
                note = f"still loading after {timeout:g}s; the DOM was read as it was then"
        except BrowserTimeout:
            note = f"did not finish loading in {timeout:g}s; the DOM was read as it was then"
        try:
            html = await asyncio.wait_for(page.content(), READ_S)
        except TimeoutError:
            return Rendered(
                None,
                final_url=page.url,
                error=f"its scripts kept the page busy: the DOM could not be read in {READ_S:g}s",
                blocked=traffic.blocked,
                failed=traffic.failed,
            )
        return Rendered(
            html,
            final_url=page.url,
            error=note,
            blocked=traffic.blocked,
            failed=traffic.failed,
            navigated=traffic.navigated,
        )

    async def _route(
        self, route: Any, page: Any, url: str, document: Loaded, traffic: _Traffic
    ) -> None:
        """Answer one request of the page (`_handle`). A page closed (its time was up, or the
        browser quit) while its request was being answered leaves nothing to answer: older
        Playwright versions raised that from the route callback, and printed it as a
        traceback."""
        from playwright.async_api import Error as BrowserError

        try:
            await self._handle(route, page, url, document, traffic)
        except BrowserError:
            if not page.is_closed():
                raise

    async def _handle(
        self, route: Any, page: Any, url: str, document: Loaded, traffic: _Traffic
    ) -> None:
        request = route.request
        target = request.url
        if _page_of(request) is not page:  # a popup: not the page rendered, nor its content
            traffic.blocked += 1
            await route.abort("blockedbyclient")
            return
        if request.is_navigation_request():
            if not traffic.document_served and target == url:
                traffic.document_served = True
                await _answer(route, document)
                return
            if request.frame.parent_frame is None:
                traffic.navigated = True
        if request.resource_type in SKIPPED_TYPES or not target.startswith(("http:", "https:")):
            await route.abort("blockedbyclient")
            return
        if self.is_own(target):
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST}
            try:
                loaded = await self.load_own(
                    request.method, target, headers, request.post_data_buffer
                )
            except Exception:  # the site did not answer: the browser sees a network error
                await route.abort("failed")
                return
            if loaded is None:
                traffic.blocked += 1
                await route.abort("blockedbyclient")
                return
            await _answer(route, loaded)
            return
        if self.settings.third_party:
            await route.continue_()
            return
        traffic.blocked += 1
        await route.abort("blockedbyclient")


def _page_of(request: Any) -> Any:
    """The page a request is for; None for one of no page (a worker's)."""
    try:
        return request.frame.page
    except Exception:  # Playwright: "Service Worker requests do not have an associated frame"
        return None


async def _settled(page: Any, traffic: _Traffic, deadline: float) -> bool:
    """Wait for the page to settle (QUIET_S); False when its time ran out first."""
    from playwright.async_api import Error as BrowserError

    while time.monotonic() < deadline and not page.is_closed():  # closed: the browser quit
        if traffic.active == 0 and time.monotonic() - traffic.quiet_since >= QUIET_S:
            before = traffic.quiet_since
            try:
                await asyncio.wait_for(page.evaluate("0"), max(0.01, deadline - time.monotonic()))
            except (TimeoutError, BrowserError):  # its scripts are busy, or it navigates
                pass
            else:
                if traffic.active == 0 and traffic.quiet_since == before:
                    return True
        await asyncio.sleep(0.05)
    return False


async def _answer(route: Any, loaded: Loaded) -> None:
    headers = {k: v for k, v in loaded.headers.items() if k.lower() not in _DROP_RESPONSE}
    await route.fulfill(status=loaded.status, headers=headers, body=loaded.body)


async def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:  # a name: where it resolves
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None)
        except OSError:
            return False
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
    return any(a.is_loopback or a.is_private or a.is_link_local for a in addresses)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:300]
