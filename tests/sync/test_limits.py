"""The platform's column limits: what cannot fit is cut, left out or set aside, never an outage.

The real backend keeps a page's URL in a 200-character column and answers a longer one with an
HTML 500, which reads exactly like an outage; `canonical_url` (200) and `schema_type` (100) over
their columns cost the page its SEO data (a 400). The contract server answers the same way.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from seolog.secrets import ApiKey
from seolog.sync import payloads
from seolog.sync.client import PlatformClient, Refused, Transient
from tests.conftest import Cli
from tests.server import FixtureServer, Response, html
from tests.sync.conftest import Shop, build_shop
from tests.sync.platform import Platform, Site
from tests.sync.test_parts import stored_page

URL_CHARS = 250  # the page whose own URL cannot fit the platform's 200
ELSEWHERE = "https://elsewhere.test/"
LONG_CANONICAL = ELSEWHERE + "c" * 240  # out of the crawl's scope: never fetched itself
LONG_TYPE = "T" * 150


# --- the limits table ----------------------------------------------------------------------------


@pytest.mark.store_agnostic
def test_the_limits_table_holds_the_platform_columns() -> None:
    limits = payloads.LIMITS
    assert (limits.url, limits.canonical_url, limits.schema_type) == (200, 200, 100)
    assert (limits.slug, limits.text, limits.post_id) == (200, 500, 2**31 - 1)
    assert limits.text == payloads.MAX_CHARS


@pytest.mark.store_agnostic
def test_a_page_whose_url_cannot_fit_is_not_sent_and_says_why() -> None:
    fits = stored_page(url="https://s.test/" + "a" * (200 - len("https://s.test/")))
    assert payloads.unsendable(fits) is None
    too_long = stored_page(url=fits.url + "b")
    fitted = payloads.payload(too_long, payloads.PageExtras(), 5, False, lambda c: None)
    assert fitted.unsendable == payloads.Unsendable(
        "url-too-long",
        "URL is 201 characters; the platform takes at most 200",
        "URL over 200 characters",
    )
    assert (fitted.page, fitted.seo_data) == ({}, {})


@pytest.mark.store_agnostic
def test_an_over_long_canonical_is_left_out_and_said_so() -> None:
    extras, advice = payloads.PageExtras(), lambda c: None
    over = "https://s.test/" + "c" * 186  # 201 characters
    long = payloads.payload(stored_page(canonical=over), extras, 5, False, advice)
    assert long.seo_data["canonical_url"] == "" and long.seo_data["has_canonical"] is True
    assert long.notes == ["canonical URL over 200 characters left out"]
    fitting = "https://s.test/" + "c" * 185  # exactly 200
    short = payloads.payload(stored_page(canonical=fitting), extras, 5, False, advice)
    assert short.seo_data["canonical_url"] == fitting and short.notes == []


@pytest.mark.store_agnostic
def test_the_schema_type_and_the_slug_are_cut_to_their_columns() -> None:
    seo = payloads.seo_body(
        stored_page(json_ld=[f'{{"@type": "{LONG_TYPE}"}}']), payloads.PageExtras(), lambda c: None
    )
    assert len(seo["schema_type"]) == 100 and seo["schema_type"].endswith("…")
    body = payloads.page_body(stored_page(url="https://s.test/" + "s" * 300 + "/"), 5, False)
    assert len(body["slug"]) == 200 and body["slug"].endswith("…")


@pytest.mark.store_agnostic
@pytest.mark.parametrize(
    ("directives", "noindex"),
    [
        ({}, False),
        ({"canonical": "https://s.test/other/"}, False),  # canonicalised: not a noindex page
        ({"meta_robots": "noindex, follow"}, True),
        ({"meta_robots": "none"}, True),
        ({"x_robots_tag": "googlebot: noindex"}, True),
        ({"meta_robots": "nofollow", "x_robots_tag": "noarchive"}, False),
    ],
)
def test_is_noindex_comes_from_noindex_directives_only(
    directives: dict[str, str], noindex: bool
) -> None:
    assert payloads.page_body(stored_page(**directives), 5, False)["is_noindex"] is noindex


@pytest.mark.store_agnostic
def test_links_are_sent_and_counted_once_each() -> None:
    a, b, x = "https://s.test/a", "https://s.test/b", "https://x.test/"
    seo = payloads.seo_body(
        stored_page(), payloads.PageExtras([a, b, a, a, b], [x, x]), lambda c: None
    )
    assert (seo["internal_links"], seo["internal_links_count"]) == ([a, b], 2)
    assert (seo["external_links"], seo["external_links_count"]) == ([x], 1)


# --- the contract server answers as the real backend does ---------------------------------------


@pytest.mark.store_agnostic
def test_the_contract_server_refuses_what_the_real_backend_refuses(platform: Platform) -> None:
    key, _site = platform.add_site()
    with PlatformClient(platform.api_url, ApiKey(key, "env")) as client:
        page = {"wp_post_id": 3, "url": "https://acme.test/" + "u" * 190, "title": "T"}
        with pytest.raises(Transient, match=r"HTTP 500: an HTML error page \(Server Error"):
            client.sync_page(page)
        page_id, created = client.sync_page({**page, "url": "https://acme.test/ok/"})
        assert created
        for field, limit in (("canonical_url", 200), ("schema_type", 100)):
            with pytest.raises(Refused) as refused:
                client.sync_seo_data(page_id, {field: "x" * (limit + 1)})
            assert refused.value.message == (
                f"HTTP 400: {field}: Ensure this field has no more than {limit} characters."
            )
            client.sync_seo_data(page_id, {field: "x" * limit})


# --- end to end ----------------------------------------------------------------------------------


def build_odd_shop(server: FixtureServer) -> str:
    """The shop and six pages that test the limits, linked from /plain/; returns the URL of the
    one whose own URL is URL_CHARS long."""
    build_shop(server)
    long_path = "/" + "x" * (URL_CHARS - len(server.url("/")) - 1) + "/"
    nav = '<a href="/about/">About</a>'
    pages = {
        long_path: html("Far away", f"<h1>Far</h1>{nav}"),
        "/canon/": html("Canon", nav, head=f'<link rel="canonical" href="{LONG_CANONICAL}">'),
        "/schema/": html(
            "Schema",
            nav + f'<script type="application/ld+json">{{"@type": "{LONG_TYPE}"}}</script>',
        ),
        "/copy/": html("Copy", nav, head='<link rel="canonical" href="/about/">'),
        "/hidden/": html("Hidden", nav, head='<meta name="robots" content="noindex">'),
        "/dupes/": html("Dupes", (nav + '<a href="/copy/">Copy</a>') * 3),
    }
    for path, body in pages.items():
        server.routes[path] = Response(body=body)
    links = "".join(f'<a href="{path}">{path[:20]}</a>' for path in pages)
    server.routes["/plain/"] = Response(body=html("Plain page", f"<h1>Plain</h1>{links}"))
    assert len(server.url(long_path)) == URL_CHARS
    return server.url(long_path)


@pytest.fixture
def odd_shop(server: FixtureServer, platform: Platform, cli: Cli) -> tuple[str, Site]:
    """The odd shop scanned once, logged in; (the over-long URL, the platform's site)."""
    long_url = build_odd_shop(server)
    assert cli("sites", "add", server.url(), "--name", "shop").exit_code == 0
    r = cli("scan", "shop", "--no-sitemaps")
    assert r.exit_code == 0, r.stderr
    key, remote = platform.add_site("Shop", server.url())
    login = cli("auth", "login", "shop", "--api-url", platform.api_url, input=key + "\n")
    assert login.exit_code == 0, login.stderr
    return long_url, remote


def sent_urls(platform: Platform) -> list[str]:
    return [(c.body or {}).get("url") for c in platform.calls("/pages/sync/")]


PAGES = 11  # the shop's five, the six above; the redirect and the broken link are not pages


def test_one_push_sends_every_page_that_fits_and_names_the_one_that_cannot(
    odd_shop: tuple[str, Site], platform: Platform, server: FixtureServer, cli: Cli
) -> None:
    long_url, remote = odd_shop
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr  # nothing to retry: not an outage, not a refusal
    doc = r.json()
    assert (doc["created"], doc["failed"], doc["remaining"], doc["skipped"]) == (PAGES - 1, 0, 0, 2)
    assert doc["unsendable"] == [
        {
            "url": long_url,
            "reason": "url-too-long",
            "message": "URL is 250 characters; the platform takes at most 200",
        }
    ]
    assert doc["left_out"] == [
        {"url": server.url("/canon/"), "note": "canonical URL over 200 characters left out"}
    ]
    # Each request answered 2xx, and the page that cannot fit was never sent.
    assert {c.status for c in platform.state.requests} <= {200, 201}
    assert long_url not in sent_urls(platform)

    pages = {p["url"]: p for p in platform.pages_of(remote).values()}
    assert len(pages) == PAGES - 1 and long_url not in pages
    for page in pages.values():  # every page that was sent has its SEO data
        assert platform.seo_of(page["page_id"]) is not None, page["url"]

    def seo(path: str) -> dict[str, Any]:
        data = platform.seo_of(pages[server.url(path)]["page_id"])
        assert data is not None
        return data

    assert (seo("/canon/")["canonical_url"], seo("/canon/")["has_canonical"]) == ("", True)
    assert len(seo("/schema/")["schema_type"]) == 100
    # Canonicalised is not noindex; the canonical URL goes with the page.
    assert pages[server.url("/copy/")]["is_noindex"] is False
    assert seo("/copy/")["canonical_url"] == server.url("/about/")
    assert pages[server.url("/hidden/")]["is_noindex"] is True
    dupes = seo("/dupes/")
    assert dupes["internal_links"] == [server.url("/about/"), server.url("/copy/")]
    assert dupes["internal_links_count"] == 2

    status = cli("sync", "status", "shop", "--format", "json").json()[0]
    assert (status["pending"], status["sent"], status["failed"]) == (0, PAGES - 1, 0)
    assert status["unsendable"] == 1
    assert status["last_error"] == "URL is 250 characters; the platform takes at most 200"

    # A second push sends nothing, and `sync retry` does not try the page that cannot fit.
    requests = len(platform.calls("/pages/"))  # each run asks /auth/verify/ once
    again = cli("sync", "push", "shop", "--format", "json")
    assert again.exit_code == 0 and again.json()["already_sent"] is True
    retry = cli("sync", "retry", "shop", "--format", "json")
    assert retry.exit_code == 0 and retry.json()["queued"] == 0
    assert len(platform.calls("/pages/")) == requests


def test_the_summary_counts_what_was_not_sent_by_reason(
    odd_shop: tuple[str, Site], platform: Platform, server: FixtureServer, cli: Cli
) -> None:
    long_url, _ = odd_shop
    dry = cli("sync", "push", "shop", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    said = " ".join(dry.stderr.split())
    assert f"would send {PAGES - 1} pages" in said
    assert "1 page not sent (URL over 200 characters)" in said
    r = cli("sync", "push", "shop")
    assert r.exit_code == 0, r.stderr
    said = " ".join(r.stderr.split())
    assert f"{PAGES - 1} pages sent" in said
    assert "1 page not sent (URL over 200 characters)." in said
    assert f"warning: not sent: {long_url}: URL is 250 characters" in said
    assert f"warning: {server.url('/canon/')}: canonical URL over 200 characters left out" in said
    table = " ".join(cli("sync", "status").stdout.split())
    assert "Unsendable" in table and "URL is 250 characters" in table
    # A new scan of the site: its row for the URL replaces the old one, and is not sent either.
    assert cli("scan", "shop", "--no-sitemaps").exit_code == 0
    second = cli("sync", "push", "shop", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert second.json()["updated"] == PAGES - 1 and len(second.json()["unsendable"]) == 1
    assert cli("sync", "status", "shop", "--format", "json").json()[0]["unsendable"] == 1
    assert long_url not in sent_urls(platform)


def test_a_page_queued_by_an_older_seolog_is_set_aside_not_sent(
    odd_shop: tuple[str, Site], platform: Platform, cli: Cli, sql: Any
) -> None:
    """An outbox from before the limits were known holds the over-long URL as a pending row,
    which met an HTML 500 on every push: the next push sets it aside instead."""
    long_url, _ = odd_shop
    assert cli("sync", "push", "shop").exit_code == 0
    sql(
        "UPDATE sync_outbox SET state = 'pending', last_error = NULL WHERE url = :url", url=long_url
    )
    assert cli("sync", "status", "shop", "--format", "json").json()[0]["pending"] == 1
    requests = len(platform.calls("/pages/"))  # each run asks /auth/verify/ once
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert [p["url"] for p in r.json()["unsendable"]] == [long_url]
    assert len(platform.calls("/pages/")) == requests
    status = cli("sync", "status", "shop", "--format", "json").json()[0]
    assert (status["pending"], status["unsendable"]) == (0, 1)


def test_bodies_queued_by_an_older_seolog_are_fitted_before_they_are_sent(
    logged_in: Shop, cli: Cli, sql: Any
) -> None:
    """A row set aside as failed by a seolog that did not know the limits keeps its over-long
    fields: `sync retry` fits them as a push does now, instead of meeting the same 400 again."""
    platform = logged_in.platform
    platform.json_fault("/seo-data/", 400, {"schema_type": ["Too long."]})
    assert cli("sync", "push", "shop", "--concurrency", "1").exit_code == 6
    old = dict(platform.calls("/seo-data/")[-1].body or {})
    old.update(schema_type=LONG_TYPE, canonical_url=LONG_CANONICAL, meta_title="Title " * 120)
    sql("UPDATE sync_outbox SET seo_data = :body WHERE state = 'failed'", body=json.dumps(old))

    r = cli("sync", "retry", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert (r.json()["updated"], r.json()["failed_total"]) == (1, 0)
    sent = platform.calls("/seo-data/")[-1].body or {}
    assert sent["schema_type"] == "T" * 99 + "…"
    assert sent["canonical_url"] == "" and sent["has_canonical"] == old["has_canonical"]
    assert len(sent["meta_title"]) == 500 and sent["meta_title"].endswith("…")
