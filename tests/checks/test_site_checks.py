"""Site checks as pure functions over SiteData: the rules the end-to-end crawl does not cover."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seolog.checks.runner import run_site_checks
from seolog.checks.sitedata import LinkToTrouble, SiteData, SitePage
from seolog.checks.thresholds import Thresholds
from seolog.domain import NotFoundProbe, Reprobe, RobotsProblem, RobotsState

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


def test_robots_txt_invalid_is_one_finding_listing_five_lines_with_all_in_details():
    problems = tuple(
        RobotsProblem(i, f"Disalow: /private-{i}/", "unknown directive") for i in range(2, 9)
    )
    site = _site(_page(1, ""), robots_problems=problems, robots_problem_count=7)
    (finding,) = run_site_checks(site, Thresholds())
    assert (finding.code, finding.url, finding.severity) == (
        "robots-txt-invalid", ROOT + "robots.txt", "warning",
    )  # fmt: skip
    assert finding.message == (
        "robots.txt has 7 errors: line 2 'Disalow: /private-2/': unknown directive; "
        + "; ".join(f"line {i} 'Disalow: /private-{i}/': unknown directive" for i in range(3, 7))
        + "; and 2 more"
    )
    assert finding.details["count"] == 7
    assert [e["line"] for e in finding.details["errors"]] == list(range(2, 9))
    one = _site(_page(1, ""), robots_problems=problems[:1], robots_problem_count=1)
    assert [f.message for f in run_site_checks(one, Thresholds())] == [
        "robots.txt has 1 error: line 2 'Disalow: /private-2/': unknown directive"
    ]


def test_robots_txt_invalid_applies_only_to_a_robots_txt_that_was_read():
    from seolog.checks.runner import judge_site

    for state, applies in [
        (RobotsState.PARSED, True),
        (RobotsState.MISSING, False),
        (RobotsState.UNREACHABLE, False),
        (RobotsState.IGNORED, False),
        (None, False),
    ]:
        _findings, applied = judge_site(_site(_page(1, ""), robots_state=state), Thresholds())
        assert applied["robots-txt-invalid"] is applies, state


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
    # a sitemap of another host (production URLs in a staging build): says nothing about this one
    elsewhere = replace(listed, in_sitemap=False)
    assert _found(_site(elsewhere, unlisted, sitemap_urls=40)) == set()


def test_near_duplicates_by_fingerprint_distance_not_exact_copies():
    base = 0x5A5A_F0F0_1234_ABCD
    a = _page(1, "red", simhash=base)
    b = _page(2, "blue", simhash=base ^ 0b101)  # 2 bits apart: 97%
    c = _page(3, "other", simhash=base ^ 0xFFFF_0000_FFFF)  # far away
    d = _page(4, "copy", simhash=base, content_hash="hash-red")  # exact copy of red
    hidden = _page(5, "print", simhash=base, indexable=False, in_sitemap=False)
    found = {
        f.url.removeprefix(ROOT): f
        for f in run_site_checks(_site(a, b, c, d, hidden), Thresholds())
        if f.code == "content-near-duplicate"
    }
    assert set(found) == {"red", "blue", "copy"}
    assert found["blue"].details["others"] == [
        {"url": ROOT + "copy", "similarity": 97},
        {"url": ROOT + "red", "similarity": 97},
    ]
    assert (
        found["red"].message == "main content 97% like 1 other page(s): https://shop.example/blue"
    )
    strict = Thresholds(near_duplicate_percent=100)
    assert not [
        f for f in run_site_checks(_site(a, b), strict) if f.code == "content-near-duplicate"
    ]
    # a signed fingerprint (the database's BIGINT) compares like its unsigned bits
    neg = _page(6, "neg", simhash=-1)
    neg2 = _page(7, "neg2", simhash=-2)
    assert {u for c, u in _found(_site(neg, neg2)) if c == "content-near-duplicate"} == {
        "neg",
        "neg2",
    }


def test_soft_404_by_phrase_by_the_error_page_and_by_the_probe():
    says = _page(1, "discontinued", soft_404="Page not found")
    looks = _page(2, "search?q=x", content_hash="the-404-page")
    real_404 = _page(
        3,
        "gone",
        status=404,
        final_status=404,
        content_hash="the-404-page",
        word_count=12,
        indexable=False,
        in_sitemap=False,
    )
    fine = _page(4, "")
    probe = NotFoundProbe(ROOT + "seolog-404-check-1", 404, ROOT + "seolog-404-check-1", "x")
    site = _site(says, looks, real_404, fine, not_found_probe=probe)
    found = {
        (f.url.removeprefix(ROOT), f.message)
        for f in run_site_checks(site, Thresholds())
        if f.code == "soft-404"
    }
    assert found == {
        ("discontinued", "answers 200 but says 'Page not found'"),
        ("search?q=x", "answers 200 with the same content as the site's 404 page"),
    }
    # no broken link crawled: the probe's real 404 page is the reference
    probe404 = NotFoundProbe(probe.url, 404, probe.url, "the-404-page", words=12)
    assert {(c, u) for c, u in _found(_site(looks, fine, not_found_probe=probe404))} == {
        ("soft-404", "search?q=x")
    }
    # a URL that cannot exist answers 200 (here after a redirect home): the site's problem
    soft = NotFoundProbe(probe.url, 200, ROOT, "hash-")
    [f] = [
        f
        for f in run_site_checks(_site(fine, not_found_probe=soft), Thresholds())
        if f.code == "soft-404"
    ]
    assert f.url == probe.url
    assert f.message.startswith(
        "a URL that cannot exist answered 200 (after a redirect to https://shop.example/)"
    )
    assert _found(_site(fine, not_found_probe=probe)) == set()  # a real 404: healthy
    # an empty error page is no reference: image-only pages (no words either) are not 404 pages
    empty = NotFoundProbe(probe.url, 404, probe.url, "hash-of-nothing", words=0)
    gallery = _page(5, "gallery", content_hash="hash-of-nothing", word_count=0)
    assert _found(_site(gallery, not_found_probe=empty)) == set()
    blank_404 = _page(
        6, "old", status=404, final_status=404, content_hash="hash-of-nothing", word_count=0,
        indexable=False, in_sitemap=False,
    )  # fmt: skip
    assert _found(_site(gallery, blank_404)) == set()


def test_a_sitemap_read_in_part_does_not_judge_completeness():
    """A child sitemap that failed (posts.xml answered 500) leaves its pages unlisted: calling
    them missing would blame the site for what seolog could not read."""
    posts = [_page(i, f"posts/{i}", in_sitemap=False) for i in range(2, 6)]
    site = _site(_page(1, ""), *posts, sitemaps_complete=False)
    assert _found(site) == set()
    assert {c for c, _u in _found(replace(site, sitemaps_complete=True))} == {
        "sitemap-page-missing"
    }


def test_near_duplicates_skip_language_versions_and_count_big_clusters_exactly():
    base = 0x1234_5678_9ABC_DEF0
    us = _page(
        1, "en-us/", simhash=base, hreflang=(("en-US", ROOT + "en-us/"), ("en-GB", ROOT + "en-gb/"))
    )
    gb = _page(
        2,
        "en-gb/",
        simhash=base ^ 1,
        hreflang=(("en-US", ROOT + "en-us/"), ("en-GB", ROOT + "en-gb/")),
    )
    assert _found(_site(us, gb)) == set()  # en-US and en-GB read alike on purpose
    # 300 faceted pages with the same main content fingerprint; 40 of them exact copies of one.
    facets = [_page(i, f"shop?colour={i}", simhash=base) for i in range(10, 310)]
    facets += [
        _page(i, f"shop?size={i}", simhash=base, content_hash="same") for i in range(310, 350)
    ]
    found = {
        f.url: f
        for f in run_site_checks(_site(*facets), Thresholds())
        if f.code == "content-near-duplicate"
    }
    assert len(found) == 340
    first = found[ROOT + "shop?colour=10"]
    assert first.details["count"] == 339 and len(first.details["others"]) == 20
    copy = found[ROOT + "shop?size=310"]
    assert copy.details["count"] == 300  # its 39 exact copies are content-duplicate's
