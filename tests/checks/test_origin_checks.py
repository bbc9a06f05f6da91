"""origin-variant-not-redirected over SiteData built directly: what each probed variant answered."""

from __future__ import annotations

import pytest

from seolog.checks.registry import get_check
from seolog.checks.runner import judge_site
from seolog.checks.sitedata import SiteData
from seolog.checks.thresholds import Thresholds
from seolog.domain import OriginVariant, RobotsState, Severity

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

CODE = "origin-variant-not-redirected"
ROOT = "https://example.com/"


def _site(*variants: OriginVariant, canonical: str | None = "https://example.com") -> SiteData:
    return SiteData(
        root_url=ROOT,
        robots_state=RobotsState.PARSED,
        sitemaps_checked=True,
        sitemap_urls=1,
        origin_variants=variants,
        canonical_origin=canonical,
    )


def _findings(site: SiteData):
    found, judged = judge_site(site, Thresholds())
    return [f for f in found if f.code == CODE], judged[CODE]


def _redirected(url: str, to: str = ROOT, status: int = 301) -> OriginVariant:
    return OriginVariant(url, status, to, 200)


def test_variants_that_redirect_to_the_canonical_origin_pass():
    site = _site(
        _redirected("http://example.com/"),
        _redirected("https://www.example.com/", "https://example.com/welcome", 308),
        _redirected("http://www.example.com/", status=302),  # temporary, but it ends there
    )
    assert _findings(site) == ([], True)


def test_a_variant_answering_itself_is_a_warning_on_the_variant_url():
    site = _site(
        _redirected("https://www.example.com/"),
        OriginVariant("http://example.com/", 200, "http://example.com/", 200),
    )
    found, judged = _findings(site)
    assert judged
    [f] = found
    assert f.url == "http://example.com/"
    assert f.severity is Severity.WARNING
    assert f.message == (
        "http://example.com/ answers 200 itself instead of redirecting to https://example.com/"
    )
    assert f.details == {
        "variant": "http://example.com/",
        "status": 200,
        "final_url": "http://example.com/",
        "final_status": 200,
        "canonical_origin": "https://example.com",
    }


def test_a_variant_redirecting_within_itself_or_to_a_third_origin_is_named_where_it_ended():
    site = _site(
        OriginVariant("http://example.com/", 302, "http://example.com/en/", 200),
        OriginVariant("https://www.example.com/", 301, "http://www.example.com/", 200),
    )
    found, _ = _findings(site)
    assert [f.message for f in found] == [
        "http://example.com/ answers 200 itself (at http://example.com/en/) instead of "
        "redirecting to https://example.com/",
        "https://www.example.com/ redirects to http://www.example.com/ (200) instead of to "
        "https://example.com/",
    ]


def test_variants_that_do_not_answer_are_no_copy_of_the_site():
    site = _site(
        OriginVariant(
            "http://example.com/", None, "http://example.com/", None, "connection refused"
        ),
        OriginVariant(
            "https://www.example.com/", None, "https://www.example.com/", None, "[Errno -2] DNS"
        ),
        OriginVariant("http://www.example.com/", 404, "http://www.example.com/", 404),
        OriginVariant("http://example.com/", 301, "http://example.com/gone", 410),
        OriginVariant("http://example.com/", 301, "http://example.com/", None, "redirect loop"),
    )
    assert _findings(site) == ([], True)


def test_a_variant_that_answers_with_a_body_error_still_answers():
    """A 200 whose body was too large or too slow served the site all the same."""
    variant = OriginVariant("http://example.com/", 200, "http://example.com/", 200, "too large")
    assert [f.url for f in _findings(_site(variant))[0]] == ["http://example.com/"]


def test_origins_compare_without_default_ports_or_case():
    site = _site(
        _redirected("http://example.com/", "HTTPS://Example.COM:443/"),
        canonical="https://example.com:443/",
    )
    assert _findings(site) == ([], True)


def test_the_root_url_stands_in_for_an_unknown_canonical_origin():
    site = _site(
        OriginVariant("http://example.com/", 200, "http://example.com/", 200), canonical=None
    )
    [f] = _findings(site)[0]
    assert f.details["canonical_origin"] == "https://example.com"


def test_no_variants_probed_is_not_applicable():
    assert _findings(_site()) == ([], False)


def test_the_check_is_documented_and_dated():
    spec = get_check(CODE)
    assert spec is not None
    assert (spec.family, spec.scope, spec.severity, spec.since) == (
        "http",
        "site",
        Severity.WARNING,
        "0.2.0",
    )
    assert "301" in spec.fix and "www." in spec.why
    assert "Folder scans" in spec.explain()
