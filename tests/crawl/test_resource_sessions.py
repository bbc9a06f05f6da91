"""The resource checker's sessions for other hosts: a bounded number open, every one closed.

A site can link thousands of hosts; each gets a small session of its own, and only the most
recently used ones stay open. A session left open is a socket leak and, at exit, an "Unclosed
client session" warning under the scan's output.
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
import pytest

from seolog.config import CrawlSettings
from seolog.crawl import resources
from seolog.crawl.askers import make_session
from seolog.crawl.resources import ResourceChecker
from seolog.crawl.tls import public_verify
from seolog.domain import ResourceCheck, ResourceKind
from tests.resource_servers import HostServer, Response, hosts

pytestmark = [pytest.mark.external, pytest.mark.store_agnostic]  # no store: not rerun on PostgreSQL


def _check(
    urls: list[str], settings: CrawlSettings, *later: list[str]
) -> tuple[list[ResourceCheck], list[aiohttp.ClientSession]]:
    """Check `urls` as a scan does, then each of `later` once those are done; returns the
    results and every session the checker made."""
    made: list[aiohttp.ClientSession] = []

    def session() -> aiohttp.ClientSession:
        made.append(make_session(settings, public_verify(settings), settings.external_per_host))
        return made[-1]

    async def main() -> list[ResourceCheck]:
        results: list[ResourceCheck] = []

        async def emit(check: ResourceCheck) -> None:
            results.append(check)

        async with httpx.AsyncClient() as crawl_client:
            checker = ResourceChecker(
                settings,
                is_internal=lambda _url: False,
                crawl_client=crawl_client,
                external_client=session,
                emit=emit,
            )
            for batch in (urls, *later):
                for url in batch:
                    checker.offer(url, ResourceKind.LINK)
                await checker.drain()
            await checker.cancel()
        return results

    return asyncio.run(main()), made


def test_past_the_open_limit_every_session_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two open at most. Hosts a and b are checked, then two URLs of host c at once: the first
    closes a's idle session to make room, and the second, arriving meanwhile, must not make c
    a twin session that nobody closes."""
    monkeypatch.setattr(resources, "OPEN_CLIENTS", 2)
    with hosts(3) as (a, b, c):
        for server in (a, b, c):
            for i in range(2):
                server.routes[f"/{i}"] = Response(body="ok")
        first, then = [a.url("/0"), b.url("/0")], [c.url("/0"), c.url("/1")]
        results, made = _check(first, CrawlSettings(external_per_host=2), then)
    assert sorted(r.url for r in results) == sorted(first + then)
    assert all(r.result.status_code == 200 for r in results)
    assert len(made) == 3  # one session a host
    assert all(s.closed for s in made)


def test_a_host_session_carries_no_cookie_to_the_next_request() -> None:
    """A cookie one host sets is not sent back, to it or any other: the checks carry no state."""
    server = HostServer().start()
    try:
        server.routes["/a"] = Response(body="ok", headers={"Set-Cookie": "id=secret; Path=/"})
        server.routes["/b"] = Response(body="ok")
        # One at a time to the host: /a's cookie is set before /b is asked.
        one = CrawlSettings(external_per_host=1)
        results, _made = _check([server.url("/a"), server.url("/b")], one)
    finally:
        server.stop()
    assert all(r.result.status_code == 200 for r in results)
    assert not any("cookie" in {k.lower() for k in r.headers} for r in server.requests)


def test_a_page_with_a_long_header_is_not_a_broken_link() -> None:
    """Some sites send a Content-Security-Policy of 10 KB and more: past aiohttp's default limit
    of 8,190 bytes a header, but a page that works."""
    server = HostServer().start()
    try:
        policy = "default-src 'self'; " + "; ".join(
            f"img-src https://cdn{i}.example" for i in range(800)
        )
        assert len(policy) > 20_000
        server.routes["/csp"] = Response(body="ok", headers={"Content-Security-Policy": policy})
        (result,), _made = _check([server.url("/csp")], CrawlSettings())
    finally:
        server.stop()
    assert (result.result.status_code, result.result.error_kind) == (200, None)


def test_an_untrusted_certificate_is_a_tls_failure_of_the_host(tmp_path) -> None:
    """Another host's certificate from a CA nobody trusts: a TLS failure (not an invalid URL),
    asked once (no GET after the HEAD: TLS is the host's, not the URL's), and the host's other
    URLs fail with it without a request. With its CA trusted (--ca-bundle), the same links work."""
    from tests.tls_server import https_server

    with https_server(tmp_path) as (server, ca_file):
        for path in ("/a", "/b", "/c"):
            server.page(path, "Another site")
        urls = [server.url(p) for p in ("/a", "/b", "/c")]
        one = CrawlSettings(external_per_host=1)
        results, _made = _check(urls, one)
        asked = len(server.paths())
        trusted, _made = _check(urls, CrawlSettings(ca_bundle=str(ca_file)), [])
    kinds = {r.url: (r.method, r.result.error_kind) for r in results}
    assert kinds[urls[0]] == ("HEAD", "tls")
    assert all(kind == "tls" for _method, kind in kinds.values())
    assert "not trusted" in (results[0].result.error or "")
    assert asked == 0  # the handshake failed: no request reached the server
    assert [r.result.status_code for r in trusted] == [200, 200, 200]
