"""What happens to a fetched page after the network: parse it when it is HTML, hand it to the
sink (the store), and tell the frontier which internal URLs it points to.

This is the CPU-heavy half of a crawl. It runs in the page worker process (see `pipeline`), so it
only sees plain data: a `CrawledPage` in, a `Found` out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from seolog.crawl.frontier import Scope
from seolog.domain import CrawledPage, PageSnapshot, ResourceCheck, ResourceRef, is_html_type
from seolog.parse.extract import decode_body, extract_page


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
    ) -> None:
        self.sink = sink
        self.store_html = store_html
        self.inspect = inspect
        self.crawler = crawler  # robots token of the --user-agent: its robots meta tag counts
        self.scope = scope  # set by the crawl before the first page; it may move once (redirect)

    def handle(self, page: CrawledPage) -> Found:
        f = page.fetch
        found = Found(html=False)
        if (
            f.body is not None
            and self.scope is not None
            and looks_like_html(f.content_type, f.body)
        ):
            html = decode_body(f.body, f.content_type)
            page.snapshot = extract_page(
                html, f.final_url, self.scope.is_internal, f.headers.get("link"), self.crawler
            )
            page.snapshot.hreflang.extend(
                {"lang": lang, "url": url, "source": "sitemap"}
                for lang, url in page.sitemap_hreflang
            )
            if self.store_html:
                page.html = html
            found = Found(
                html=True,
                urls=discovered_urls(page.snapshot, self.scope.is_internal),
                resources=tuple(page.snapshot.resources),
            )
        if f.body is not None:
            page.fetch = replace(f, body=None)  # the bytes are not needed past this point
        if self.inspect is not None:
            self.inspect(page)
        self.sink(page)
        return found

    def resources(self, checks: list[ResourceCheck]) -> None:
        self.sink.resources(checks)

    def close(self) -> int:
        """Save what is buffered; returns the pages the scan now has in the store."""
        return self.sink.flush()
