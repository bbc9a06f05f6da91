"""`seolog scan --render` audits what the browser shows (issue 22): on a single-page app whose
title, text and links exist only once its scripts ran, a raw scan sees one empty page and a
rendered scan sees the site; `auto` renders the app shells and leaves server-rendered pages to
the raw fetch. Real scans (`python -m seolog`) of sites served on 127.0.0.1, rendered by the
system's Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.spa import AppPage, app_site, serve
from tests.render.support import (
    MISSING_BROWSER,
    SLOW_TIMEOUT,
    clean,
    crawl_stats,
    found,
    issue,
    pages,
    path,
    render_record,
    scan,
)
from tests.server import FixtureServer, Response

if MISSING_BROWSER:
    pytest.skip(MISSING_BROWSER, allow_module_level=True)

pytestmark = pytest.mark.timeout(SLOW_TIMEOUT)

N_APP = 14  # app pages besides the home page
APP_PATHS = {"/", *(f"/p{i}" for i in range(N_APP))}
# What a page made in the browser is judged on: its own title, heading and description.
MISSING_CODES = ("title-missing", "h1-missing", "meta-description-missing")


def _render_rows(db, scan_id: int = 1) -> dict[str, dict | None]:
    """pages.render of each page of the scan, by path."""
    return {
        path(r.url): render_record(r.render)
        for r in db("SELECT url, render FROM pages WHERE scan_id = :s", s=scan_id)
    }


def test_a_raw_scan_of_an_app_sees_only_its_empty_start_page(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path
) -> None:
    serve(server, app_site(N_APP))
    done, doc = scan(seolog_env, tmp_path / "raw.json", server.url())
    assert done.returncode == 0, done.stderr
    assert set(pages(doc)) == {"/"}  # the app's script and data are not pages
    home = pages(doc)["/"]
    assert (home["title"], home["h1"], home["word_count"]) == ("Loading", [], 0)
    assert {"h1-missing", "meta-description-missing"} <= set(found(doc))
    assert not [code for code in found(doc) if code.startswith("render-")]
    stats = crawl_stats(doc)
    assert (stats["rendered"], stats["browser"]) == (0, "")
    assert not any(p.startswith("/api/") for p in server.paths())  # no script ran


def test_a_rendered_scan_finds_every_page_and_judges_what_the_app_made(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path, db
) -> None:
    site = app_site(N_APP)
    serve(server, site)
    done, doc = scan(seolog_env, tmp_path / "rendered.json", server.url(), "--render", "always")
    assert done.returncode == 0, done.stderr
    clean(done.stderr)

    stored = pages(doc)
    assert set(stored) == APP_PATHS  # reached only through the links the app makes
    for page in site:
        got = stored[page.path]
        assert got["title"] == page.title
        assert got["h1"] == [page.title]
        assert got["meta_description"] == page.data()["description"]
        assert got["word_count"] > 100
    by_code = found(doc)
    for code in MISSING_CODES:
        assert code not in by_code, by_code[code]
    # The checks read the rendered title: "App page 3" is the short one they report.
    assert issue(doc, "title-too-short", "/p3")["details"]["title"] == "App page 3"
    for code in ("render-title-changed", "render-content-added", "render-links-added"):
        assert by_code[code] == APP_PATHS, code
    added = issue(doc, "render-content-added", "/p3")["details"]
    assert added["raw_words"] == 0 and added["rendered_words"] == stored["/p3"]["word_count"]

    stats = crawl_stats(doc)
    assert (stats["rendered"], stats["render_failed"], stats["render_blocked"]) == (15, 0, 0)
    assert stats["browser"][0].isdigit()  # Chromium's version, e.g. 131.0.6778.85
    # What the raw HTML said is kept beside the rendered page.
    for url, render in _render_rows(db).items():
        assert render is not None, url
        assert render["raw"]["title"] == "Loading" and render["raw"]["word_count"] == 0
        assert render["note"] is None and render["blocked_requests"] == 0
        assert "html" not in render  # only with --store-html


def _server_rendered(server: FixtureServer, paths: list[str], links: list[str]) -> None:
    """Ordinary pages: their text, heading and links in the HTML the server sends, and a
    script (analytics) that changes nothing a crawler reads."""
    server.routes["/site.js"] = Response(body="window.seen = 1;", content_type="text/javascript")
    nav = " ".join(f'<a href="{q}">{q.strip("/") or "home"}</a>' for q in links)
    for p in paths:
        name = p.strip("/") or "home"
        server.page(
            p,
            title=f"Server-rendered page {name} of the site",
            body=f"<h1>Page {name}</h1><p>{f'The {name} page of a site its server renders. ' * 12}"
            f'</p><nav>{nav}</nav><script src="/site.js"></script>',
        )


def test_auto_renders_the_app_shells_of_a_site_and_nothing_else(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path, db
) -> None:
    """A server-rendered site with an app under /app: `auto` renders the two shells, finds the
    page only the app links to, and leaves the server's pages (and a server-rendered app page,
    hydrated later) to the raw fetch. --store-html keeps the rendered DOM with the render."""
    _server_rendered(server, ["/", "/about"], ["/", "/about", "/app/one"])
    serve(
        server,
        [
            AppPage("/app/one", "The first app page", ["/app/two", "/app/ssr"], ssr=True),
            AppPage("/app/two", "The second app page", ["/app/three"]),
            AppPage("/app/three", "The third app page", ["/"]),
            AppPage("/app/ssr", "A hydrated app page", ["/"], ssr=True),
        ],
    )
    done, doc = scan(
        seolog_env, tmp_path / "auto.json", server.url(), "--render", "auto", "--store-html"
    )
    assert done.returncode == 0, done.stderr
    clean(done.stderr)

    stored = pages(doc)
    assert set(stored) == {"/", "/about", "/app/one", "/app/two", "/app/three", "/app/ssr"}
    assert stored["/app/three"]["title"] == "The third app page"  # a link only the app makes
    assert crawl_stats(doc)["rendered"] == 2
    renders = _render_rows(db)
    assert {p for p, r in renders.items() if r is not None} == {"/app/two", "/app/three"}
    two = renders["/app/two"]
    assert two is not None
    assert "<h1>The second app page</h1>" in two["html"]  # the rendered DOM
    assert '<a href="/app/three">' in two["html"]
    raw_html = db("SELECT html FROM pages WHERE url = :u", u=server.url("/app/two"))[0].html
    assert '<div id="root"></div>' in raw_html  # pages.html is still what the server sent
    assert found(doc)["render-links-added"] == {"/app/two", "/app/three"}


def test_on_a_server_rendered_site_auto_renders_nothing_and_always_changes_nothing(
    server: FixtureServer, seolog_env: dict[str, str], tmp_path: Path, db
) -> None:
    paths = ["/", "/about", "/prices"]
    _server_rendered(server, paths, paths)
    done, auto = scan(seolog_env, tmp_path / "auto.json", server.url(), "--render", "auto")
    assert done.returncode == 0, done.stderr
    assert set(pages(auto)) == set(paths)
    assert crawl_stats(auto)["rendered"] == 0
    assert list(_render_rows(db, 1).values()) == [None] * 3

    done, always = scan(seolog_env, tmp_path / "always.json", server.url(), "--render", "always")
    assert done.returncode == 0, done.stderr
    assert crawl_stats(always)["rendered"] == 3
    assert None not in _render_rows(db, 2).values()
    # The browser shows what the server sent: no render-* finding, and the same audit.
    assert not [code for code in found(always) if code.startswith("render-")]
    assert found(always) == found(auto)
    seen = ("title", "meta_description", "h1", "canonical", "word_count", "indexable", "score")
    for p in paths:
        assert {k: pages(always)[p][k] for k in seen} == {k: pages(auto)[p][k] for k in seen}
