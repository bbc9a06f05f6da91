"""Slow means the server is slow: time to first byte, confirmed by a calm second fetch after the
crawl, so the crawler's own busy moments never become a finding."""

from __future__ import annotations

from collections import Counter

from tests.server import FixtureServer, Request, Response, html

SLOW = 1.6  # seconds a slow route waits: far above the threshold below, on any machine
THRESHOLD = ["-t", "slow_response_ms=1200"]


def _site(server: FixtureServer) -> Counter[str]:
    calls: Counter[str] = Counter()

    def busy_once(req: Request) -> Response:
        """Slow only the first time: what a crawl sees when its own event loop is busy."""
        calls[req.path] += 1
        return Response(
            body=html("Busy", "<p>Busy once.</p>"), delay=SLOW if calls[req.path] == 1 else 0
        )

    server.page(
        "/", body='<a href="/busy">Busy</a> <a href="/slow">Slow</a> <a href="/fast">Fast</a>'
    )
    server.page("/fast", title="Fast")
    server.routes["/busy"] = busy_once
    server.routes["/slow"] = Response(body=html("Slow", "<p>Always slow.</p>"), delay=SLOW)
    return calls


def test_only_pages_still_slow_when_fetched_alone_are_reported(server: FixtureServer, cli):
    _site(server)
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json", *THRESHOLD)
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    slow = [i for i in doc["issues"] if i["code"] == "slow-response"]
    assert [i["url"] for i in slow] == [server.url("/slow")]
    details = slow[0]["details"]
    assert details["ttfb_ms"] >= SLOW * 1000 and details["crawl_ttfb_ms"] >= SLOW * 1000
    assert details["download_ms"] is not None and details["threshold"] == 1200
    crawl = doc["summary"]["crawl"]
    assert crawl["slow_pages"] == 2
    assert {p["url"] for p in crawl["reprobes"]} == {server.url("/busy"), server.url("/slow")}
    assert server.paths().count("/busy") == 2 and server.paths().count("/fast") == 1
    pages = {p["url"]: p for p in doc["pages"]}
    assert pages[server.url("/busy")]["response_ms"] >= SLOW * 1000  # the crawl's own timing
    (check,) = [c for c in doc["checks"] if c["code"] == "slow-response"]
    assert (check["result"], check["judged"], check["failed"]) == ("failed", 1, 1)


def test_reprobe_limits_the_extra_requests(server: FixtureServer, cli):
    _site(server)
    r = cli("scan", server.url(), "--no-sitemaps", "--format", "json", "--reprobe", "0", *THRESHOLD)
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert "slow-response" not in doc["summary"]["by_code"]
    assert doc["summary"]["crawl"]["slow_pages"] == 2
    assert any("none timed again alone" in n for n in doc["summary"]["crawl"]["notes"])
    assert server.paths().count("/slow") == 1  # not fetched again
    # Unconfirmed slow pages are neither reported nor passed: the check could not judge.
    (check,) = [c for c in doc["checks"] if c["code"] == "slow-response"]
    assert (check["result"], check["judged"]) == ("not_applicable", 0)
