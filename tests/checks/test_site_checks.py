"""Site checks as pure functions over SiteData: the rules the end-to-end crawl does not cover."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seolog.checks.runner import run_site_checks
from seolog.checks.sitedata import LinkToTrouble, SiteData, SitePage
from seolog.checks.thresholds import Thresholds
from seolog.domain import Reprobe, RobotsState

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

ROOT = "https://shop.example/"


def _page(i: int, path: str, **kw) -> SitePage:
    base = {
        "id": i,
        "url": ROOT + path,
        "final_url": ROOT + path,
        "status": 200,
        "final_status": 200,
        "error_kind": None,
        "html": True,
        "indexable": True,
        "noindex": False,
        "in_sitemap": False,
        "found_via": "link",
        "title": f"Title {path}",
        "meta_description": f"Description of {path}",
        "content_hash": f"hash-{path}",
    }
    return SitePage(**{**base, **kw})


def _site(*pages: SitePage, **kw) -> SiteData:
    base = {
        "root_url": ROOT,
        "robots_state": RobotsState.PARSED,
        "sitemaps_checked": True,
        "sitemap_urls": 3,
    }
    return SiteData(**{**base, **kw}, pages=list(pages))


def _found(site: SiteData) -> set[tuple[str, str]]:
    return {(f.code, f.url.removeprefix(ROOT)) for f in run_site_checks(site, Thresholds())}


def test_a_clean_site_has_no_site_findings():
    assert _found(_site(_page(1, ""), _page(2, "a"), _page(3, "b"))) == set()


def test_duplicates_compare_indexable_pages_only_and_ignore_case_and_spacing():
    a = _page(1, "a", title="Garden  Spades", content_hash="same")
    b = _page(2, "b", title="garden spades", content_hash="same")
    hidden = _page(3, "c", title="Garden spades", indexable=False, noindex=True)
    assert _found(_site(a, b, hidden)) == {
        ("title-duplicate", "a"),
        ("title-duplicate", "b"),
        ("content-duplicate", "a"),
        ("content-duplicate", "b"),
    }


def test_canonical_pointing_at_a_redirect_or_a_noindex_page():
    redirecting = _page(2, "old", status=301, final_status=200, final_url=ROOT + "new")
    noindexed = _page(3, "hidden", noindex=True, indexable=False)
    a = _page(1, "a", canonical=ROOT + "old")
    b = _page(4, "b", canonical=ROOT + "hidden")
    assert _found(_site(a, b, redirecting, noindexed)) == {
        ("canonical-to-redirect", "a"),
        ("canonical-to-noindex", "b"),
    }


def test_hreflang_alternates_must_link_back():
    en = _page(1, "en", hreflang=(("en", ROOT + "en"), ("de", ROOT + "de")))
    de = _page(2, "de", hreflang=(("de", ROOT + "de"),))
    assert _found(_site(en, de)) == {("hreflang-return-missing", "en")}
    de_fixed = replace(de, hreflang=(("de", ROOT + "de"), ("en", ROOT + "en")))
    assert _found(_site(en, de_fixed)) == set()


def test_links_into_trouble_are_reported_once_per_source_page():
    gone = _page(2, "gone", status=404, final_status=404)
    moved = _page(3, "moved", status=301, final_url=ROOT + "a")
    blocked = _page(4, "private", status=None, final_status=None, error_kind="blocked_robots")
    links = [
        LinkToTrouble(ROOT + "a", gone),
        LinkToTrouble(ROOT + "a", gone),
        LinkToTrouble(ROOT + "a", moved),
        LinkToTrouble(ROOT + "a", blocked),
    ]
    site = _site(_page(1, "a"), gone, moved, blocked, troubled_links=links)
    findings = {f.code: f for f in run_site_checks(site, Thresholds()) if f.url == ROOT + "a"}
    assert set(findings) == {"link-broken", "link-to-redirect"}
    assert findings["link-broken"].details["count"] == 1


def test_robots_and_sitemap_missing_only_when_actually_looked_for():
    assert _found(_site(_page(1, ""), robots_state=RobotsState.MISSING, sitemap_urls=0)) == {
        ("robots-txt-missing", "robots.txt"),
        ("sitemap-missing", "sitemap.xml"),
    }
    assert _found(_site(_page(1, ""), sitemaps_checked=False, sitemap_urls=0)) == set()
    assert _found(_site(_page(1, ""), robots_state=RobotsState.IGNORED)) == set()


def test_slow_response_is_reported_only_when_the_calm_reprobe_confirms_it():
    probes = (
        Reprobe(ROOT + "a", crawl_ms=2400.0, ttfb_ms=850.0, download_ms=40.0),  # still slow
        Reprobe(ROOT + "b", crawl_ms=3100.0, ttfb_ms=12.0, download_ms=1.0),  # the crawl was busy
        Reprobe(ROOT + "c", crawl_ms=900.0, ttfb_ms=None),  # the second fetch failed: unknown
    )
    site = _site(_page(1, ""), _page(2, "a"), _page(3, "b"), _page(4, "c"), reprobes=probes)
    (finding,) = [f for f in run_site_checks(site, Thresholds()) if f.code == "slow-response"]
    assert finding.url == ROOT + "a"
    assert finding.details == {
        "ttfb_ms": 850, "crawl_ttfb_ms": 2400, "download_ms": 40, "threshold": 600,
    }  # fmt: skip
    assert "850 ms when fetched alone (2,400 ms during the crawl" in finding.message
    assert not [
        f
        for f in run_site_checks(site, Thresholds(slow_response_ms=900))
        if f.code == "slow-response"
    ]
