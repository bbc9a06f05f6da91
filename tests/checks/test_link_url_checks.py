"""The link-attribute, meta-refresh, temporary-redirect, URL-hygiene and mixed-content checks
(issue 15): each fires alone on a small page with its one defect and stays quiet on the healthy
page and its near misses."""

from __future__ import annotations

import pytest

from seolog.checks.registry import get_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import RedirectHop, Severity
from tests.checks.pages import BODY, HEAD, URL, codes, findings, html, page

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

NEW_CODES = (
    "link-nofollow-internal",
    "page-nofollow",
    "link-href-unusable",
    "link-name-missing",
    "link-fragment-missing",
    "meta-refresh",
    "redirect-temporary",
    "url-too-long",
    "url-uppercase",
    "url-many-parameters",
    "url-unencoded",
)


def with_body(extra: str) -> str:
    return html(body=BODY + extra)


def at(url: str, markup: str | None = None) -> set[str]:
    """The codes of the healthy page served at another URL (its canonical says so too)."""
    head = HEAD.replace(f'href="{URL}"', f'href="{url}"')
    return codes(page(markup or html(head=head), url=url))


def test_the_healthy_page_has_none_of_them():
    assert codes(page()) == set()
    for code in NEW_CODES:
        spec = get_check(code)
        assert spec is not None and spec.since == "0.2.0", code


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ('<a href="/products/rake.html" rel="nofollow">Garden rake</a>', "link-nofollow-internal"),
        ('<a href="javascript:void(0)">Size chart</a>', "link-href-unusable"),
        ('<a onclick="openChart()">Size chart</a>', "link-href-unusable"),
        ('<a href="#" onclick="openChart()">Size chart</a>', "link-href-unusable"),
        ('<a href="/cart"><span class="icon-cart"></span></a>', "link-name-missing"),
        ('<a href="/"><img src="/img/logo.png" alt=""></a>', "link-name-missing"),
        ('<a href="#care">Caring for the blade</a>', "link-fragment-missing"),
        ('<img src="/img/spade in soil.jpg" alt="The spade in soil">', "url-unencoded"),
        ('<a href="/products/spaten-für-lehm.html">Spaten</a>', "url-unencoded"),
    ],
)
def test_body_defects(extra: str, code: str):
    assert codes(page(with_body(extra))) == {code}


@pytest.mark.parametrize(
    "extra",
    [
        '<a href="https://forum.example/" rel="nofollow ugc">Forum thread</a>',  # not internal
        '<a href="/products/rake.html" rel="sponsored">Garden rake</a>',
        '<a href="#">Back to the top</a><a href="#top">Top</a><a href="">This page</a>',
        '<a href="#" role="button" onclick="openChart()">Size chart</a>',
        '<a href="/cart" aria-label="Shopping cart"><span class="icon-cart"></span></a>',
        '<a href="/cart" title="Shopping cart"><svg></svg></a>',
        '<a href="/"><img src="/img/logo.png" alt="Acme home"></a>',
        '<h3 id="care">Care</h3><a href="#care">Caring for the blade</a>',
        '<a name="care"></a><a href="spade.html#care">Caring for the blade</a>',
        '<a href="/products/fork.html#handles">Fork handles</a>',  # another page's fragment
        '<img src="/img/spade%20in%20soil.jpg" alt="The spade in soil">',
        '<a href="https://bücher.example/spaten">Spaten</a>',  # an IDN host, not a path
        '<a href="mailto:shop@shop.example">Write to us</a>',
    ],
)
def test_near_misses_are_fine(extra: str):
    assert codes(page(with_body(extra))) == set()


