"""The link, redirect and URL checks of issue 15 in a real scan of a site served on 127.0.0.1:
each finding on the page that has the defect, and none on the healthy one."""

from __future__ import annotations

import pytest

from tests.server import FixtureServer, Response, html

pytestmark = pytest.mark.store_agnostic  # a private SQLite store; the PostgreSQL run skips it

WORDS = "<p>" + "Forged steel spades with ash handles for clay and stony ground. " * 30 + "</p>"
HEALTHY = html(
    "Forged steel garden spades with ash handles",
    f'<h1>Spades</h1>{WORDS}<h2 id="care">Care</h2><a href="#care">Care</a>'
    '<a href="/tools/fork.html">Digging forks</a><a href="/moved">Moved offer</a>'
    '<a href="/Tools/Rake.html?a=1&amp;b=2&amp;c=3&amp;d=4">Rakes</a>',
)
DEFECTS = html(
    "Forged steel digging forks with ash handles",
    f"<h1>Forks</h1>{WORDS}"
    '<a href="/" rel="nofollow">Home</a><a href="javascript:void(0)">Menu</a>'
    '<a href="/"><span class="icon-home"></span></a><a href="#sizes">Sizes</a>'
    '<img src="/img/fork photo.jpg" alt="A fork">',
    head='<meta http-equiv="refresh" content="10; url=/">',
)


def test_a_scan_reports_each_defect_on_its_page(cli, server: FixtureServer):
    server.routes["/"] = Response(body=HEALTHY)
    server.routes["/tools/fork.html"] = Response(body=DEFECTS)
    server.routes["/moved"] = Response(302, headers={"Location": "/"})
    server.routes["/Tools/Rake.html?a=1&b=2&c=3&d=4"] = Response(body=HEALTHY)
    server.routes["/img/fork%20photo.jpg"] = Response(body=b"GIF89a", content_type="image/gif")
    doc = cli("scan", server.url(), "--no-sitemaps", "--no-external", "--format", "json").json()
    found = {(i["code"], i["url"].removeprefix(server.origin)) for i in doc["issues"]}
    ours = {
        "link-nofollow-internal", "link-href-unusable", "link-name-missing",
        "link-fragment-missing", "meta-refresh", "url-unencoded", "redirect-temporary",
        "url-uppercase", "url-many-parameters", "page-nofollow", "url-too-long", "mixed-content",
    }  # fmt: skip
    assert {f for f in found if f[0] in ours} == {
        ("link-nofollow-internal", "/tools/fork.html"),
        ("link-href-unusable", "/tools/fork.html"),
        ("link-name-missing", "/tools/fork.html"),
        ("link-fragment-missing", "/tools/fork.html"),
        ("meta-refresh", "/tools/fork.html"),
        ("url-unencoded", "/tools/fork.html"),
        ("redirect-temporary", "/moved"),
        ("url-uppercase", "/Tools/Rake.html?a=1&b=2&c=3&d=4"),
        ("url-many-parameters", "/Tools/Rake.html?a=1&b=2&c=3&d=4"),
    }
    (redirect,) = [i for i in doc["issues"] if i["code"] == "redirect-temporary"]
    assert "302" in redirect["message"] and server.origin + "/" in redirect["message"]
