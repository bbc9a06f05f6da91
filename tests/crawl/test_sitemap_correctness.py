"""Sitemaps as written in the wild: image, video and news entries are files of a page, not pages;
a byte-order mark or blank lines before `<?xml` do not hide the URLs."""

from __future__ import annotations

import gzip

import pytest

from seolog.crawl.sitemap import parse_sitemap
from tests.server import FixtureServer, Response

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it

NAMESPACES = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
    'xmlns:video="http://www.google.com/schemas/sitemap-video/1.1" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml"'
)
BOM = b"\xef\xbb\xbf"


def _urlset(origin: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    """A page with every extension Google documents: images, a video, news, an hreflang link."""
    return (
        f"{declaration}\n<urlset {NAMESPACES}>\n"
        f"<url><loc>{origin}/gallery</loc>\n"
        f"  <image:image><image:loc>{origin}/img/spade.jpg</image:loc>"
        f"<image:caption>A spade</image:caption></image:image>\n"
        f"  <video:video><video:thumbnail_loc>{origin}/img/thumb.jpg</video:thumbnail_loc>"
        f"<video:title>Digging</video:title>"
        f"<video:content_loc>{origin}/media/dig.mp4</video:content_loc>"
        f"<video:player_loc>{origin}/player?v=1</video:player_loc></video:video>\n"
        f"  <news:news><news:publication><news:name>Garden News</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:title>Spring</news:title></news:news>\n"
        f'  <xhtml:link rel="alternate" hreflang="de" href="{origin}/de/gallery"/>\n'
        f"</url>\n"
        f"<url><loc>{origin}/news/spring</loc></url>\n"
        f"</urlset>\n"
    )


def test_image_video_and_news_entries_are_not_pages():
    parsed = parse_sitemap(_urlset("https://shop.example").encode())
    assert parsed.error is None
    assert parsed.urls == ["https://shop.example/gallery", "https://shop.example/news/spring"]
    # The page's own hreflang alternates are still read.
    assert parsed.alternates == {
        "https://shop.example/gallery": [("de", "https://shop.example/de/gallery")]
    }


def test_a_loc_of_another_namespace_directly_in_url_is_not_the_page():
    doc = (
        f"<urlset {NAMESPACES}><url><loc>https://shop.example/a</loc>"
        "<image:loc>https://shop.example/a.jpg</image:loc></url></urlset>"
    )
    assert parse_sitemap(doc.encode()).urls == ["https://shop.example/a"]


@pytest.mark.parametrize(
    "prefix",
    [BOM, b"\n\n", b"  \r\n\t", BOM + b"\n"],
    ids=["bom", "blank-lines", "whitespace", "bom-and-newline"],
)
def test_a_bom_or_blank_lines_before_the_xml_declaration_are_read_past(prefix: bytes):
    data = prefix + _urlset("https://shop.example").encode()
    parsed = parse_sitemap(data)
    assert parsed.error is None
    assert parsed.urls == ["https://shop.example/gallery", "https://shop.example/news/spring"]
    # Gzipped the same.
    assert parse_sitemap(gzip.compress(data)).urls == parsed.urls


def test_a_sitemap_index_with_a_bom_names_its_sitemaps():
    index = (
        BOM + b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://shop.example/pages.xml</loc><lastmod>2026-01-01</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    parsed = parse_sitemap(index)
    assert (parsed.sitemaps, parsed.urls, parsed.error) == (
        ["https://shop.example/pages.xml"],
        [],
        None,
    )


def test_a_utf16_sitemap_with_its_bom_is_read():
    doc = _urlset("https://shop.example", '<?xml version="1.0" encoding="UTF-16"?>')
    parsed = parse_sitemap(doc.encode("utf-16"))
    assert parsed.error is None
    assert parsed.urls == ["https://shop.example/gallery", "https://shop.example/news/spring"]


def test_a_text_sitemap_with_a_bom_keeps_its_first_url():
    parsed = parse_sitemap(BOM + b"https://shop.example/a\r\nhttps://shop.example/b\r\n")
    assert parsed.urls == ["https://shop.example/a", "https://shop.example/b"]


def test_a_document_that_is_neither_xml_nor_a_url_list_says_so():
    """Before, a file of non-URLs gave 0 URLs and no word of why."""
    parsed = parse_sitemap(b"Sitemap coming soon\nPlease check back later\n")
    assert parsed.urls == []
    assert parsed.error is not None and "none of its 2 lines is a URL" in parsed.error
    assert parse_sitemap(b"").error is None  # an empty file lists nothing, and that is no error


def _pages(db) -> dict[str, dict]:
    return {r.url: r._asdict() for r in db("SELECT * FROM pages WHERE scan_id = 1")}


def test_a_scan_reads_bom_sitemaps_and_never_fetches_their_images(server: FixtureServer, cli, db):
    """robots.txt names an index with a BOM; the index names a urlset with a BOM and blank
    lines, full of image and video entries. The pages are crawled from the sitemap; the media
    URLs are neither pages nor fetched."""
    origin = server.origin
    server.routes["/robots.txt"] = Response(
        body=f"User-agent: *\nAllow: /\nSitemap: {origin}/sitemap_index.xml\n",
        content_type="text/plain",
    )
    server.routes["/sitemap_index.xml"] = Response(
        body=BOM
        + (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{origin}/pages.xml</loc></sitemap></sitemapindex>"
        ).encode(),
        content_type="application/xml",
    )
    server.routes["/pages.xml"] = Response(
        body=BOM + b"\n\n" + _urlset(origin).encode(), content_type="application/xml"
    )
    server.page("/")  # links to nothing: the other pages are known from the sitemap only
    server.page("/gallery", "Gallery")
    server.page("/news/spring", "Spring")
    server.page("/de/gallery", "Galerie")

    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    doc = r.json()
    assert doc["summary"]["crawl"]["sitemap_urls"] == 2
    assert not [n for n in doc["summary"]["crawl"]["notes"] if "sitemap problem" in n]
    pages = _pages(db)
    assert pages[server.url("/gallery")]["found_via"] == "sitemap"
    assert pages[server.url("/news/spring")]["in_sitemap"]
    media = ("/img/spade.jpg", "/img/thumb.jpg", "/media/dig.mp4", "/player?v=1")
    assert not set(media) & set(server.paths())
    assert not [u for u in pages if u.removeprefix(origin) in media]


def test_a_sitemap_of_no_urls_is_named_in_the_scans_notes(server: FixtureServer, cli):
    server.routes["/sitemap.xml"] = Response(
        body="Sitemap coming soon\n", content_type="text/plain"
    )
    server.page("/")
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    notes = r.json()["summary"]["crawl"]["notes"]
    assert any("sitemap.xml: its one line is not a URL" in n for n in notes), notes