def test_findings_say_what_and_where():
    body = (
        '<a href="/products/rake.html" rel="nofollow">Garden rake</a>'
        '<a href="javascript:void(0)">Size chart</a><a href="" onclick="go()">Reload</a>'
        '<a href="/cart"></a><a href="#care">Care</a><a href="#handles">Handles</a>'
    )
    p = page(with_body(body))
    (nofollow,) = findings(p, "link-nofollow-internal")
    assert nofollow.severity is Severity.NOTICE
    assert nofollow.details["links"] == [
        {"url": "https://shop.example/products/rake.html", "text": "Garden rake"}
    ]
    (unusable,) = findings(p, "link-href-unusable")
    assert unusable.severity is Severity.WARNING and unusable.details["count"] == 2
    assert "javascript:" in unusable.message and 'href="" with onclick' in unusable.message
    assert unusable.details["links"][0] == {"href": "javascript:void(0)", "why": "javascript"}
    (unnamed,) = findings(p, "link-name-missing")
    assert unnamed.details == {"count": 1, "links": ["/cart"]}
    (fragments,) = findings(p, "link-fragment-missing")
    assert fragments.details == {"count": 2, "fragments": ["#care", "#handles"]}
    assert "'#care', '#handles'" in fragments.message


@pytest.mark.parametrize(
    ("robots", "headers", "expected"),
    [
        ('<meta name="robots" content="index, nofollow">', {}, {"page-nofollow"}),
        ('<meta name="googlebot" content="nofollow">', {}, {"page-nofollow"}),
        ("", {"x-robots-tag": "nofollow"}, {"page-nofollow"}),
        # noindex says it already: "noindex, nofollow" and "none" hide a page on purpose.
        ('<meta name="robots" content="noindex, nofollow">', {}, {"noindex"}),
        ('<meta name="robots" content="none">', {}, {"noindex"}),
        ('<meta name="robots" content="index, follow">', {}, set()),
    ],
)
def test_page_nofollow(robots: str, headers: dict[str, str], expected: set[str]):
    headers = {"strict-transport-security": "max-age=31536000", **headers}
    p = page(html(head=HEAD + robots), headers=headers)
    assert codes(p) == expected
    if expected == {"page-nofollow"}:
        (f,) = findings(p, "page-nofollow")
        assert "nofollow" in f.message and "pass nothing" in f.message


@pytest.mark.parametrize(
    ("content", "message", "target"),
    [
        (
            "5; url=/products/new-spade.html",
            "after 5 s",
            "https://shop.example/products/new-spade.html",
        ),
        ("0; url=https://other.example/", "at once", "https://other.example/"),
        ("300", "reloads itself every 300 s", None),
        (f"60; url={URL}", "reloads itself every 60 s", None),
    ],
)
def test_meta_refresh(content: str, message: str, target: str | None):
    p = page(html(head=HEAD + f'<meta http-equiv="refresh" content="{content}">'))
    assert codes(p) == {"meta-refresh"}
    (f,) = findings(p, "meta-refresh")
    assert message in f.message and f.severity is Severity.WARNING
    assert f.details["target"] == target
    if target:
        assert target in f.message


def test_meta_refresh_browsers_ignore_is_no_finding():
    assert codes(page(html(head=HEAD + '<meta http-equiv="refresh" content="soon">'))) == set()


def redirect(status: int, target: str, url: str = "https://shop.example/old-spade") -> set[str]:
    return codes(
        page(url=url, status=status, hops=(RedirectHop(url, status, target),), final_url=target)
    )


@pytest.mark.parametrize("status", [302, 303, 307])
def test_internal_temporary_redirects(status: int):
    assert redirect(status, URL) == {"redirect-temporary"}
    assert redirect(status, URL.replace("shop.example", "www.shop.example")) == {
        "redirect-temporary"
    }
    hop = RedirectHop("https://shop.example/old-spade", status, URL)
    (f,) = findings(
        page(url=hop.url, status=status, hops=(hop,), final_url=URL), "redirect-temporary"
    )
    assert f.details == {"status": status, "target": URL} and str(status) in f.message


def test_permanent_and_external_redirects_are_fine():
    assert redirect(301, URL) == set()
    assert redirect(308, URL) == set()
    assert redirect(302, "https://partner.example/offer") == set()


def test_only_the_first_hop_counts():
    hops = (
        RedirectHop("http://shop.example/old", 301, "https://shop.example/old"),
        RedirectHop("https://shop.example/old", 302, URL),
    )
    p = page(url="http://shop.example/old", hops=hops, final_url=URL)
    assert "redirect-temporary" not in codes(p)


