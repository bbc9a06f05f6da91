"""Pure pieces of the crawler: sitemap parsing, Retry-After, scope, traps, extraction, decoding."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from seolog.crawl.frontier import Frontier, Scope, trap_reason
from seolog.crawl.robots import parse_robots
from seolog.crawl.sitemap import parse_sitemap
from seolog.parse.extract import decode_body, extract_page
from seolog.retryafter import retry_after_seconds

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it


def test_sitemap_urlset_index_text_gzip_and_broken():
    urlset = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://e.com/a </loc></url></urlset>'
    assert parse_sitemap(urlset).urls == ["https://e.com/a"]
    index = b"<sitemapindex><sitemap><loc>https://e.com/s1.xml</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index).sitemaps == ["https://e.com/s1.xml"]
    assert parse_sitemap(b"https://e.com/x\nhttps://e.com/y\n").urls == [
        "https://e.com/x",
        "https://e.com/y",
    ]
    assert parse_sitemap(gzip.compress(urlset)).urls == ["https://e.com/a"]
    broken = parse_sitemap(b"<urlset><url><loc>https://e.com/ok</loc></url><url><loc>")
    assert broken.urls == ["https://e.com/ok"] and broken.error


def test_sitemap_hreflang_alternates_belong_to_their_url():
    sitemap = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url><loc>https://e.com/en/</loc>
    <xhtml:link rel="alternate" hreflang="de" href="https://e.com/de/"/>
    <xhtml:link rel="alternate" hreflang="en" href="https://e.com/en/"/>
  </url>
  <url><xhtml:link rel="alternate" hreflang="en" href="https://e.com/en/"/>
    <loc>https://e.com/de/</loc></url>
  <url><loc>https://e.com/only/</loc><xhtml:link rel="stylesheet" href="https://e.com/x.css"/></url>
</urlset>"""
    parsed = parse_sitemap(sitemap)
    assert parsed.urls == ["https://e.com/en/", "https://e.com/de/", "https://e.com/only/"]
    assert parsed.alternates == {
        "https://e.com/en/": [("de", "https://e.com/de/"), ("en", "https://e.com/en/")],
        "https://e.com/de/": [("en", "https://e.com/en/")],
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://e.com/a>; rel="canonical"', [("https://e.com/a", {"canonical"}, {})]),
        (
            '<https://e.com/a,b>; rel="alternate"; hreflang=de, </x>; rel=preload; as=style',
            [
                ("https://e.com/a,b", {"alternate"}, {"hreflang": "de"}),
                ("/x", {"preload"}, {"as": "style"}),
            ],
        ),
        (
            '<a>; title="one, two; three"; rel="next canonical"',
            [("a", {"next", "canonical"}, {"title": "one, two; three"})],
        ),
        ("no brackets; rel=canonical, <>; rel=canonical", [("", {"canonical"}, {})]),
    ],
)
def test_link_header_parsing(header, expected):
    from seolog.parse.linkheader import parse_link_header

    assert [(x.target, set(x.rels), x.params) for x in parse_link_header(header)] == expected


def test_retry_after_seconds_and_dates():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after_seconds("5") == 5.0
    assert (
        retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    )
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_scope_subdomains_and_filters():
    s = Scope("https://www.e.com/", subdomains=True, exclude=[r"\.pdf$"])
    assert s.allows("https://blog.e.com/x")
    assert s.allows("https://e.com/")
    assert not s.allows("https://e.com.evil.com/")
    assert not s.allows("https://www.e.com/a.pdf")
    strict = Scope("https://www.e.com/")
    assert not strict.allows("https://blog.e.com/x")
    assert strict.allows("http://www.e.com/")  # http links on an https site are still internal


def test_trap_guards():
    assert trap_reason("https://e.com/a/b/a/b/a/b/a/b/") == "repeated path segments"
    assert trap_reason("https://e.com/" + "x" * 3000) == "url too long"
    assert trap_reason("https://e.com/blog/2024/05/post") is None
    f = Frontier(Scope("https://e.com/"))
    added = sum(f.add(f"https://e.com/search?q={i}", 1, 1) for i in range(1000))
    assert added == 250 and f.skipped["trap"] == 750


def test_frontier_is_breadth_first_and_sitemap_last():
    f = Frontier(Scope("https://e.com/"))
    f.add_sitemap_url("https://e.com/orphan")
    f.add("https://e.com/", 0, 0, "start")
    f.add("https://e.com/a", 1, 1)
    assert [f.pop().url for _ in range(3)] == [
        "https://e.com/",
        "https://e.com/a",
        "https://e.com/orphan",
    ]
    assert f.pop() is None


