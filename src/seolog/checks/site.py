"""Checks over the whole crawl: duplicates, links into trouble, canonicals, hreflang return links,
the sitemap and robots.txt."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from seolog.checks.registry import Hit, site_check
from seolog.checks.sitedata import LinkToTrouble, SiteData, SitePage
from seolog.checks.thresholds import Thresholds
from seolog.domain import RobotsState, Severity

_LISTED = 5  # URLs named in a message; details carry up to _EXAMPLES
_EXAMPLES = 20


def _duplicates(site: SiteData, key: Callable[[SitePage], str | None], what: str) -> Iterator[Hit]:
    groups: dict[str, list[SitePage]] = defaultdict(list)
    for page in site.pages:
        value = key(page)
        if page.indexable and value:
            groups[value].append(page)
    for value, pages in groups.items():
        if len(pages) < 2:
            continue
        for page in pages:
            others = [p.url for p in pages if p is not page]
            yield Hit(
                f"same {what} as {len(others)} other page(s): {', '.join(others[:_LISTED])}",
                {"value": value, "count": len(pages), "others": others[:_EXAMPLES]},
                url=page.url,
            )


def _normalised_text(value: str | None) -> str | None:
    return " ".join(value.split()).lower() if value else None


@site_check(
    code="title-duplicate",
    family="titles",
    severity=Severity.WARNING,
    title="Same title on several pages",
    why="Pages sharing a title compete for the same searches, and users cannot tell them apart "
    "in results. Only indexable pages are compared.",
    fix="Give each page a title that names what makes it different.",
)
def title_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _duplicates(site, lambda p: _normalised_text(p.title), "title")


@site_check(
    code="meta-description-duplicate",
    family="descriptions",
    severity=Severity.WARNING,
    title="Same meta description on several pages",
    why="Repeated descriptions make different pages look identical in search results.",
    fix="Write a description for each page, or remove the shared one and let the engine choose.",
)
def meta_description_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _duplicates(site, lambda p: _normalised_text(p.meta_description), "meta description")


@site_check(
    code="content-duplicate",
    family="content",
    severity=Severity.WARNING,
    title="Same body text as another page",
    why="Duplicate pages split links and rankings; search engines pick one and may pick the wrong "
    "one.",
    fix="Merge the pages and redirect, or point the copies' canonical at the original.",
)
def content_duplicate(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    yield from _duplicates(site, lambda p: p.content_hash, "body text")


def _by_source(links: list[LinkToTrouble]) -> dict[str, list[SitePage]]:
    grouped: dict[str, dict[str, SitePage]] = defaultdict(dict)
    for link in links:
        grouped[link.source_url][link.target.url] = link.target
    return {src: list(targets.values()) for src, targets in grouped.items()}


def _describe(target: SitePage) -> str:
    if target.error_kind and target.final_status is None:
        return f"{target.url} ({target.error_kind})"
    return f"{target.url} ({target.final_status if not target.redirects else target.status})"


@site_check(
    code="link-broken",
    family="links",
    severity=Severity.ERROR,
    title="Links to a broken internal URL",
    why="Broken links waste crawl budget, leak link value and strand visitors on an error page.",
    fix="Update or remove each link, or restore the target page.",
)
def link_broken(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    broken = [link for link in site.troubled_links if link.target.broken]
    for source, targets in _by_source(broken).items():
        yield Hit(
            f"links to {len(targets)} broken URL(s): "
            + ", ".join(_describe(p) for p in targets[:_LISTED]),
            {
                "targets": [
                    {"url": p.url, "status": p.final_status, "error": p.error_kind}
                    for p in targets[:_EXAMPLES]
                ],
                "count": len(targets),
            },
            url=source,
        )


@site_check(
    code="link-to-redirect",
    family="links",
    severity=Severity.WARNING,
    title="Links to an internal URL that redirects",
    why="Every visit through the link costs an extra round trip, and some link value is lost.",
    fix="Point the link at the final URL.",
)
def link_to_redirect(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    redirecting = [
        link for link in site.troubled_links if link.target.redirects and not link.target.broken
    ]
    for source, targets in _by_source(redirecting).items():
        yield Hit(
            f"links to {len(targets)} redirecting URL(s): "
            + ", ".join(f"{p.url} -> {p.final_url}" for p in targets[:_LISTED]),
            {
                "targets": [
                    {"url": p.url, "final_url": p.final_url, "status": p.status}
                    for p in targets[:_EXAMPLES]
                ],
                "count": len(targets),
            },
            url=source,
        )


def _canonical_targets(site: SiteData) -> Iterator[tuple[SitePage, SitePage]]:
    pages = site.by_url()
    for page in site.pages:
        if page.canonical and page.canonical != page.url and page.canonical in pages:
            yield page, pages[page.canonical]


@site_check(
    code="canonical-broken",
    family="indexability",
    severity=Severity.ERROR,
    title="Canonical URL is broken",
    why="A canonical pointing at an error page tells search engines to index nothing.",
    fix="Point the canonical at the live page that should rank (often the page itself).",
    lighthouse="canonical (Document has a valid rel=canonical)",
)
def canonical_broken(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, target in _canonical_targets(site):
        if target.broken:
            yield Hit(
                f"canonical {target.url} answers {target.final_status or target.error_kind}",
                {"canonical": target.url, "status": target.final_status},
                url=page.url,
            )


@site_check(
    code="canonical-to-redirect",
    family="indexability",
    severity=Severity.WARNING,
    title="Canonical URL redirects",
    why="Search engines may ignore a canonical that points at a redirect.",
    fix="Point the canonical at the final URL.",
)
def canonical_to_redirect(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, target in _canonical_targets(site):
        if target.redirects and not target.broken:
            yield Hit(
                f"canonical {target.url} redirects to {target.final_url}",
                {"canonical": target.url, "final_url": target.final_url},
                url=page.url,
            )


@site_check(
    code="canonical-to-noindex",
    family="indexability",
    severity=Severity.WARNING,
    title="Canonical URL is noindex",
    why="The canonical says 'index that page instead', and that page says 'do not index me': "
    "the two signals cancel out.",
    fix="Remove the noindex from the canonical target, or point the canonical elsewhere.",
)
def canonical_to_noindex(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page, target in _canonical_targets(site):
        if target.noindex and not target.broken:
            yield Hit(f"canonical {target.url} is noindex", {"canonical": target.url}, url=page.url)


@site_check(
    code="hreflang-return-missing",
    family="international",
    severity=Severity.WARNING,
    title="hreflang alternate does not link back",
    why="Search engines ignore hreflang pairs that are not confirmed from both sides.",
    fix="List every language version on every page of the set, including the page itself.",
)
def hreflang_return_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    pages = site.by_url()
    for page in site.pages:
        missing = []
        for lang, url in page.hreflang:
            other = pages.get(url)
            if url == page.url or other is None or not other.html or other.broken:
                continue
            if page.url not in {u for _lang, u in other.hreflang}:
                missing.append({"hreflang": lang, "url": url})
        if missing:
            yield Hit(
                f"{len(missing)} alternate(s) do not link back: "
                + ", ".join(m["url"] for m in missing[:_LISTED]),
                {"alternates": missing[:_EXAMPLES]},
                url=page.url,
            )


@site_check(
    code="orphan-page",
    family="sitemaps",
    severity=Severity.WARNING,
    title="Sitemap URL that no page links to",
    why="Pages reachable only through the sitemap get no link value and look unimportant.",
    fix="Link to the page from a relevant page or navigation, or drop it from the sitemap.",
)
def orphan_page(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        orphan = page.found_via == "sitemap" and page.url not in site.linked_urls
        if page.in_sitemap and orphan and page.html and not page.broken:
            yield Hit("in the sitemap, but no crawled page links to it", url=page.url)


@site_check(
    code="sitemap-url-error",
    family="sitemaps",
    severity=Severity.ERROR,
    title="Sitemap lists a URL that does not answer 200",
    why="A sitemap should list only live, final URLs; errors and redirects waste crawl budget and "
    "erode trust in the sitemap.",
    fix="Remove the URL from the sitemap, or list its final URL instead.",
)
def sitemap_url_error(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        if not page.in_sitemap or page.status == 200:
            continue
        if page.error_kind == "blocked_robots":
            reason = "is blocked by robots.txt"
        elif page.status is None:
            reason = f"failed ({page.error_kind})"
        elif page.redirects:
            reason = f"redirects ({page.status}) to {page.final_url}"
        else:
            reason = f"answers HTTP {page.status}"
        yield Hit(
            f"sitemap URL {reason}", {"status": page.status, "error": page.error_kind}, url=page.url
        )


@site_check(
    code="sitemap-noindex",
    family="sitemaps",
    severity=Severity.WARNING,
    title="Sitemap lists a noindex page",
    why="The sitemap asks for the page to be indexed, the page asks not to be: mixed signals.",
    fix="Remove the URL from the sitemap, or remove its noindex.",
)
def sitemap_noindex(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for page in site.pages:
        if page.in_sitemap and page.noindex and not page.broken:
            yield Hit("in the sitemap, but noindex", url=page.url)


@site_check(
    code="robots-txt-missing",
    family="sitemaps",
    severity=Severity.NOTICE,
    title="No robots.txt",
    why="Without robots.txt crawlers may fetch anything, and the file is where sitemaps are "
    "announced.",
    fix="Publish /robots.txt with at least a Sitemap: line.",
    lighthouse="robots-txt (robots.txt is valid)",
)
def robots_txt_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    if site.robots_state is RobotsState.MISSING:
        yield Hit("no robots.txt (it answered 4xx)", url=site.root_url + "robots.txt")


@site_check(
    code="sitemap-missing",
    family="sitemaps",
    severity=Severity.NOTICE,
    title="No XML sitemap found",
    why="A sitemap helps search engines find every page, especially new and deep ones.",
    fix="Publish /sitemap.xml (most CMSs and static-site generators can) and name it in robots.txt.",
)
def sitemap_missing(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    if site.sitemaps_checked and site.sitemap_urls == 0:
        yield Hit(
            "no sitemap in robots.txt or at /sitemap.xml, or it listed no URLs",
            url=site.root_url + "sitemap.xml",
        )


@site_check(
    code="slow-response",
    family="performance",
    severity=Severity.WARNING,
    title="Server responds slowly",
    why="A slow first byte delays everything after it; crawlers also fetch fewer pages per visit. "
    "Time to first byte runs from the moment the request is written to the moment the response "
    "headers arrive. A page slow during the crawl is fetched again alone after it (the slowest "
    "first, see --reprobe); only a page still slow then is reported, so the crawler's own busy "
    "moments never count against the server.",
    fix="Cache the page (CDN or server cache), or profile what the server does for this URL.",
    lighthouse="server-response-time (Reduce initial server response time)",
    thresholds=("slow_response_ms",),
)
def slow_response(site: SiteData, t: Thresholds) -> Iterator[Hit]:
    for probe in site.reprobes:
        if probe.ttfb_ms is None or probe.ttfb_ms <= t.slow_response_ms:
            continue
        download = f", then {probe.download_ms:,.0f} ms to download" if probe.download_ms else ""
        yield Hit(
            f"first byte after {probe.ttfb_ms:,.0f} ms when fetched alone "
            f"({probe.crawl_ms:,.0f} ms during the crawl; threshold {t.slow_response_ms:,} ms)"
            + download,
            {
                "ttfb_ms": round(probe.ttfb_ms),
                "crawl_ttfb_ms": round(probe.crawl_ms),
                "download_ms": None if probe.download_ms is None else round(probe.download_ms),
                "threshold": t.slow_response_ms,
            },
            url=probe.url,
        )
