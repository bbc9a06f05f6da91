"""What happens to a fetched page after the network: parse it when it is HTML, hand it to the
sink (the store), and tell the frontier which internal URLs it points to.

This is the CPU-heavy half of a crawl. It runs in the page worker process (see `pipeline`), so it
only sees plain data: a `CrawledPage` in, a `Found` out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from seolog.crawl.frontier import Scope
from seolog.domain import (
    CrawledPage,
    OverBudget,
    PageSnapshot,
    RawView,
    ResourceCheck,
    ResourceRef,
    Unparsed,
    is_html_type,
)
from seolog.parse.budget import ParseBudget, Parser, ParseTimeout, too_deep
from seolog.parse.extract import decode_body, extract_page

# Once the scan's --max-time has run out, a page still being parsed gets this much longer: enough
# for an ordinary page, short enough that --max-time holds within a few seconds.
GRACE_SECONDS = 1.0


class Sink(Protocol):
    def __call__(self, page: CrawledPage) -> None: ...

    def flush(self) -> int: ...

    def resources(self, checks: list[ResourceCheck]) -> None: ...


@dataclass(frozen=True)
class Found:
    """A handled page, as the crawl loop needs it: was it HTML, and what to queue next."""

    html: bool
    urls: tuple[str, ...] = ()  # internal URLs it links to, then its canonical and hreflang targets
    resources: tuple[ResourceRef, ...] = ()  # what it loads, and its external links: to check


def looks_like_html(content_type: str, body: bytes) -> bool:
    """HTML by Content-Type, or an untyped body that starts like an HTML document."""
    if is_html_type(content_type):
        return True
    return not content_type and body.lstrip()[:100].lower().startswith(
        (b"<!doctype html", b"<html")
    )


def discovered_urls(snap: PageSnapshot, is_internal: Callable[[str], bool]) -> tuple[str, ...]:
    """Internal URLs worth crawling, once each: links first, then canonical and hreflang targets
    (the checks need to know that those answer)."""
    urls = [link.url for link in snap.links if link.internal]
    for url in (snap.canonical, *(h.get("url") for h in snap.hreflang)):
        if url and url.startswith("http") and is_internal(url):
            urls.append(url)
    return tuple(dict.fromkeys(urls))


Inspect = Callable[[CrawledPage], None]  # the audit's page checks: set findings on the page


class PageHandler:
    def __init__(
        self,
        sink: Sink,
        store_html: bool,
        inspect: Inspect | None = None,
        scope: Scope | None = None,
        crawler: str = "seolog",
        budget: ParseBudget = ParseBudget(seconds=None),
    ) -> None:
        self.sink = sink
        self.store_html = store_html
        self.inspect = inspect
        self.crawler = crawler  # robots token of the --user-agent: its robots meta tag counts
        self.scope = scope  # set by the crawl before the first page; it may move once (redirect)
        # What a page may cost to parse. The default sets no time limit: outside the page
        # worker nothing could replace a process stuck in a parse.
        self.budget = budget
        # When the scan's --max-time runs out (time.monotonic(), which every process of the
        # machine shares); set by the crawl.
        self.deadline: float | None = None
        self.parser = Parser()

    @property
    def stuck(self) -> bool:
        """A parse ran over its time and is still running: this process must be replaced."""
        return self.parser.stuck

    def handle(self, page: CrawledPage) -> Found:
        f = page.fetch
        found = Found(html=False)
        if (
            f.body is not None
            and self.scope is not None
            and looks_like_html(f.content_type, f.body)
        ):
            html = decode_body(f.body, f.content_type)
            page.snapshot = self._parse(page, html, self.scope.is_internal)
            raw_urls: tuple[str, ...] = ()
            if page.snapshot is not None and page.rendered_html is not None:
                raw_urls = self._rendered(page, page.rendered_html, self.scope.is_internal)
            page.rendered_html = None
            if page.snapshot is not None:
                page.snapshot.hreflang.extend(
                    {"lang": lang, "url": url, "source": "sitemap"}
                    for lang, url in page.sitemap_hreflang
                )
                urls = discovered_urls(page.snapshot, self.scope.is_internal)
                found = Found(
                    html=True,
                    # A rendered page's links, then those only its raw HTML has (a search
                    # engine reads both).
                    urls=tuple(dict.fromkeys(urls + raw_urls)),
                    resources=tuple(page.snapshot.resources),
                )
            else:
                found = Found(html=True)
            if self.store_html:
                page.html = html
        if f.body is not None:
            page.fetch = replace(f, body=None)  # the bytes are not needed past this point
        if self.inspect is not None:
            self.inspect(page)
        self.sink(page)
        return found

    def _rendered(
        self, page: CrawledPage, dom: str, is_internal: Callable[[str], bool]
    ) -> tuple[str, ...]:
        """A page rendered in the browser: its rendered DOM becomes the snapshot the checks
        judge, and what its raw HTML said is kept (`page.raw`) for the render-* checks.
        Returns the URLs the raw HTML links to."""
        raw = page.snapshot
        assert raw is not None
        rendered = self._parse(page, dom, is_internal)
        if rendered is None:  # the DOM is over the parse budget: judge the raw HTML
            page.unparsed = None
            page.render_note = "the rendered page is over the parse budget; the raw HTML was judged"
            return ()
        page.raw = RawView.of(raw)
        page.snapshot = rendered
        if self.store_html:
            page.rendered_dom = dom
        return discovered_urls(raw, is_internal)

    def _parse(
        self, page: CrawledPage, html: str, is_internal: Callable[[str], bool]
    ) -> PageSnapshot | None:
        """The page's snapshot, or None with `page.unparsed` set: over the parse budget."""
        depth = too_deep(html, self.budget.max_depth)
        if depth is not None:
            page.unparsed = Unparsed(OverBudget.DEPTH, depth, self.budget.max_depth)
            return None
        f = page.fetch
        job = partial(
            extract_page, html, f.final_url, is_internal, f.headers.get("link"), self.crawler
        )
        budget = self.budget.seconds
        wall = self._wall()
        started = time.monotonic()
        try:
            return self.parser.run(job, len(html), budget, wall)
        except ParseTimeout:
            took = time.monotonic() - started
            # Cut short by the scan's --max-time (`_wall`): the scan ran out of time, the page
            # may be an ordinary big one. Over its own (CPU) budget otherwise.
            if wall is not None and took >= wall:
                page.unparsed = Unparsed(OverBudget.STOPPED, took, budget or 0.0)
            else:
                page.unparsed = Unparsed(OverBudget.TIME, budget or 0.0, budget or 0.0)
            return None

    def _wall(self) -> float | None:
        """Seconds on the clock this page may take: what the scan's --max-time leaves, and a
        grace; None without a --max-time (the page's own budget, CPU time, is the limit)."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.monotonic() + GRACE_SECONDS, GRACE_SECONDS)

    def resources(self, checks: list[ResourceCheck]) -> None:
        self.sink.resources(checks)

    def close(self) -> int:
        """Save what is buffered; returns the pages the scan now has in the store."""
        return self.sink.flush()
