"""What site checks see: a small record per stored page and the few links that point at trouble.

Built by the store after the crawl (`repo.site_data`); nothing here grows with the links, so a
site check over 100,000 pages stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seolog.domain import NotFoundProbe, OriginVariant, Reprobe, RobotsProblem, RobotsState


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


@dataclass
class SiteData:
    root_url: str
    robots_state: RobotsState | None  # None: the crawl never read robots.txt
    sitemaps_checked: bool  # False with --no-sitemaps: absence proves nothing
    sitemap_urls: int
    pages: list[SitePage] = field(default_factory=list)
    troubled_links: list[LinkToTrouble] = field(default_factory=list)
    linked_urls: set[str] = field(default_factory=set)  # sitemap-only URLs some page links to
    reprobes: tuple[Reprobe, ...] = ()  # slow pages timed again alone after the crawl
    sitemaps_complete: bool = True  # every sitemap named was read whole
    not_found_probe: NotFoundProbe | None = None  # how a URL that cannot exist answered
    slow_pages: int = 0  # pages slower than the threshold during the crawl
    robots_problems: tuple[RobotsProblem, ...] = ()  # robots.txt lines Lighthouse calls errors
    robots_problem_count: int = 0  # all of them; robots_problems keeps the first ones
    # The start origin's variants (http/https, www/non-www) as probed after the crawl; () when
    # not probed (a folder scan, an interrupted crawl, a scan stored before seolog probed them).
    origin_variants: tuple[OriginVariant, ...] = ()
    canonical_origin: str | None = None  # the origin the crawl settled on (after a redirect)

    def by_url(self) -> dict[str, SitePage]:
        return {p.url: p for p in self.pages}
