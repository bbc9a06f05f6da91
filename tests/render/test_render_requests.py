"""The browser's own requests follow the crawl's rules (issue 22): what the app asks of the site
obeys robots.txt and carries the user's credentials, as the crawl's requests do; other hosts are
blocked unless --render-third-party, and never get the credentials; popups are never loaded.

The site and "another host" are two FixtureServers on 127.0.0.1: another port is another origin
to seolog (and to the browser), so no name has to resolve. Two rendered scans of one app, one
with the default rules and one with --render-third-party, both with --header and --cookie; the
servers' logs of each are kept."""

from __future__ import annotations

import json
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
    isolated_env,
    path,
    render_record,
    rows,
    scan,
)
from tests.server import FixtureServer, Request, Response

if MISSING_BROWSER:
    pytest.skip(MISSING_BROWSER, allow_module_level=True)

pytestmark = [
    pytest.mark.timeout(SLOW_TIMEOUT),
    pytest.mark.store_agnostic,  # private SQLite stores; PostgreSQL skips it
]

CREDENTIALS = ("--header", "X-Key: s3cret-key", "--cookie", "session=t0ken")
SENSITIVE = ("x-key", "cookie", "authorization")
PAGES = ("/", "/disallowed-data", "/allowed-data", "/other-host-data", "/popup")
# Words only the extra data of each page has, to find in the rendered DOM (or not).
DISALLOWED_WORDS = "Disallowedwords from the private folder."
ALLOWED_WORDS = "Allowedwords from the data folder."
OTHER_HOST_WORDS = "Otherhostwords from another host."


@dataclass
class Run:
    returncode: int
    stderr: str
    doc: dict[str, Any]
    renders: dict[str, dict[str, Any]]  # pages.render by path
    site: list[Request]  # what the site was asked, in this scan
    other: list[Request]  # what the other host was asked


@dataclass
class Runs:
    default: Run
    third_party: Run


def _site(site: FixtureServer, other: FixtureServer) -> None:
    site.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    site.routes["/private/more.txt"] = Response(body=DISALLOWED_WORDS, content_type="text/plain")
    site.routes["/data/more.txt"] = Response(body=ALLOWED_WORDS, content_type="text/plain")
    # Readable by a script of another origin (CORS), as a public API's answers are.
    other.routes["/feed.txt"] = Response(
        body=OTHER_HOST_WORDS,
        content_type="text/plain",
        headers={"Access-Control-Allow-Origin": "*"},
    )
    pages = [
        AppPage("/disallowed-data", "Data from a disallowed folder", ["/"], extra="/private/more.txt"),
        AppPage("/allowed-data", "Data from an allowed folder", ["/"], extra="/data/more.txt"),
        AppPage("/other-host-data", "Data from another host", ["/"], extra=other.url("/feed.txt")),
        # A popup is another page, not this one's content: refused, to any host.
        AppPage("/popup", "A page that opens a popup", ["/"],
                raw_head=f'<script>window.open("{other.url("/popup")}")</script>'),
    ]  # fmt: skip
    links = [p.path for p in pages] + ["/cookies"]
    serve(site, [AppPage("/", "Home of the app with data", links), *pages])
    # A page whose script is given two cookies by the site, and shows what it has.
    site.routes["/two-cookies"] = Response(
        body="ok",
        content_type="text/plain",
        headers=Repeated([("Set-Cookie", "first=1; Path=/"), ("Set-Cookie", "second=2; Path=/")]),
    )
    site.page("/cookies", "The cookies a script was given",
              '<div id="root"></div><script>fetch("/two-cookies").then(() => {'
              'document.getElementById("root").innerHTML = "<h1>" + document.cookie + "</h1>"'
              "})</script>")  # fmt: skip


