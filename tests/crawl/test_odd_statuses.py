"""Statuses HTTP does not define, and redirects that name no target, each get a finding of
their own on a real server (none is filed as a server error, none passes silently)."""

from __future__ import annotations

from tests.server import Response, html


def _issues(r) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for issue in r.json()["issues"]:
        found.setdefault(issue["code"], set()).add(issue["url"].rsplit("/", 1)[-1])
    return found


def test_status_999_and_a_redirect_without_location(server, cli) -> None:
    server.page("/", body='<a href="/nine">n</a> <a href="/noloc">r</a> <a href="/down">d</a>')
    server.routes["/nine"] = Response(999, html("Denied"))
    server.routes["/noloc"] = Response(302, "", content_type="")
    server.routes["/down"] = Response(503, html("Down"), headers={"Retry-After": "0"})
    r = cli("scan", server.url(), "--no-sitemaps", "--retries", "0", "-f", "json")
    assert r.exit_code == 0, r.stderr
    issues = _issues(r)
    assert issues.get("http-status-nonstandard") == {"nine"}
    assert issues.get("http-5xx") == {"down"}  # a real 5xx still is one; 999 is not
    assert issues.get("redirect-location-missing") == {"noloc"}
    (nine,) = [i for i in r.json()["issues"] if i["code"] == "http-status-nonstandard"]
    assert "999" in nine["message"]
