"""What the extractor notes about a page's links for the link checks (issue 15): meta refresh,
same-page fragments that name nothing, links a crawler cannot follow, links with no accessible
name, and URLs written with raw spaces or non-ASCII characters."""

from __future__ import annotations

import pytest

from seolog.domain import PageSnapshot
from seolog.parse.extract import extract_page, parse_refresh

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

URL = "https://site.example/dir/page.html"


def snap(body: str, head: str = "", url: str = URL) -> PageSnapshot:
    html = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    return extract_page(html, url, lambda u: u.startswith("https://site.example/"))


@pytest.mark.parametrize(
    ("content", "parsed"),
    [
        ("5; url=/new", (5.0, "/new")),
        ("0;URL='https://other.example/'", (0.0, "https://other.example/")),
        ('  10 , url = "x.html" ', (10.0, "x.html")),
        ("1;/direct", (1.0, "/direct")),
        ("30", (30.0, None)),
        ("2.5; url=/half", (2.0, "/half")),
        ("soon", None),
        ("5x", None),
        ("", None),
    ],
)
def test_refresh_content_read_as_browsers_do(content: str, parsed: tuple[float, str | None] | None):
    assert parse_refresh(content) == parsed


def test_meta_refresh_first_tag_target_resolved():
    head = (
        '<meta http-equiv="Refresh" content="3; url=../new.html">'
        '<meta http-equiv="refresh" content="0; url=/second">'
    )
    assert snap("", head).meta_refresh == (3.0, "https://site.example/new.html")
    assert snap("", '<meta http-equiv="refresh" content="60">').meta_refresh == (60.0, None)
    assert snap("", '<meta http-equiv="refresh" content="later">').meta_refresh is None
    assert snap("", '<meta name="refresh" content="0; url=/x">').meta_refresh is None


def test_same_page_fragments_that_name_nothing():
    body = (
        '<h2 id="usage">Usage</h2><a name="legacy"></a><span id="café"></span>'
        '<a href="#usage">ok</a><a href="#legacy">ok, a named anchor</a>'
        '<a href="#caf%C3%A9">ok, percent-encoded</a>'
        '<a href="#">top</a><a href="#top">top</a><a href="#TOP">top</a>'
        '<a href="#!/route">script route</a><a href="#/route">route</a>'
        '<a href="#:~:text=spade">text fragment</a>'
        '<a href="#install">missing</a><a href="#install">again</a>'
        '<a href="page.html#options">missing, own URL</a>'
        '<a href="https://site.example/dir/page.html#usage">ok, own URL</a>'
        '<a href="other.html#nowhere">another page: not judged here</a>'
    )
    assert snap(body).missing_fragments == ["install", "options"]


def test_fragments_under_another_base_are_not_this_page():
    body = '<a href="#nowhere">goes to the base URL</a>'
    assert snap(body, '<base href="https://cdn.example/">').missing_fragments == []
    assert snap(body, f'<base href="{URL}">').missing_fragments == ["nowhere"]


def test_links_a_crawler_cannot_follow():
    body = (
        '<a href="javascript:void(0)">menu</a><a href=" JavaScript:open()">open</a>'
        '<a href="" onclick="go(1)">script behind an empty href</a><a onclick="go(2)">no href</a>'
        '<a href="#" onclick="toggle()">script behind a hash</a>'
        '<a href="#">plain hash: the top of the page</a><a href="">plain empty: the page itself</a>'
        '<a href="#" role="button" onclick="toggle()">a button, said so</a>'
        '<a href="javascript:void(0)" role="tab">a tab</a>'
        '<a name="anchor">a target, not a link</a><a id="other">neither</a>'
        '<a href="javascript:void(0)">menu again</a>'
    )
    assert snap(body).unusable_links == [
        ("javascript:void(0)", "javascript"),
        ("JavaScript:open()", "javascript"),
        ("", "empty"),
        ("", "no-href"),
        ("#", "fragment"),
    ]


def test_links_without_an_accessible_name():
    body = (
        '<a href="/empty"></a>'
        '<a href="/icon"><span class="icon-home"></span></a>'
        '<a href="/decorative"><img src="/i.png" alt=""></a>'
        '<a href="mailto:x@site.example"> </a>'
        '<a href="/text">Text</a><a href="/alt"><img src="/logo.png" alt="Acme"></a>'
        '<a href="/label" aria-label="Home"></a><a href="/title" title="Home"></a>'
        '<a href="/by" aria-labelledby="lbl"></a><p id="lbl">Shop</p>'
        '<a href="/by-empty" aria-labelledby="empty"></a><p id="empty"></p>'
        '<a href="/inner"><span aria-label="Twitter"></span></a>'
        '<a href="/svg"><svg><title>Search</title></svg></a>'
        '<a href="#x">¶</a>'
        '<a href="/hidden" aria-hidden="true" tabindex="-1"></a>'
        '<a href="/button" role="button"></a>'
        '<map><area href="/a1" alt="Area"><area href="/a2"></map>'
        '<a href="/empty"></a>'
    )
    assert snap(body).unnamed_links == [
        "/empty",
        "/icon",
        "/decorative",
        "mailto:x@site.example",
        "/by-empty",
        "/a2",
    ]


def test_urls_written_with_raw_spaces_or_non_ascii():
    body = (
        '<a href="/a b.html">space</a><a href="/ü.html">umlaut</a>'
        '<a href=" /padded.html ">padding is fine</a><a href="/%C3%BC.html">encoded</a>'
        '<a href="https://bücher.example/">an IDN host is fine</a>'
        '<a href="/doc#teil ü">a fragment stays in the browser</a>'
        '<a href="/q?term=a b">query</a><a href="javascript:go( 1 )">not a URL</a>'
        '<img src="/img/my photo.jpg" alt="x">'
        '<img src="data:image/svg+xml;utf8,<svg a b>" alt="x">'
        '<a href="/a b.html">twice</a>'
    )
    assert snap(body).unencoded_urls == [
        "/a b.html",
        "/ü.html",
        "/q?term=a b",
        "/img/my photo.jpg",
    ]


def test_a_healthy_page_notes_nothing():
    body = (
        '<h2 id="a">A</h2><a href="#a">A</a><a href="/x.html">X</a>'
        '<a href="https://other.example/">Other</a><img src="/i.png" alt="I">'
    )
    s = snap(body)
    assert s.meta_refresh is None
    assert s.missing_fragments == s.unusable_links == s.unnamed_links == s.unencoded_urls == []
