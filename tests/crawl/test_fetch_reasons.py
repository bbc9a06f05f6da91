"""Every fetch failure says why: a body that stalls half-way is not an empty reason."""

from __future__ import annotations

from tests.server import Response, html


def test_a_body_that_stalls_midway_says_so(server, cli) -> None:
    body = html("Stalls", "<p>" + "x" * 200 + "</p>")
    server.routes["/"] = Response(body=body, drip=5.0)  # one byte, then 5 s of silence
    r = cli("scan", server.url(), "--no-sitemaps", "--timeout", "1", "--retries", "0")
    assert r.exit_code == 4, r.stderr
    (line,) = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    assert "stopped sending the body" in line and "1 s" in line, line
    assert not line.rstrip().endswith(":"), line


def test_a_stalled_page_inside_the_crawl_keeps_its_reason(server, cli) -> None:
    server.page("/", body='<a href="/slow">slow</a>')
    server.routes["/slow"] = Response(body=html("Slow", "x" * 100), drip=5.0)
    r = cli("scan", server.url(), "--no-sitemaps", "--timeout", "1", "--retries", "0", "-f", "json")
    assert r.exit_code == 0, r.stderr
    (slow,) = [p for p in r.json()["pages"] if p["url"].endswith("/slow")]
    assert "stopped sending the body" in slow["error"]
    found = [f for f in r.json()["issues"] if f["code"] == "fetch-failed"]
    assert found and "stopped sending the body" in found[0]["message"], found
