"""What a page loads and where its links go, as the extractor reads them from the HTML (issue 15):
the URLs the resource and external-link checks will fetch."""

from __future__ import annotations

import pytest

from seolog.domain import ResourceKind, ResourceRef
from seolog.parse.extract import extract_page, first_candidate

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

URL = "https://site.example/dir/page.html"
IMAGE, STYLE, SCRIPT = ResourceKind.IMAGE, ResourceKind.STYLESHEET, ResourceKind.SCRIPT
IFRAME, MEDIA, LINK = ResourceKind.IFRAME, ResourceKind.MEDIA, ResourceKind.LINK


def _internal(url: str) -> bool:
    return url.startswith("https://site.example/")


def resources(body: str, head: str = "", url: str = URL) -> list[tuple[str, ResourceKind]]:
    html = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    return [(r.url, r.kind) for r in extract_page(html, url, _internal).resources]


def test_every_kind_of_resource_in_document_order_absolute_and_normalised():
    head = (
        '<link rel="stylesheet" href="/css/site.css"><link rel="icon" href="/favicon.ico">'
        '<link rel="alternate stylesheet" href="HTTPS://SITE.example:443/css/./alt.css">'
        '<script src="js/app.js"></script><script>inline()</script>'
    )
    body = (
        '<img src="/img/a.jpg" alt="">'
        '<picture><source srcset="/img/b.webp 1x, /img/b2.webp 2x"><img src="/img/b.jpg"></picture>'
        '<input type="image" src="/img/go.png"><input type="text" src="/img/not-loaded.png">'
        '<iframe src="https://video.example/embed/1"></iframe>'
        '<video src="/v.mp4" poster="/v.jpg"><source src="/v.webm"><track src="/v.vtt"></video>'
        '<audio src="/a.ogg"></audio><embed src="/e.swf"><object data="/doc.pdf"></object>'
    )
    assert resources(body, head) == [
        ("https://site.example/css/site.css", STYLE),
        ("https://site.example/css/alt.css", STYLE),
        ("https://site.example/dir/js/app.js", SCRIPT),
        ("https://site.example/img/a.jpg", IMAGE),
        ("https://site.example/img/b.webp", IMAGE),
        ("https://site.example/img/b2.webp", IMAGE),
        ("https://site.example/img/b.jpg", IMAGE),
        ("https://site.example/img/go.png", IMAGE),
        ("https://video.example/embed/1", IFRAME),
        ("https://site.example/v.mp4", MEDIA),
        ("https://site.example/v.jpg", IMAGE),
        ("https://site.example/v.webm", MEDIA),
        ("https://site.example/v.vtt", MEDIA),
        ("https://site.example/a.ogg", MEDIA),
        ("https://site.example/e.swf", MEDIA),
        ("https://site.example/doc.pdf", MEDIA),
    ]


def test_frames_of_a_frameset_are_iframes():
    html = '<html><frameset><frame src="nav.html"><frame src="/main.html"></frameset></html>'
    snap = extract_page(html, URL, _internal)
    assert snap.resources == [
        ResourceRef("https://site.example/dir/nav.html", IFRAME),
        ResourceRef("https://site.example/main.html", IFRAME),
    ]


def test_external_links_are_resources_internal_ones_are_crawled_instead():
    body = (
        '<a href="/dir/other.html">internal</a>'
        '<a href="https://elsewhere.example/a">one</a>'
        '<a href="https://elsewhere.example/a#part">the same target again</a>'
        '<map><area href="http://maps.example/" alt="Map"></map>'
        '<a href="//cdn.example/file.zip">protocol-relative</a>'
    )
    assert resources(body) == [
        ("https://elsewhere.example/a", LINK),
        ("http://maps.example/", LINK),
        ("https://cdn.example/file.zip", LINK),
    ]


def test_what_is_never_a_resource():
    body = (
        '<a href="mailto:a@site.example">mail</a><a href="tel:+3112345">call</a>'
        '<a href="javascript:void(0)">js</a><a href="#top">top</a><a href="ftp://f.example/x">ftp</a>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">'
        '<img src="blob:https://site.example/1234" alt="">'
        '<iframe src="about:blank"></iframe><iframe></iframe><script></script>'
        '<video src=""></video><link rel="stylesheet">'
    )
    assert resources(body) == []


def test_once_per_url_and_kind():
    body = (
        '<img src="/logo.png" alt=""><img src="/logo.png?" alt=""><img src="/logo.png" alt="">'
        '<a href="https://other.example/logo.png">x</a><a href="https://other.example/logo.png">y</a>'
        '<object data="/logo.png"></object>'
    )
    assert resources(body) == [
        ("https://site.example/logo.png", IMAGE),
        ("https://other.example/logo.png", LINK),
        ("https://site.example/logo.png", MEDIA),
    ]


def test_lazy_images_load_their_real_source():
    body = (
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/real.jpg" alt="">'
        '<img data-src="/only-lazy.jpg" alt="">'
        '<img srcset="/small.jpg 480w, /big.jpg 1080w" alt="">'
        '<img data-srcset="/lazy-set.jpg 1x" alt="">'
        '<img src="/plain.jpg" data-src="/ignored.jpg" alt="">'
    )
    assert [u for u, _ in resources(body)] == [
        "https://site.example/real.jpg",
        "https://site.example/only-lazy.jpg",
        "https://site.example/small.jpg",
        "https://site.example/big.jpg",  # every srcset candidate: a screen loads one of them
        "https://site.example/lazy-set.jpg",
        "https://site.example/plain.jpg",
    ]


def test_relative_urls_resolve_against_base_href():
    head = '<base href="https://static.example/v2/">'
    assert resources('<img src="i.png" alt="">', head) == [
        ("https://static.example/v2/i.png", IMAGE)
    ]


@pytest.mark.parametrize(
    ("srcset", "first"),
    [
        ("a.jpg 1x, b.jpg 2x", "a.jpg"),
        ("  ,a.jpg", "a.jpg"),
        ("a.jpg,", "a.jpg"),
        ("/c/w_100,h_80/a.jpg 100w", "/c/w_100,h_80/a.jpg"),
        ("", ""),
    ],
)
def test_first_srcset_candidate(srcset: str, first: str):
    assert first_candidate(srcset) == first
