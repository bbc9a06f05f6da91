"""Fixtures for sync: the contract platform, a small WordPress-like site, a scan of it, a login."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import Cli
from tests.server import FixtureServer, Response, html
from tests.sync.platform import Platform, Site

LONG_TITLE = "A title that goes on " * 30  # ~630 characters: over the platform's 500


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without a pause (SEOLOG_SYNC_BACKOFF=0): fault tests wait on nothing."""
    monkeypatch.setenv("SEOLOG_SYNC_BACKOFF", "0")


@pytest.fixture
def platform() -> Iterator[Platform]:
    p = Platform().start()
    yield p
    p.stop()


def build_shop(server: FixtureServer) -> None:
    """Five pages (three reveal their WordPress id), a redirect and a broken link."""
    nav = (
        '<a href="/about/">About</a> <a href="/blog/hello-world/">Blog</a> '
        '<a href="/long/">Long</a> <a href="/plain/">Plain</a> <a href="/old">Old</a> '
        '<a href="/missing">Missing</a>'
    )
    server.routes["/"] = Response(
        body=html("Shop home", f"<h1>Welcome</h1>{nav}").replace(
            "<body>", '<body class="home page-template-default page page-id-2">'
        )
    )
    server.routes["/about/"] = Response(
        body=html(
            "About the shop",
            f"<h1>About</h1><h2>Team</h2><h2>History</h2>{nav}",
            head='<link rel="shortlink" href="http://shop.test/?p=7">'
            '<meta name="description" content="Who we are.">',
        ),
        headers={"Last-Modified": "Wed, 21 Oct 2026 07:28:00 GMT"},
    )
    server.routes["/blog/hello-world/"] = Response(
        body=html(
            "Hello world",
            f'<h1>Hello</h1><img src="/a.png"><img src="/b.png" alt="B">{nav}'
            '<a href="https://elsewhere.test/x">Elsewhere</a>'
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "BlogPosting", "headline": "Hello"}</script>',
        ).replace("<body>", '<body class="post-template-default single postid-15">')
    )
    server.routes["/long/"] = Response(body=html(LONG_TITLE, f"<h1>{'Long ' * 150}</h1>{nav}"))
    server.routes["/plain/"] = Response(body=html("Plain page", f"<h1>Plain</h1>{nav}"))
    server.routes["/old"] = Response(301, "", headers={"Location": "/about/"})


@dataclass
class Shop:
    server: FixtureServer
    scan_id: int
    platform: Platform
    key: str
    remote: Site

    def url(self, path: str = "/") -> str:
        return self.server.url(path)


@pytest.fixture
def shop(server: FixtureServer, platform: Platform, cli: Cli) -> Shop:
    """The shop site registered as `shop`, scanned once, with a platform key (not logged in)."""
    build_shop(server)
    assert cli("sites", "add", server.url(), "--name", "shop").exit_code == 0
    r = cli("scan", "shop", "--no-sitemaps", "--format", "json")
    assert r.exit_code == 0, r.stderr
    key, remote = platform.add_site("Shop", server.url())
    return Shop(server, r.json()["scan"]["id"], platform, key, remote)


@pytest.fixture
def logged_in(shop: Shop, cli: Cli) -> Shop:
    r = cli("auth", "login", "shop", "--api-url", shop.platform.api_url, input=shop.key + "\n")
    assert r.exit_code == 0, r.stderr
    return shop
