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
        "in_sitemap": True,  # a complete sitemap: the healthy case
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
    hidden = _page(3, "c", title="Garden spades", indexable=False, noindex=True, in_sitemap=False)
    assert _found(_site(a, b, hidden)) == {
        ("title-duplicate", "a"),
        ("title-duplicate", "b"),
        ("content-duplicate", "a"),
        ("content-duplicate", "b"),
    }


def test_canonical_pointing_at_a_redirect_or_a_noindex_page():
    unlisted = {"in_sitemap": False, "indexable": False}
    redirecting = _page(2, "old", status=301, final_status=200, final_url=ROOT + "new", **unlisted)
    noindexed = _page(3, "hidden", noindex=True, **unlisted)
    a = _page(1, "a", canonical=ROOT + "old", **unlisted)
    b = _page(4, "b", canonical=ROOT + "hidden", **unlisted)
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


def test_canonical_chains_are_reported_at_their_start():
    a = _page(1, "a", canonical=ROOT + "b", indexable=False, in_sitemap=False)
    b = _page(2, "b", canonical=ROOT + "c", indexable=False, in_sitemap=False)
    c = _page(3, "c", canonical=ROOT + "c")
    found = [
        f for f in run_site_checks(_site(a, b, c), Thresholds()) if f.code == "canonical-chain"
    ]
    assert [(f.url, f.details["chain"]) for f in found] == [(ROOT + "a", [ROOT + "b", ROOT + "c"])]
    assert "canonical https://shop.example/b has its own canonical" in found[0].message
    # b pointing at c, and c at itself, is the healthy end of it: nothing
    assert (
        _found(_site(replace(a, canonical=ROOT + "c"), replace(b, canonical=ROOT + "c"), c))
        == set()
    )
    # a loop a -> b -> a ends, once per page
    loop = _site(a, replace(b, canonical=ROOT + "a"))
    assert {code for code, _ in _found(loop)} == {"canonical-chain"}


def test_hreflang_alternates_that_fail_are_noindex_or_not_canonical():
    def langs(*paths: str) -> tuple[tuple[str, str], ...]:
        return tuple((p, ROOT + p) for p in paths)

    members = ("en", "de", "fr", "nl", "es")
    en = _page(1, "en", hreflang=langs(*members))
    de = _page(2, "de", hreflang=langs(*members), status=404, final_status=404, in_sitemap=False)
    fr = _page(3, "fr", hreflang=langs(*members), noindex=True, indexable=False, in_sitemap=False)
    nl = _page(4, "nl", hreflang=langs(*members), canonical=ROOT + "en", indexable=False)
    nl = replace(nl, in_sitemap=False)
    es = _page(
        5, "es", hreflang=langs(*members), status=301, final_url=ROOT + "es/", in_sitemap=False
    )
    found = {
        f.code: f
        for f in run_site_checks(_site(en, de, fr, nl, es), Thresholds())
        if f.url == en.url
    }
    assert set(found) == {"hreflang-to-error", "hreflang-to-noindex", "hreflang-to-non-canonical"}
    assert [a["url"] for a in found["hreflang-to-error"].details["alternates"]] == [de.url, es.url]
    assert "https://shop.example/de (404)" in found["hreflang-to-error"].message
    assert found["hreflang-to-noindex"].details["alternates"][0]["url"] == fr.url
    assert found["hreflang-to-non-canonical"].details["alternates"] == [
        {"hreflang": "nl", "url": nl.url, "problem": "canonical is https://shop.example/en"}
    ]
    healthy = [
        replace(
            p,
            status=200,
            final_status=200,
            final_url=p.url,
            noindex=False,
            canonical=None,
            indexable=True,
            in_sitemap=True,
        )
        for p in (en, de, fr, nl, es)
    ]
    assert _found(_site(*healthy)) == set()


def test_sitemap_completeness_missing_pages_and_non_canonical_entries():
    listed = _page(1, "")
    unlisted = _page(2, "guide", in_sitemap=False)
    copy = _page(3, "guide?print=1", canonical=ROOT + "guide", indexable=False)
    hidden = _page(4, "drafts", in_sitemap=False, noindex=True, indexable=False)
    assert _found(_site(listed, unlisted, copy, hidden)) == {
        ("sitemap-page-missing", "guide"),
        ("sitemap-non-canonical", "guide?print=1"),
    }
    # no sitemap at all (or --no-sitemaps): missing from it proves nothing, sitemap-missing says it
    assert ("sitemap-page-missing", "guide") not in _found(_site(listed, unlisted, sitemap_urls=0))
    assert _found(_site(listed, unlisted, sitemaps_checked=False, sitemap_urls=0)) == set()