class Repeated(dict[str, str]):
    """Response headers with a name sent more than once (FixtureServer sends `items()`)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs

    def items(self) -> Any:
        return self.pairs


def _run(site: FixtureServer, other: FixtureServer, home: Any, *args: str) -> Run:
    for server in (site, other):
        with server._lock:
            server.requests.clear()
    env = isolated_env(home)
    done, doc = scan(env, home / "scan.json", site.url(), "--render", "always", "--store-html",
                     *CREDENTIALS, *args)  # fmt: skip
    renders = {
        path(r.url): render_record(r.render)
        for r in rows(env["SEOLOG_DATABASE_URL"], "SELECT url, render FROM pages")
    }
    return Run(done.returncode, done.stderr, doc, renders, list(site.requests),
               list(other.requests))  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    site, other = FixtureServer().start(), FixtureServer().start()
    try:
        _site(site, other)
        yield Runs(
            _run(site, other, tmp_path_factory.mktemp("default")),
            _run(site, other, tmp_path_factory.mktemp("third-party"), "--render-third-party"),
        )
    finally:
        site.stop()
        other.stop()


def _dom(run: Run, page: str) -> str:
    html = run.renders[page]["html"]
    assert "<h1>" in html, html  # the app rendered the page (the check below means something)
    return str(html)


def test_both_scans_render_every_page(runs: Runs) -> None:
    for run in (runs.default, runs.third_party):
        assert run.returncode == 0, run.stderr
        clean(run.stderr)
        assert set(run.renders) == {*PAGES, "/cookies"}
        assert crawl_stats(run.doc)["rendered"] == len(PAGES) + 1


def test_the_browser_obeys_robots_txt_for_the_data_it_loads(runs: Runs) -> None:
    for run in (runs.default, runs.third_party):
        asked = [r.path for r in run.site]
        assert "/private/more.txt" not in asked  # refused before any request
        assert "/data/more.txt" in asked
        assert DISALLOWED_WORDS not in _dom(run, "/disallowed-data")
        assert ALLOWED_WORDS in _dom(run, "/allowed-data")
        assert run.renders["/disallowed-data"]["blocked_requests"] == 1
        assert run.renders["/allowed-data"]["blocked_requests"] == 0
        # Refused data is not a failed render: the page was read once it settled.
        assert run.renders["/disallowed-data"]["note"] is None
        blocked = sum(r["blocked_requests"] for r in run.renders.values())
        assert crawl_stats(run.doc)["render_blocked"] == blocked >= 1


def test_other_hosts_are_blocked_by_default(runs: Runs) -> None:
    run = runs.default
    assert run.other == []  # neither the data nor the popup
    assert OTHER_HOST_WORDS not in _dom(run, "/other-host-data")
    assert run.renders["/other-host-data"]["blocked_requests"] == 1
    assert run.renders["/popup"]["blocked_requests"] <= 1  # if it was opened before the read
    assert crawl_stats(run.doc)["render_failed"] == 0


def test_render_third_party_lets_the_browser_load_other_hosts(runs: Runs) -> None:
    run = runs.third_party
    assert [r.path for r in run.other] == ["/feed.txt"]  # the data; still not the popup
    assert OTHER_HOST_WORDS in _dom(run, "/other-host-data")
    assert run.renders["/other-host-data"]["blocked_requests"] == 0
    assert run.renders["/disallowed-data"]["blocked_requests"] == 1  # robots.txt still applies


def test_credentials_reach_the_sites_own_requests_from_the_browser(runs: Runs) -> None:
    for run in (runs.default, runs.third_party):
        from_browser = [r for r in run.site if r.path.startswith(("/api/", "/data/"))]
        # Each page's data, and the allowed extra data.
        assert len([r for r in from_browser if r.path.startswith("/api/")]) == len(PAGES)
        for request in from_browser:
            assert request.headers.get("x-key") == "s3cret-key", request.path
            assert "session=t0ken" in request.headers.get("cookie", ""), request.path


def test_credentials_never_reach_another_host(runs: Runs) -> None:
    (request,) = runs.third_party.other
    for name in SENSITIVE:
        assert name not in request.headers, (name, request.headers)
    assert "s3cret" not in json.dumps(request.headers) and "t0ken" not in json.dumps(
        request.headers
    )


def test_the_browser_keeps_every_cookie_the_site_sets(runs: Runs) -> None:
    """Two Set-Cookie headers are two cookies (they were one, "first=1, second=2", and the
    browser kept the first): an app with a session and a CSRF cookie works as for a user."""
    for run in (runs.default, runs.third_party):
        assert "<h1>first=1; second=2</h1>" in run.renders["/cookies"]["html"]
