"""--max-pages is exact: a redirect and the page it leads to are two stored pages, both counted."""

from __future__ import annotations

from tests.server import Response


def test_max_pages_stores_exactly_that_many_with_redirects(server, cli, db) -> None:
    links = "".join(f'<a href="/r{i}">r{i}</a>' for i in range(20))
    server.page("/", body=links)
    for i in range(20):
        server.routes[f"/r{i}"] = Response(301, headers={"Location": f"/p{i}"})
        server.page(f"/p{i}", title=f"Page {i}")
    for limit in (1, 2, 5, 6):
        r = cli("scan", server.url(), "--no-sitemaps", "--max-pages", str(limit), "-c", "4")
        assert r.exit_code == 0, r.stderr
        scan_id = max(row.id for row in db("SELECT id FROM scans"))
        stored = db("SELECT url FROM pages WHERE scan_id = :s", s=scan_id)
        assert len(stored) == limit, (limit, sorted(p.url for p in stored))
        (scan,) = db("SELECT pages_crawled, stats FROM scans WHERE id = :s", s=scan_id)
        assert scan.pages_crawled == limit
