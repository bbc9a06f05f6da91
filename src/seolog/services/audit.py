"""The site half of the audit, run once the crawl is complete: site checks over the stored pages,
then page and site scores. (Page checks already ran in the page worker as pages were parsed.)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from seolog.checks.compact import LOOKUP_CHUNK, chunked
from seolog.checks.facts import parse_directives, says_noindex
from seolog.checks.rules import AuditRules
from seolog.checks.runner import judge_site_checks, page_check_codes, site_check_codes
from seolog.checks.sitedata import (
    CheckedResource,
    LinkToTrouble,
    ResourceUse,
    SiteData,
    SitePage,
)
from seolog.checks.thresholds import Thresholds
from seolog.config import CrawlSettings
from seolog.context import AppContext
from seolog.crawl.stats import CrawlStats
from seolog.domain import Severity
from seolog.scoring import page_score, site_score
from seolog.storage import audit as store
from seolog.storage import repo
from seolog.storage.db import session_scope
from seolog.urls import origin_of, root_url


def _site_page(row: Any) -> SitePage:
    return SitePage(
        id=row.id,
        url=row.url,
        final_url=row.final_url,
        status=row.status_code,
        final_status=row.final_status_code,
        error_kind=row.error_kind,
        html=row.word_count is not None,
        indexable=bool(row.indexable),
        noindex=says_noindex(parse_directives(row.meta_robots, row.x_robots_tag)),
        in_sitemap=bool(row.in_sitemap),
        found_via=row.found_via,
        title=row.title,
        meta_description=row.meta_description,
        content_hash=row.content_hash,
        canonical=row.canonical,
        # Once each: the HTML and the sitemap often state the same alternate.
        hreflang=tuple(
            dict.fromkeys((h.get("lang", ""), h.get("url", "")) for h in row.hreflang or ())
        ),
        word_count=row.word_count,
        simhash=row.simhash,
        soft_404=row.soft_404,
    )


# Page rows read at a time (~2 KiB each as the checks see them); a scan of at most this many
# pages is read once and held, as one pass is quicker than the several a stream costs.
PAGE_CHUNK = 10_000


class StoredPages:
    """The scan's pages as site checks see them, read from the store in chunks on each pass
    (a `PageSource`): a million-page scan is never held in memory whole. `chunk` is how many
    rows are fetched at a time."""

    def __init__(self, session: Any, scan_id: int, chunk: int = PAGE_CHUNK) -> None:
        self.session, self.scan_id, self.chunk = session, scan_id, chunk

    def __iter__(self) -> Iterator[SitePage]:
        for row in store.page_rows(self.session, self.scan_id, self.chunk):
            yield _site_page(row)

    def lookup(self, urls: Iterable[str]) -> dict[str, SitePage]:
        found: dict[str, SitePage] = {}
        for batch in chunked(dict.fromkeys(urls), LOOKUP_CHUNK):
            for row in store.pages_by_url(self.session, self.scan_id, batch):
                found[row.url] = _site_page(row)
        return found


def _pages(session: Any, scan_id: int, chunk: int) -> Iterable[SitePage]:
    """The scan's pages for the checks: a list when they fit in one chunk, else a stream."""
    stored = StoredPages(session, scan_id, chunk)
    if store.page_count(session, scan_id) <= chunk:
        return list(stored)
    return stored


