"""Issue 17's "done when": one scan with every kind of problem page pushes in ONE run. A URL
too long for the platform, a page over the body cap, a long canonical, a long schema type and a
page the platform always answers 500 for: every other page is sent, each problem page is
accounted for by its reason, the exit code says pages were set aside, and a second push sends
nothing."""

from __future__ import annotations

import pytest

from tests.conftest import Cli
from tests.server import FixtureServer, Response, html
from tests.sync.platform import Platform
from tests.sync.test_limits import build_odd_shop

ALWAYS = 10**6


pytestmark = pytest.mark.usefixtures("no_backoff")


def test_every_problem_page_is_accounted_for_in_one_push(
    server: FixtureServer, platform: Platform, cli: Cli
) -> None:
    long_url = build_odd_shop(server)
    filler = "<p>" + "All the products we ever sold. " * 10_000 + "</p>"  # ~300 KB
    server.routes["/big/"] = Response(body=html("Every product", f"<h1>All</h1>{filler}"))
    plain = server.routes["/plain/"]
    plain.body = str(plain.body).replace("</h1>", '</h1><a href="/big/">big</a>')
    assert cli("sites", "add", server.url(), "--name", "shop").exit_code == 0
    scan = cli("scan", "shop", "--no-sitemaps", "--max-body-size", "100K", "--format", "json")
    assert scan.exit_code == 0, scan.stderr
    pages = {
        p["url"]
        for p in scan.json()["pages"]
        if p["status"] == 200 and "html" in (p["content_type"] or "")
    }
    key, remote = platform.add_site("Shop", server.url())
    login = cli("auth", "login", "shop", "--api-url", platform.api_url, input=key + "\n")
    assert login.exit_code == 0, login.stderr
    poisoned = server.url("/plain/")
    platform.fault("/pages/sync/", "status", times=ALWAYS, body_has=f'{poisoned}"')

    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 6, r.stderr  # pages set aside as failed: documented exit 6
    assert "once the platform is back" not in r.stderr  # not an outage
    doc = r.json()
    sent = {p["url"] for p in platform.pages_of(remote).values()}
    # every page but the two problem pages arrived, the big one among them
    assert sent == pages - {long_url, poisoned} and server.url("/big/") in sent
    assert (doc["failed"], doc["remaining"]) == (1, 0)
    assert [u["url"] for u in doc["unsendable"]] == [long_url]
    notes = {n["url"]: n["note"] for n in doc["left_out"]}
    assert "canonical URL over 200 characters" in notes[server.url("/canon/")]
    assert "sent without its content" in notes[server.url("/big/")]
    big = next(p for p in platform.pages_of(remote).values() if p["url"] == server.url("/big/"))
    seo = platform.seo_of(big["page_id"])
    assert seo is not None and "page-too-large" in {i["type"] for i in seo["issues"]}
    status = cli("sync", "status", "shop", "--format", "json").json()[0]
    assert (status["failed"], status["unsendable"], status["pending"]) == (1, 1, 0)

    requests = len(platform.page_requests())
    again = cli("sync", "push", "shop", "--format", "json")
    assert again.exit_code == 6 and again.json()["already_sent"] is True  # still 1 set aside
    assert len(platform.page_requests()) == requests  # and nothing sent again
