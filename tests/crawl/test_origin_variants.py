"""The origin-variant probe against real HTTP servers on 127.0.0.1.

www. and other-scheme hosts cannot resolve to 127.0.0.1 here, so the client's transport maps each
public origin to a local server at the URL boundary: the request keeps its public Host header,
redirects name public URLs, and everything between is real HTTP through the crawl's Fetcher.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import httpx
import pytest

from seolog.checks.runner import run_site_checks
from seolog.checks.sitedata import SiteData
from seolog.checks.thresholds import Thresholds
from seolog.config import CrawlSettings
from seolog.crawl.fetch import Fetcher
from seolog.crawl.variants import origin_variants, probe_origin_variants
from seolog.domain import OriginVariant, RobotsState
from tests.server import FixtureServer, Response, html

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it


class OriginMap(httpx.AsyncBaseTransport):
    """Sends a request for a public origin to the local server standing in for it; an origin
    with no server goes to a closed local port (a real refused connection)."""

    def __init__(self, servers: dict[str, str], refused: str) -> None:
        self.servers = servers
        self.refused = refused
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        public = f"{request.url.scheme}://{request.url.netloc.decode()}"
        local = httpx.URL(self.servers.get(public, self.refused))
        request.url = request.url.copy_with(scheme=local.scheme, host=local.host, port=local.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _probe(start_url: str, servers: dict[str, str]) -> list[OriginVariant]:
    async def main() -> list[OriginVariant]:
        settings = CrawlSettings(retries=0)
        transport = OriginMap(servers, _closed_port())
        async with httpx.AsyncClient(transport=transport, follow_redirects=False) as client:
            return await probe_origin_variants(start_url, Fetcher(client, settings).fetch)

    return asyncio.run(main())


@pytest.fixture
def servers() -> Iterator[list[FixtureServer]]:
    started = [FixtureServer().start() for _ in range(3)]
    yield started
    for s in started:
        s.stop()


def test_each_variant_is_asked_once_at_its_root_and_recorded(servers: list[FixtureServer]):
    site, bare_http, www = servers
    site.page("/", "Shop")
    site.page("/shop/", "Shop")
    # http://example.com/ redirects to the site; https://www.example.com/ is a copy of it;
    # http://www.example.com/ has no server at all.
    bare_http.routes["/"] = Response(301, headers={"Location": "https://example.com/"})
    www.routes["/"] = Response(body=html("Shop (copy)"))
    variants = _probe(
        "https://example.com/shop/?q=1",
        {
            "https://example.com": site.origin,
            "http://example.com": bare_http.origin,
            "https://www.example.com": www.origin,
        },
    )
    refused = variants.pop()
    assert variants == [
        OriginVariant("http://example.com/", 301, "https://example.com/", 200),
        OriginVariant("https://www.example.com/", 200, "https://www.example.com/", 200),
    ]
    assert refused.url == "http://www.example.com/"
    assert (refused.status, refused.final_status) == (None, None)
    assert refused.error
    # One request per variant, at the root, with the variant's own Host.
    assert [(r.path, r.headers["host"]) for r in bare_http.requests] == [("/", "example.com")]
    assert [(r.path, r.headers["host"]) for r in www.requests] == [("/", "www.example.com")]
    assert [r.path for r in site.requests] == ["/"]  # only as the end of the redirect

    # The check reads what the probe recorded: the copy on www is the one finding.
    data = SiteData(
        root_url="https://example.com/",
        robots_state=RobotsState.PARSED,
        sitemaps_checked=False,
        sitemap_urls=0,
        origin_variants=(*variants, refused),
        canonical_origin="https://example.com",
    )
    found = run_site_checks(data, Thresholds())
    assert [(f.code, f.url, f.message) for f in found if f.code.startswith("origin-")] == [
        (
            "origin-variant-not-redirected",
            "https://www.example.com/",
            "https://www.example.com/ answers 200 itself instead of redirecting to "
            "https://example.com/",
        )
    ]


def test_redirects_are_followed_to_any_host_and_a_404_is_recorded_as_it_is(
    servers: list[FixtureServer],
):
    site, www, elsewhere = servers
    site.page("/", "Home")
    # www redirects to a third host (a parked-domain page), which answers 200.
    www.routes["/"] = Response(302, headers={"Location": "https://parking.example/lander"})
    elsewhere.page("/lander", "Parked")
    variants = _probe(
        "http://www.example.com:8080/",
        {
            "http://www.example.com:8080": site.origin,
            "http://example.com:8080": www.origin,
            "https://parking.example": elsewhere.origin,
        },
    )
    # A port in the URL: no other scheme (it would be another port), only the other host.
    assert variants == [
        OriginVariant("http://example.com:8080/", 302, "https://parking.example/lander", 200)
    ]
    assert [r.path for r in elsewhere.requests] == ["/lander"]

    www.routes["/"] = Response(404, html("Not found"))
    assert _probe("http://www.example.com:8080/", {"http://example.com:8080": www.origin}) == [
        OriginVariant("http://example.com:8080/", 404, "http://example.com:8080/", 404)
    ]


def test_a_redirect_loop_has_no_final_answer(servers: list[FixtureServer]):
    loop = servers[0]
    loop.routes["/"] = Response(301, headers={"Location": "/"})
    [variant] = _probe("https://example.com:4443/", {"https://www.example.com:4443": loop.origin})
    assert variant.status == 301 and variant.final_status is None
    assert variant.error and "loop" in variant.error


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            "https://example.com/a?b=1#c",
            ["http://example.com/", "https://www.example.com/", "http://www.example.com/"],
        ),
        (
            "http://www.example.com/",
            ["https://www.example.com/", "http://example.com/", "https://example.com/"],
        ),
        (
            "https://user:secret@Example.COM/",
            ["http://example.com/", "https://www.example.com/", "http://www.example.com/"],
        ),
        ("https://example.com:8443/", ["https://www.example.com:8443/"]),
        ("http://127.0.0.1/", ["https://127.0.0.1/"]),
        ("http://127.0.0.1:8000/", []),
        ("http://localhost/", ["https://localhost/"]),
        ("http://intranet/", ["https://intranet/"]),
        ("http://www.intranet/", ["https://www.intranet/"]),
        ("https://[::1]/", ["http://[::1]/"]),
        ("ftp://example.com/", []),
    ],
)
def test_which_variants_an_origin_has(start: str, expected: list[str]):
    assert origin_variants(start) == expected


def test_a_scan_probes_the_variants_and_reports_the_one_that_answers_itself(
    cli, monkeypatch: pytest.MonkeyPatch
):
    """The whole path: the crawl probes its origin's variants after the pages (here two other
    loopback servers stand in for http:// and www.), stores what they answered, and the audit
    reports the variant that serves a copy of the site instead of redirecting."""
    import seolog.crawl.variants as variants

    site, copy, redirecting = (FixtureServer().start() for _ in range(3))
    try:
        site.page("/", "Home page of the site with variants to probe", "<h1>Home</h1>")
        copy.page("/", "Home page of the site with variants to probe", "<h1>Home</h1>")
        redirecting.routes["/"] = Response(301, headers={"Location": site.url("/")})
        monkeypatch.setattr(
            variants, "origin_variants", lambda _start: [copy.url("/"), redirecting.url("/")]
        )
        r = cli("scan", site.url("/"), "--format", "json")
        assert r.exit_code in (0, 1), r.stderr
        doc = r.json()
        probed = {v["url"]: v for v in doc["summary"]["crawl"]["origin_variants"]}
        assert probed[copy.url("/")]["final_status"] == 200
        assert probed[redirecting.url("/")]["final_url"] == site.url("/")
        found = [i for i in doc["issues"] if i["code"] == "origin-variant-not-redirected"]
        assert [i["url"] for i in found] == [copy.url("/")]
        assert copy.paths() == ["/"] and redirecting.paths() == ["/"]  # once each
    finally:
        for s in (site, copy, redirecting):
            s.stop()