def test_robots_longest_match_and_agent():
    rules = parse_robots(
        "https://e.com",
        "User-agent: *\nDisallow: /\nUser-agent: seolog\nDisallow: /private\nAllow: /private/public\n",
        "seolog",
    )
    assert rules.allowed("https://e.com/page")
    assert not rules.allowed("https://e.com/private/x")
    assert rules.allowed("https://e.com/private/public/y")


def test_extract_page_fields():
    html = """<html lang="nl"><head><title> Hallo
    wereld </title><meta name="DESCRIPTION" content="Een beschrijving"><meta name="robots" content="noindex, nofollow">
    <meta name="viewport" content="width=device-width"><link rel="canonical" href="/c">
    <link rel="alternate" hreflang="en" href="https://e.com/en/"><meta property="og:title" content="OG">
    <meta name="twitter:card" content="summary"><script type="application/ld+json">{"@type": "Thing"}</script>
    </head><body><h1>Kop</h1><h2>Een</h2><h2>Twee</h2><p>drie vier vijf</p><script>var hidden = "words";</script>
    <img src="a.png"><img src="b.png" alt=""><a href="x"><img src="c.png" alt="Logo"></a></body></html>"""
    s = extract_page(html, "https://e.com/dir/page", lambda u: u.startswith("https://e.com"))
    assert s.title == "Hallo wereld" and s.meta_description == "Een beschrijving"
    assert s.meta_robots == "noindex, nofollow" and s.lang == "nl" and s.viewport
    assert s.canonical == "https://e.com/c"
    assert s.hreflang == [{"lang": "en", "url": "https://e.com/en/"}]
    assert s.h1 == ["Kop"] and s.h2 == ["Een", "Twee"]
    assert s.open_graph == {"og:title": "OG"} and s.twitter == {"twitter:card": "summary"}
    assert s.json_ld == ['{"@type": "Thing"}']
    assert [i.alt for i in s.images] == [None, "", "Logo"]
    assert s.links[0].url == "https://e.com/dir/x" and s.links[0].text == "Logo"
    assert s.word_count == 6  # Kop Een Twee drie vier vijf; script text is not content
    assert s.content_hash and len(s.content_hash) == 32


def test_decode_body_fallbacks():
    assert decode_body("é".encode("latin-1"), "text/html; charset=latin-1") == "é"
    assert decode_body(b'<meta charset="windows-1252">\x80', "text/html").endswith("€")
    assert decode_body(b"\xef\xbb\xbfhi", "text/html") == "hi"


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "us-ascii", "ISO_8859-1", "ascii"])
def test_charset_labels_are_read_as_browsers_read_them(label):
    """WHATWG: these labels mean windows-1252, so a page's curly quotes and dashes come out as
    written, not as C1 control characters."""
    body = "“Quotes” – and €".encode("cp1252")
    assert decode_body(body, f"text/html; charset={label}") == "“Quotes” – and €"
    meta = f'<meta charset="{label}">'.encode() + body
    assert decode_body(meta, "text/html").endswith("“Quotes” – and €")
    assert decode_body(b"ok\xff", "text/html; charset=bogus") == "ok\ufffd"


def test_a_sitemap_index_with_a_failing_child_is_read_incomplete():
    import asyncio

    from seolog.crawl.sitemap import discover
    from seolog.domain import FetchResult

    bodies = {
        "https://e.com/sitemap.xml": (
            200,
            b"<sitemapindex><sitemap><loc>https://e.com/pages.xml</loc></sitemap>"
            b"<sitemap><loc>https://e.com/posts.xml</loc></sitemap></sitemapindex>",
        ),
        "https://e.com/pages.xml": (200, b"<urlset><url><loc>https://e.com/a</loc></url></urlset>"),
        "https://e.com/posts.xml": (500, b"oops"),
    }

    class Fetcher:
        async def fetch(self, url: str, **_kw) -> FetchResult:
            status, body = bodies.get(url, (404, b""))
            return FetchResult(url, url, status_code=status, body=body)

    found = asyncio.run(discover(Fetcher(), ["https://e.com/sitemap.xml"], lambda _u: True))  # type: ignore[arg-type]
    assert found.urls == ["https://e.com/a"] and not found.complete
    bodies["https://e.com/posts.xml"] = (200, b"<urlset></urlset>")
    assert asyncio.run(discover(Fetcher(), ["https://e.com/sitemap.xml"], lambda _u: True)).complete  # type: ignore[arg-type]
    # no sitemap at all (the guessed /sitemap.xml is a 404): nothing incomplete about it
    assert asyncio.run(discover(Fetcher(), ["https://e.com/none.xml"], lambda _u: True)).complete  # type: ignore[arg-type]
