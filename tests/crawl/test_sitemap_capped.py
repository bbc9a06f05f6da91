"""A sitemap over the protocol's 50 MB is reported as unreadable, not as missing."""

from __future__ import annotations

import gzip

from tests.server import Response


def _huge_sitemap(origin: str) -> bytes:
    """About 60 MB of sitemap XML once decompressed, well under 1 MB on the wire."""
    entry = f"<url><loc>{origin}/page</loc></url>".encode()
    body = entry * (60 * 1024 * 1024 // len(entry))
    xml = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return gzip.compress(xml + body + b"</urlset>", compresslevel=6)


def test_a_sitemap_over_the_cap_is_unreadable_not_missing(server, cli) -> None:
    server.routes["/robots.txt"] = Response(
        body=f"User-agent: *\nAllow: /\nSitemap: {server.url('/sitemap.xml')}\n",
        content_type="text/plain",
    )
    server.page("/")
    server.routes["/sitemap.xml"] = Response(
        body=_huge_sitemap(server.origin),
        content_type="application/xml",
        headers={"Content-Encoding": "gzip"},
    )
    r = cli("scan", server.url(), "-f", "json")
    assert r.exit_code == 0, r.stderr
    codes = {i["code"]: i for i in r.json()["issues"]}
    assert "sitemap-missing" not in codes
    unread = codes["sitemap-unreadable"]
    assert unread["url"] == server.url("/sitemap.xml")
    assert "larger than the 50 MB" in unread["message"]


def test_no_sitemap_at_all_is_still_missing(server, cli) -> None:
    server.page("/")
    r = cli("scan", server.url(), "-f", "json")
    assert r.exit_code == 0, r.stderr
    codes = {i["code"] for i in r.json()["issues"]}
    assert "sitemap-missing" in codes and "sitemap-unreadable" not in codes
