"""What site checks see: a small record per stored page and the few links that point at trouble.

Built by the store after the crawl (`services.audit`); nothing here grows with the links, so a
site check over 100,000 pages stays cheap. The pages are a list in tests and small scans, or a
`PageSource` that reads them from the store in chunks, so a million-page scan is never held
whole: checks only iterate `site.pages` and look pages up by URL with `site.pages_at`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from seolog.domain import (
    NETWORK_FAILURES,
    REFUSAL_STATUSES,
    NotFoundProbe,
    OriginVariant,
    Reprobe,
    RobotsProblem,
    RobotsState,
)


@dataclass(frozen=True, slots=True)
class SitePage:
    id: int
    url: str
    final_url: str | None
    status: int | None  # the first response: 3xx for a redirect
    final_status: int | None
    error_kind: str | None
    html: bool
    indexable: bool
    noindex: bool
    in_sitemap: bool
    found_via: str
    title: str | None = None
    meta_description: str | None = None
    content_hash: str | None = None
    canonical: str | None = None
    hreflang: tuple[tuple[str, str], ...] = ()  # (lang, url)
    word_count: int | None = None  # of the main content; None: not HTML
    simhash: int | None = None  # of the main content; None: too short to compare, or not HTML
    soft_404: str | None = None  # the "not found" the page says of itself

    @property
    def broken(self) -> bool:
        """Fails for a visitor: an error status or no response (robots blocks are not failures)."""
        if self.error_kind is not None and self.error_kind != "blocked_robots":
            return True
        return self.final_status is not None and self.final_status >= 400

    @property
    def redirects(self) -> bool:
        return self.status is not None and 300 <= self.status < 400


@dataclass(frozen=True, slots=True)
class LinkToTrouble:
    """An internal link whose target page redirects or fails."""

    source_url: str
    target: SitePage


def resource_failed(
    error_kind: str | None,
    final_status: int | None,
    external: bool = False,
    offline: bool = False,
) -> bool:
    """A checked resource that fails: no usable answer, or an error status. A robots.txt block
    is no failure (the URL was not asked for), nor a 429 or LinkedIn's 999: those refuse
    automated checks, not users; nor, when the scan found the network cut off (`offline`), an
    external URL's network failure. The checks and the scan document's counts both ask this."""
    if error_kind is not None:
        if offline and external and error_kind in NETWORK_FAILURES:
            return False
        return error_kind != "blocked_robots"
    return final_status is not None and final_status >= 400 and final_status not in REFUSAL_STATUSES


@dataclass(frozen=True, slots=True)
class CheckedResource:
    """How a resource URL (an external link, an image, a stylesheet …) answered its check."""

    url: str
    external: bool
    status: int | None  # the first answer: 3xx for a redirect
    final_url: str | None
    final_status: int | None
    content_type: str | None
    size: int | None  # bytes: Content-Length, else the body read (up to a cap)
    error_kind: str | None
    error: str | None

    @property
    def failed(self) -> bool:
        return resource_failed(self.error_kind, self.final_status)

    @property
    def redirects(self) -> bool:
        return self.status is not None and 300 <= self.status < 400

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    def answer(self) -> str:
        """What it answered, for a message: "HTTP 404", "timeout: …", "HTTP 301 → HTTP 404"."""
        if self.error_kind is not None:
            return f"{self.error_kind}: {self.error}" if self.error else self.error_kind
        said = f"HTTP {self.final_status}"
        return f"HTTP {self.status} → {said}" if self.redirects else said


@dataclass(frozen=True, slots=True)
class ResourceUse:
    """A page using a resource that answered badly (or is too big, or of the wrong type):
    `kind` is how that page uses it (a ResourceKind value)."""

    page_url: str
    kind: str
    resource: CheckedResource


@runtime_checkable
class PageSource(Protocol):
    """The pages of a stored scan, read again on each iteration (in crawl order), never all in
    memory at once; `lookup` reads the few a check asks for by URL."""

    def __iter__(self) -> Iterator[SitePage]: ...

    def lookup(self, urls: Iterable[str]) -> dict[str, SitePage]: ...


@dataclass
class SiteData:
    root_url: str
    robots_state: RobotsState | None  # None: the crawl never read robots.txt
    sitemaps_checked: bool  # False with --no-sitemaps: absence proves nothing
    sitemap_urls: int
    pages: Iterable[SitePage] = field(default_factory=list)  # a list, or a PageSource
    troubled_links: list[LinkToTrouble] = field(default_factory=list)
    linked_urls: set[str] = field(default_factory=set)  # sitemap-only URLs some page links to
    reprobes: tuple[Reprobe, ...] = ()  # slow pages timed again alone after the crawl
    sitemaps_complete: bool = True  # every sitemap named was read whole
    # Sitemaps found but not read at all, and why: ((sitemap URL, reason), …)
    sitemaps_unread: tuple[tuple[str, str], ...] = ()
    not_found_probe: NotFoundProbe | None = None  # how a URL that cannot exist answered
    slow_pages: int = 0  # pages slower than the threshold during the crawl
    robots_problems: tuple[RobotsProblem, ...] = ()  # robots.txt lines Lighthouse calls errors
    robots_problem_count: int = 0  # all of them; robots_problems keeps the first ones
    # The start origin's variants (http/https, www/non-www) as probed after the crawl; () when
    # not probed (a folder scan, an interrupted crawl, a scan stored before seolog probed them).
    origin_variants: tuple[OriginVariant, ...] = ()
    canonical_origin: str | None = None  # the origin the crawl settled on (after a redirect)
    # Pages using a resource with a problem (failed, redirected, too big, wrong type): every
    # resource problem once per page; the resources that answered well are not loaded.
    resource_uses: list[ResourceUse] = field(default_factory=list)
    resources_checked: bool = False  # the scan checked resources (not --no-external, not old)
    external_checked: int = 0  # URLs on other hosts asked (none with --external-skip '*')
    # Most external hosts could not be reached: their network failures prove nothing.
    resources_offline: bool = False
    # Internal links to URLs robots.txt disallows (not fetched): (linking page, target).
    links_to_disallowed: list[tuple[str, str]] = field(default_factory=list)

    # What checks worked out once and share (the survey, the page index of a list of pages).
    memo: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def pages_at(self, urls: Iterable[str]) -> dict[str, SitePage]:
        """The crawled pages among `urls`, by URL (those not crawled are left out)."""
        if isinstance(self.pages, PageSource):
            return self.pages.lookup(urls)
        index = self.memo.get("by_url")
        if not isinstance(index, dict):
            index = self.memo["by_url"] = {p.url: p for p in self.pages}
        return {u: index[u] for u in urls if u in index}
