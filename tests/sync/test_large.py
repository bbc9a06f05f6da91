"""Every fetched HTML page is sent, its body read or not; what is not a page is counted by reason.

A 200 `text/html` page over the crawl's body-size cap is never parsed, but it is a page its
visitors see: the platform hears of it (its URL and its findings, `page-too-large` among them), and
the push says it went without its content. Redirects, error pages and files are no WordPress
pages: the push counts them by reason instead of sending them.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli
from tests.server import FixtureServer, Response, html
from tests.sync.conftest import build_shop
from tests.sync.platform import Platform, Site
from tests.sync.test_parts import stored_page

CAP = "100K"  # the scan's --max-body-size: the big page is over it, every other page far under
BIG_BYTES = 300_000
NOT_SENT = {"redirect": 1, "error": 2, "not_html": 1, "no_answer": 0, "blocked": 1}
PAGES = 6  # the shop's five and the big one
TOO_LARGE_NOTE = (
    "sent without its content, which the crawl did not read: "
    "body larger than the 102,400-byte cap (--max-body-size)"
)


def build_big_shop(server: FixtureServer) -> str:
    """The shop, a page over the cap, a file, a server error and a URL robots.txt forbids, all
    linked from /plain/ (with the shop's redirect /old and broken link /missing); returns the big
    page's URL."""
    build_shop(server)
    filler = "<p>" + "All the products we ever sold. " * (BIG_BYTES // 31) + "</p>"
    server.routes["/big/"] = Response(body=html("Every product", f"<h1>Catalogue</h1>{filler}"))
    server.routes["/guide.pdf"] = Response(body=b"%PDF-1.4 a guide", content_type="application/pdf")
    server.routes["/oops/"] = Response(500, html("Server error"))
    server.routes["/robots.txt"] = Response(
        body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    links = "".join(
        f'<a href="{path}">{path}</a>' for path in ("/big/", "/guide.pdf", "/oops/", "/private/")
    )
    server.routes["/plain/"] = Response(body=html("Plain page", f"<h1>Plain</h1>{links}"))
    return server.url("/big/")


@pytest.fixture
def big_shop(server: FixtureServer, platform: Platform, cli: Cli) -> tuple[str, Site]:
    """The big shop scanned once with a small body cap, logged in; (the big page's URL, the
    platform's site)."""
    big_url = build_big_shop(server)
    assert cli("sites", "add", server.url(), "--name", "shop").exit_code == 0
    r = cli("scan", "shop", "--no-sitemaps", "--max-body-size", CAP, "--format", "json")
    assert r.exit_code == 0, r.stderr
    [big] = [p for p in r.json()["pages"] if p["url"] == big_url]
    assert big["error_kind"] == "too_large"  # recorded, never parsed
    key, remote = platform.add_site("Shop", server.url())
    login = cli("auth", "login", "shop", "--api-url", platform.api_url, input=key + "\n")
    assert login.exit_code == 0, login.stderr
    return big_url, remote


def test_a_page_over_the_body_cap_is_sent_with_its_findings(
    big_shop: tuple[str, Site], platform: Platform, cli: Cli
) -> None:
    big_url, remote = big_shop
    r = cli("sync", "push", "shop", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert (doc["created"], doc["failed"], doc["remaining"]) == (PAGES, 0, 0)
    assert doc["not_sent"] == NOT_SENT
    assert doc["skipped"] == sum(NOT_SENT.values())  # the old total, as scripts read it
    assert doc["unsendable"] == []
    assert doc["left_out"] == [{"url": big_url, "note": TOO_LARGE_NOTE}]

    pages = {p["url"]: p for p in platform.pages_of(remote).values()}
    assert len(pages) == PAGES and big_url in pages
    assert pages[big_url]["title"] == big_url  # its title was never read: the URL stands in
    seo = platform.seo_of(pages[big_url]["page_id"])
    assert seo is not None
    assert [i["type"] for i in seo["issues"]] == ["page-too-large"]
    assert seo["issues"][0]["severity"] == "warning"
    assert (seo["meta_title"], seo["word_count"], seo["h1_count"]) == ("", 0, 0)
    assert seo["seo_score"] == 85  # one warning: scored like any page with that finding
    assert seo["recommendations"] and seo["recommendations"][0].startswith(
        "HTML document is very large"
    )

    # A second push sends nothing.
    requests = len(platform.page_requests())
    again = cli("sync", "push", "shop", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["already_sent"] is True
    assert len(platform.page_requests()) == requests
    status = cli("sync", "status", "shop", "--format", "json").json()[0]
    assert (status["pending"], status["sent"], status["failed"]) == (0, PAGES, 0)


def test_the_summary_counts_what_is_not_a_page_by_reason(
    big_shop: tuple[str, Site], platform: Platform, cli: Cli
) -> None:
    big_url, _ = big_shop
    by_reason = (
        "Not pages, so not sent: 1 redirect, 2 error pages, 1 non-HTML file, "
        "1 URL blocked by robots.txt."
    )
    dry = cli("sync", "push", "shop", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    said = " ".join(dry.stderr.split())
    assert f"would send {PAGES} pages; nothing was sent. {by_reason}" in said
    assert "skipped" not in said
    r = cli("sync", "push", "shop")
    assert r.exit_code == 0, r.stderr
    said = " ".join(r.stderr.split())
    assert f"{PAGES} pages sent ({PAGES} new, 0 updated), 0 still queued. {by_reason}" in said
    assert f"warning: {big_url}: {TOO_LARGE_NOTE}" in said


@pytest.mark.store_agnostic
def test_a_page_never_parsed_says_what_the_platform_will_not_have() -> None:
    from seolog.sync import payloads

    def notes(**kw: Any) -> list[str]:
        return payloads.payload(stored_page(**kw), payloads.PageExtras(), 5, False, str).notes

    assert notes(indexable=None, error_message="body larger than the cap") == [
        "sent without its content, which the crawl did not read: body larger than the cap"
    ]
    assert notes(indexable=None) == ["sent without its content, which the crawl did not read"]
    assert notes(indexable=False) == []  # parsed, only not indexable: all of it is sent


@pytest.mark.store_agnostic
@pytest.mark.parametrize(
    ("status", "content_type", "parsed", "error_kind", "why"),
    [
        (200, "text/html; charset=utf-8", True, None, None),
        (200, "text/html", False, "too_large", None),  # over the size cap: a page all the same
        (200, "application/xhtml+xml", False, "timeout", None),  # the body never arrived whole
        (200, "", True, None, None),  # untyped, but it read as HTML
        (200, "application/pdf", False, None, "not_html"),
        (204, "", False, None, "not_html"),
        (301, "text/html", False, None, "redirect"),
        (404, "text/html", True, None, "error"),
        (503, "text/html", False, None, "error"),
        (None, None, False, "timeout", "no_answer"),
        (None, None, False, "blocked_robots", "blocked"),
    ],
)
def test_what_counts_as_a_page(
    status: int | None, content_type: str | None, parsed: bool, error_kind: str | None, why: Any
) -> None:
    from seolog.storage.sync import why_not_a_page

    assert why_not_a_page(status, content_type, parsed, error_kind) == why
