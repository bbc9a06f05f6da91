"""Depths are breadth-first whatever order the pages come back in.

Several pages are fetched and parsed at once, so a fast chain of pages can find a URL before a
slow page that links to it more directly. Each site here has such a slow page: its server holds
the answer until the URL it links to has been asked for (or a few seconds have passed), which
is what a crawl that hands out depths on a first-found basis does. The depth stored must be the
shortest link distance all the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from tests.server import FixtureServer, Request, Response, html

HOLD = 2.0  # seconds the slow page waits for the URL it links to be asked for


def _held_until_asked(
    server: FixtureServer, page: str, waits_for: str
) -> Callable[[Request], Response]:
    asked = threading.Event()
    routes = server.routes
    target = routes[waits_for]

    def answer_target(request: Request) -> Response:
        asked.set()
        return target if isinstance(target, Response) else target(request)

    def slow(request: Request) -> Response:
        asked.wait(HOLD)
        return Response(body=page)

    routes[waits_for] = answer_target
    return slow


def _depths(db) -> dict[str, tuple[int | None, str]]:
    rows = db("SELECT url, depth, found_via FROM pages WHERE scan_id = 1")
    return {r.url.rsplit("/", 1)[1]: (r.depth, r.found_via) for r in rows}


def _link(*paths: str) -> str:
    return "".join(f'<a href="/{p}">{p}</a> ' for p in paths)


def test_a_slow_page_at_depth_one_still_gives_its_link_depth_two(server, cli, db):
    """/ → slow, fast; fast → mid → target; slow → target. target is 2 links from the start,
    though the fast chain finds it first, 3 links in."""
    r = server.routes
    r["/"] = Response(body=html("Home", _link("slow", "fast")))
    r["/fast"] = Response(body=html("Fast", _link("mid")))
    r["/mid"] = Response(body=html("Mid", _link("target")))
    r["/target"] = Response(body=html("Target", "the page"))
    r["/slow"] = _held_until_asked(server, html("Slow", _link("target")), "/target")
    url = server.url()
    done = cli("--quiet", "scan", url, "--concurrency", "4", "--no-sitemaps")
    assert done.exit_code in (0, 1), done.stderr
    depths = _depths(db)
    assert depths["target"][0] == 2, depths
    assert depths["mid"][0] == 2 and depths["slow"][0] == 1 and depths["fast"][0] == 1


def test_a_sitemap_url_a_slow_page_links_to_is_no_orphan(server, cli, db):
    """The sitemap lists /linked, which only a slow page links to: it must not be taken for
    an orphan (no depth, found via the sitemap) because the link came back last."""
    r = server.routes
    r["/"] = Response(body=html("Home", _link("slow")))
    r["/linked"] = Response(body=html("Linked", "the page"))
    r["/sitemap.xml"] = Response(
        body=(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{server.origin}/linked</loc></url></urlset>"
        ),
        content_type="application/xml",
    )
    r["/slow"] = _held_until_asked(server, html("Slow", _link("linked")), "/linked")
    url = server.url()
    done = cli("--quiet", "scan", url, "--concurrency", "4")
    assert done.exit_code in (0, 1), done.stderr
    assert _depths(db)["linked"] == (2, "link")