def _site_data(session: Any, scan_id: int, stats: CrawlStats, chunk: int) -> SiteData:
    scan = repo.scan_by_id(session, scan_id)
    assert scan is not None
    settings = CrawlSettings.from_stored(scan.settings or {})
    troubled = {r.url: _site_page(r) for r in store.troubled_page_rows(session, scan_id)}
    links = [
        LinkToTrouble(source, troubled[target])
        for source, target in store.links_into(session, scan_id, troubled)
    ]
    sitemap_only = store.sitemap_only_urls(session, scan_id)
    linked = {target for _source, target in store.links_into(session, scan_id, sitemap_only)}
    blocked = store.blocked_urls(session, scan_id)
    max_image = Thresholds.from_stored(settings.thresholds).max_image_kib * 1024
    uses = [
        ResourceUse(url, kind, _checked(row))
        for url, kind, row in store.troubled_resources(session, scan_id, max_image)
    ]
    return SiteData(
        root_url=root_url(scan.start_url),
        robots_state=stats.robots,
        sitemaps_checked=settings.sitemaps,
        sitemap_urls=stats.sitemap_urls,
        pages=_pages(session, scan_id, chunk),
        troubled_links=links,
        linked_urls=linked,
        reprobes=tuple(stats.reprobes),
        not_found_probe=stats.not_found_probe,
        sitemaps_complete=stats.sitemaps_complete,
        sitemaps_unread=tuple((url, reason) for url, reason in stats.sitemaps_unread),
        slow_pages=stats.slow_pages,
        robots_problems=tuple(stats.robots_problems),
        robots_problem_count=stats.robots_problem_count,
        origin_variants=tuple(stats.origin_variants),
        canonical_origin=origin_of(stats.origin or scan.start_url),
        resource_uses=uses,
        resources_checked=settings.external and scan.stats is not None,
        resources_offline=stats.resources_offline,
        external_checked=store.external_checked(session, scan_id),
        links_to_disallowed=store.links_into(session, scan_id, blocked),
    )


def _checked(row: Any) -> CheckedResource:
    return CheckedResource(
        url=row.url,
        external=row.external,
        status=row.status_code,
        final_url=row.final_url,
        final_status=row.final_status_code,
        content_type=row.content_type,
        size=row.size_bytes,
        error_kind=row.error_kind,
        error=row.error_message,
    )


def audit_scan(
    ctx: AppContext,
    scan_id: int,
    settings: CrawlSettings,
    stats: CrawlStats,
    chunk: int = PAGE_CHUNK,
) -> int | None:
    """Run the site checks and score the scan; returns the site score. The crawl's statistics
    come typed from the crawl that just ended (robots.txt state, sitemap URLs), not re-read.
    Pages are read `chunk` at a time, for the checks and for the scores alike."""
    thresholds = Thresholds.from_stored(settings.thresholds)
    rules = AuditRules.from_stored(settings.audit_rules, folder=bool(settings.folder))
    with session_scope(ctx.engine) as session:
        store.mark_in_sitemap(session, scan_id, stats.listed_early)
        store.add_sitemap_hreflang(session, scan_id, stats.early_hreflang)
        site = _site_data(session, scan_id, stats, chunk)
        # Site findings of an earlier audit of this scan (before a resume) are replaced; each
        # check's findings are stored before the next check runs.
        store.delete_site_findings(session, scan_id, site_check_codes())
        applied: dict[str, bool] = {}
        for code, ran, findings in judge_site_checks(site, thresholds, rules):
            applied[code] = ran
            page_ids = store.page_ids(session, scan_id, (f.url for f in findings))
            store.add_site_findings(session, scan_id, findings, page_ids)
        store.save_coverage(session, scan_id, page_check_codes(rules), applied)
        del site
        return _score(session, scan_id, chunk)


def _score(session: Any, scan_id: int, chunk: int) -> int | None:
    """Score each HTML page and each page with a finding, then the site, a chunk of pages at
    a time: only the scores themselves (small ints) are kept for the site's mean."""
    site_wide: dict[str, Severity] = {}
    for code, severity in store.site_finding_codes(session, scan_id):
        site_wide[code] = Severity(severity)
    scores: list[int] = []
    store.clear_scores(session, scan_id)
    for batch in store.scored_pages(session, scan_id, chunk):
        page_scores = {
            pid: page_score((code, Severity(sev)) for code, sev in found)
            for pid, found in batch.items()
        }
        store.save_page_scores(session, page_scores)
        scores += page_scores.values()
    score = site_score(scores, site_wide.items())
    store.save_site_score(session, scan_id, score)
    return score
