"""Each render-* code fires on the page where the app's script changes what it names, and not on
its control, where the rendered page says what the raw HTML said (issue 22). One rendered scan of
one fixture app; each test reads its result."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.render.spa import AppPage, serve
from tests.render.support import (
    MISSING_BROWSER,
    SLOW_TIMEOUT,
    clean,
    crawl_stats,
    found,
    isolated_env,
    issue,
    pages,
    scan,
)
from tests.server import FixtureServer

if MISSING_BROWSER:
    pytest.skip(MISSING_BROWSER, allow_module_level=True)

pytestmark = [
    pytest.mark.timeout(SLOW_TIMEOUT),
    pytest.mark.store_agnostic,  # one scan into a private SQLite store; PostgreSQL skips it
]

ROBOTS = '<meta name="robots" content="{}">'


def _alternates(path: str) -> str:
    return "".join(
        f'<link rel="alternate" hreflang="{lang}" href="{href}">'
        for lang, href in (("en", path), ("de", "/de" + path))
    )


def _page(path: str, **kw: Any) -> AppPage:
    return AppPage(path, kw.pop("title", f"The {path.strip('/')} page of the app"), ["/"], **kw)


SITE = [
    # Sent by the server as the app renders it, then hydrated: nothing changes.
    _page("/ssr", ssr=True),
    _page("/description-changed", raw_head='<meta name="description" content="From the server">'),
    _page("/canonical-changed", raw_head='<link rel="canonical" href="/ssr">',
          canonical="/canonical-changed"),
    _page("/canonical-same", raw_head='<link rel="canonical" href="/canonical-same">',
          canonical="/canonical-same"),
    _page("/noindex-added", robots="noindex"),
    _page("/noindex-removed", raw_head=ROBOTS.format("noindex"), robots=""),
    _page("/noindex-kept", raw_head=ROBOTS.format("noindex")),  # the app leaves it
    _page("/nofollow-added", raw_head=ROBOTS.format("index, follow"), robots="index, nofollow"),
    _page("/robots-same", raw_head=ROBOTS.format("index, follow"), robots="index,follow"),
    _page("/hreflang-added", hreflang=[("en", "/hreflang-added"), ("de", "/de/hreflang-added")]),
    # The alternates are in the server's HTML, and the app leaves them alone.
    _page("/hreflang-same", raw_head=_alternates("/hreflang-same")),
    # ... and the app sets them again (a head manager re-rendering the server's tags).
    _page("/hreflang-again", raw_head=_alternates("/hreflang-again"),
          hreflang=[("en", "/hreflang-again"), ("de", "/de/hreflang-again")]),
]  # fmt: skip
HOME = AppPage("/", "Home of the fixture app for render checks", [p.path for p in SITE])
APP_MADE = {p.path for p in [HOME, *SITE] if not p.ssr}  # title, text and links by script

EXPECTED = {
    # Every page the app makes: the raw HTML has "Loading", no description, no heading, no text
    # and no links.
    "render-title-changed": APP_MADE,
    "render-description-changed": APP_MADE,
    "render-h1-changed": APP_MADE,
    "render-links-added": APP_MADE,
    "render-content-added": APP_MADE,
    # The head tags, only where the script changes them.
    "render-canonical-changed": {"/canonical-changed"},
    "render-noindex-added": {"/noindex-added"},
    "render-noindex-removed": {"/noindex-removed"},
    "render-robots-changed": {"/nofollow-added"},
    "render-hreflang-changed": {"/hreflang-added"},
    "render-failed": set(),
}


@dataclass
class Result:
    doc: dict[str, Any]
    stderr: str
    returncode: int


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Result]:
    server = FixtureServer().start()
    try:
        serve(server, [HOME, *SITE])
        home = tmp_path_factory.mktemp("raw-vs-rendered")
        done, doc = scan(isolated_env(home), home / "scan.json", server.url(), "--render", "always")
        yield Result(doc, done.stderr, done.returncode)
    finally:
        server.stop()


def test_every_page_is_rendered(result: Result) -> None:
    assert result.returncode == 0, result.stderr
    clean(result.stderr)
    stored = pages(result.doc)
    # The German alternates are followed too; they answer 404, and an error page is not
    # rendered.
    missing = {"/de/hreflang-added", "/de/hreflang-same", "/de/hreflang-again"}
    assert set(stored) == {p.path for p in [HOME, *SITE]} | missing
    assert {p for p in missing if stored[p]["status"] == 404} == missing
    stats = crawl_stats(result.doc)
    assert (stats["rendered"], stats["render_failed"]) == (len(SITE) + 1, 0)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_a_code_fires_exactly_where_the_script_changes_the_page(result: Result, code: str) -> None:
    assert found(result.doc).get(code, set()) == EXPECTED[code]


def test_the_control_page_has_no_render_finding(result: Result) -> None:
    """The server sends what the app renders: hydration changes nothing a crawler reads."""
    on_ssr = {code for code, paths in found(result.doc).items() if "/ssr" in paths}
    assert not [code for code in on_ssr if code.startswith("render-")]


def test_messages_name_the_raw_and_the_rendered_values(result: Result) -> None:
    doc = result.doc
    canonical = issue(doc, "render-canonical-changed", "/canonical-changed")
    assert canonical["details"]["raw"].endswith("/ssr")
    assert canonical["details"]["rendered"].endswith("/canonical-changed")
    assert "/ssr" in canonical["message"] and "/canonical-changed" in canonical["message"]
    description = issue(doc, "render-description-changed", "/description-changed")
    assert description["details"]["raw"] == "From the server"
    noindex = issue(doc, "render-noindex-added", "/noindex-added")
    assert noindex["details"] == {"raw": None, "rendered": "noindex"}
    removed = issue(doc, "render-noindex-removed", "/noindex-removed")
    assert removed["details"] == {"raw": "noindex", "rendered": None}
    robots = issue(doc, "render-robots-changed", "/nofollow-added")
    assert robots["details"] == {"raw": "index, follow", "rendered": "index, nofollow"}
    hreflang = issue(doc, "render-hreflang-changed", "/hreflang-added")
    assert "0 hreflang links in the raw HTML, 2 after rendering" in hreflang["message"]


def test_the_rendered_robots_meta_decides_indexability(result: Result) -> None:
    """The rendered page is the one judged: noindex added by script makes the page not
    indexable, removed by script makes it indexable (the render-* findings say the raw one
    differs)."""
    stored = pages(result.doc)
    assert stored["/noindex-added"]["indexable"] is False
    assert stored["/noindex-removed"]["indexable"] is True
    assert stored["/noindex-kept"]["indexable"] is False
    assert stored["/ssr"]["indexable"] is True