def test_url_too_long_against_its_threshold():
    long_url = "https://shop.example/products/" + "forged-steel-garden-spade-" * 4 + "ash.html"
    assert len(long_url) > 115
    assert at(long_url) == {"url-too-long"}
    (f,) = findings(page(html(head=HEAD.replace(URL, long_url)), url=long_url), "url-too-long")
    assert f.details == {"length": len(long_url), "max": 115}
    assert (
        codes(
            page(html(head=HEAD.replace(URL, long_url)), url=long_url),
            Thresholds(max_url_length=200),
        )
        == set()
    )


def test_url_uppercase_in_the_path_only():
    assert at("https://shop.example/Products/Spade.html") == {"url-uppercase"}
    assert at("https://shop.example/products/spade.html?Colour=Red") == set()
    assert at("https://shop.example/products/sp%C3%A4de.html") == set()  # escapes are upper case


def test_url_many_parameters_against_its_threshold():
    url = URL + "?colour=red&size=4&sort=price&utm_source=mail"
    assert at(url) == {"url-many-parameters"}
    head = HEAD.replace(f'href="{URL}"', f'href="{url}"')
    (f,) = findings(page(html(head=head), url=url), "url-many-parameters")
    assert f.details == {
        "count": 4,
        "max": 3,
        "parameters": ["colour", "size", "sort", "utm_source"],
    }
    assert codes(page(html(head=head), url=url), Thresholds(max_url_parameters=4)) == set()
    assert at(URL + "?colour=red&size=4&sort=price") == set()


def test_url_checks_judge_only_pages_that_answer_200_at_their_own_url():
    long_url = "https://shop.example/Products/" + "x" * 120 + "?a=1&b=2&c=3&d=4"
    assert codes(page(url=long_url, status=404)) == {"http-4xx"}
    hop = RedirectHop(long_url, 301, URL)
    assert codes(page(url=long_url, status=301, hops=(hop,), final_url=URL)) == set()


def test_url_unencoded_lists_the_urls_as_written():
    body = '<img src="/img/spade in soil.jpg" alt="x"><a href="/größen.html">Größen</a>'
    (f,) = findings(page(with_body(body)), "url-unencoded")
    assert f.details["count"] == 2
    assert sorted(f.details["urls"]) == ["/größen.html", "/img/spade in soil.jpg"]
    assert f.severity is Severity.NOTICE


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ('<img src="http://cdn.example/spade.jpg" alt="x">', "image"),
        ('<script src="http://cdn.example/app.js"></script>', "script"),
        ('<link rel="stylesheet" href="http://cdn.example/site.css">', "stylesheet"),
        ('<iframe src="http://video.example/embed/1"></iframe>', "iframe"),
        ('<video src="http://cdn.example/demo.mp4"></video>', "media"),
        (
            '<picture><source srcset="http://cdn.example/s.webp"><img src="/s.jpg" alt="x"></picture>',
            "image",
        ),
    ],
)
def test_mixed_content_on_every_resource(extra: str, kind: str):
    p = page(with_body(extra))
    assert codes(p) == {"mixed-content"}
    (f,) = findings(p, "mixed-content")
    (resource,) = f.details["resources"]
    assert resource["kind"] == kind and resource["url"].startswith("http://")
    assert f.details["count"] == 1
    assert f.details["images"] == ([resource["url"]] if kind == "image" else [])
    assert f"1 {kind}" in f.message


def test_mixed_content_not_for_links_nor_on_http_pages():
    assert codes(page(with_body('<a href="http://partner.example/">Partner shop</a>'))) == set()
    http_url = URL.replace("https://", "http://")
    markup = html(
        head=HEAD.replace(URL, http_url),
        body=BODY + '<script src="http://cdn.example/a.js"></script>',
    )
    assert "mixed-content" not in codes(page(markup, url=http_url, headers={}))


def test_the_new_checks_explain_themselves():
    for code in (*NEW_CODES, "mixed-content"):
        spec = get_check(code)
        assert spec is not None
        text = spec.explain()
        assert "Why it matters" in text and "How to fix" in text
    assert get_check("mixed-content").title == "HTTPS page loads resources over HTTP"  # type: ignore[union-attr]
    assert get_check("url-too-long").thresholds == ("max_url_length",)  # type: ignore[union-attr]
    assert get_check("url-many-parameters").thresholds == ("max_url_parameters",)  # type: ignore[union-attr]
